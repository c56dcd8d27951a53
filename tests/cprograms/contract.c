/* The C contracts of c/as-buddy-malloc.c, printed for tests/cprograms.test.js to compare with
 * what POSIX and C11 say: errno on failure, posix_memalign's EINVAL and ENOMEM (with *out left
 * alone), aligned_alloc's alignment, malloc_usable_size, realloc(p, 0), realloc past memory
 * (NULL, ENOMEM, the block kept), calloc overflow, and from misuse() aligned_alloc's EINVAL.
 * Built with -fno-builtin: otherwise clang takes malloc for a function that writes no memory
 * the program can see and reads errno from before the call. */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Sizes the compiler cannot see and a place it must store results to, so that it keeps the
 * calls (it may drop an allocation whose result is only compared with NULL). */
static volatile size_t three_gib = 3u << 30, mib = 1u << 20, eight_kib = 1u << 13;
static void *volatile sink;

/* Run with an argument: misuse, which C leaves undefined and as-buddy answers (wasi-libc's
 * dlmalloc may crash on it, so this part runs on as-buddy only). */
static int misuse(void) {
  char *p = malloc(100);
  char *bad = p + 16;                                   /* inside a block: no block start */
  errno = 0;
  void *q = realloc(bad, 0);
  printf("realloc(interior, 0): %s, errno EINVAL %d\n", q ? "block" : "NULL", errno == EINVAL);
  errno = 0;
  q = realloc(bad, 200);
  printf("realloc(interior, 200): %s, errno EINVAL %d\n", q ? "block" : "NULL", errno == EINVAL);
  free(bad);                                            /* rejected, nothing freed */
  printf("p still usable: %d\n", malloc_usable_size(p) >= 100);
  errno = 0;                                            /* C11: an alignment not supported */
  q = sink = aligned_alloc(3, 100);
  printf("aligned_alloc(3, 100): %s, errno EINVAL %d\n", q ? "block" : "NULL", errno == EINVAL);
  free(p);
  free(p);                                              /* double free: rejected */
  printf("done\n");
  return 0;
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc > 1) return misuse();
  void *out = (void *)1;
  printf("posix_memalign(3): %s, out kept %d\n", posix_memalign(&out, 3, 16) == EINVAL ? "EINVAL" : "?", out == (void *)1);
  printf("posix_memalign(2): %s\n", posix_memalign(&out, 2, 16) == EINVAL ? "EINVAL" : "?");
  printf("posix_memalign(4096, 3 GiB): %s, out kept %d\n", posix_memalign(&out, 4096, three_gib) == ENOMEM ? "ENOMEM" : "?", out == (void *)1);
  int r = posix_memalign(&out, 4096, 100);
  printf("posix_memalign(4096, 100): %d, aligned %d\n", r, ((uintptr_t)out & 4095) == 0);
  free(out);
  errno = 0;
  void *p = sink = malloc(three_gib);
  printf("malloc(3 GiB): %s, errno ENOMEM %d\n", p ? "block" : "NULL", errno == ENOMEM);
  errno = 0;
  p = sink = calloc(mib, eight_kib);
  printf("calloc overflow: %s, errno ENOMEM %d\n", p ? "block" : "NULL", errno == ENOMEM);
  p = aligned_alloc(64, 100);
  printf("aligned_alloc(64, 100): aligned %d, usable %d\n", ((uintptr_t)p & 63) == 0, malloc_usable_size(p) >= 100);
  free(p);
  p = malloc(0);
  printf("malloc(0): %s\n", p ? "unique block" : "NULL");
  free(p);
  char *s = malloc(10);
  strcpy(s, "as-buddy");
  s = realloc(s, 100000);
  printf("realloc kept \"%s\", usable %d\n", s, malloc_usable_size(s) >= 100000);
  errno = 0;
  p = sink = realloc(s, three_gib);
  printf("realloc(p, 3 GiB): %s, errno ENOMEM %d, p kept \"%s\"\n", p ? "block" : "NULL", errno == ENOMEM, s);
  errno = 0;
  p = realloc(s, 0);
  printf("realloc(p, 0): %s, errno %d\n", p ? "block" : "NULL", errno);
  free(p);
  free(NULL);
  printf("done\n");
  return 0;
}
