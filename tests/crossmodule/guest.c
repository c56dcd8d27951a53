/* A C program whose malloc is as-buddy's: the allocator functions are imported from the
 * "as-buddy" module instead of linking a libc malloc, and memory is imported (as-buddy's).
 * Freestanding (no libc); its stack and data stay below 64 KiB, which as-buddy's host build
 * leaves to the guest. Build: see tests/crossmodule.test.js. */
#include <stddef.h>
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("as-buddy"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(malloc) void *malloc(size_t size);
IMPORT(free) void free(void *ptr);
IMPORT(calloc) void *calloc(size_t count, size_t size);
IMPORT(realloc) void *realloc(void *ptr, size_t size);
IMPORT(aligned_alloc) void *aligned_alloc(size_t align, size_t size);

/* clang may emit calls to these for loops and struct copies. */
void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *d = dst; const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}
void *memset(void *dst, int c, size_t n) {
  unsigned char *d = dst;
  while (n--) *d++ = (unsigned char)c;
  return dst;
}

typedef struct word {
  struct word *next;
  size_t length;
  char text[];
} word;

static const char *const SOURCE = "the quick brown fox jumps over the lazy dog again and again";

/* Splits SOURCE into a list of heap-allocated words, `rounds` times over; returns the list. */
EXPORT(words) word *words(int rounds) {
  word *head = NULL, **tail = &head;
  for (int r = 0; r < rounds; r++) {
    const char *p = SOURCE;
    while (*p) {
      while (*p == ' ') p++;
      const char *start = p;
      while (*p && *p != ' ') p++;
      size_t n = (size_t)(p - start);
      if (!n) continue;
      word *w = malloc(sizeof(word) + n + 1);
      if (!w) return NULL;
      memcpy(w->text, start, n);
      w->text[n] = 0;
      w->length = n;
      w->next = NULL;
      *tail = w;
      tail = &w->next;
    }
  }
  return head;
}

EXPORT(total_length) size_t total_length(word *w) {
  size_t n = 0;
  for (; w; w = w->next) n += w->length;
  return n;
}

EXPORT(free_words) void free_words(word *w) {
  while (w) { word *next = w->next; free(w); w = next; }
}

/* A dynamic array of ints grown with realloc; zeroed spare capacity via calloc. */
EXPORT(vector_sum) int64_t vector_sum(int n) {
  int *v = NULL;
  int cap = 0;
  for (int i = 0; i < n; i++) {
    if (i == cap) {
      cap = cap ? cap * 2 : 4;
      int *grown = realloc(v, (size_t)cap * sizeof(int));
      if (!grown) { free(v); return -1; }
      v = grown;
    }
    v[i] = i;
  }
  int *zeros = calloc((size_t)n, sizeof(int));
  int64_t sum = 0;
  for (int i = 0; i < n; i++) sum += v[i] + (zeros ? zeros[i] : 1000000);
  free(zeros);
  free(v);
  return sum;
}

EXPORT(aligned_ok) int aligned_ok(void) {
  void *p = aligned_alloc(4096, 100);
  int ok = p && ((uintptr_t)p & 4095) == 0;
  free(p);
  return ok;
}
