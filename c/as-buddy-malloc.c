/* as-buddy-malloc.c: every allocation of a wasi-libc C or C++ program on as-buddy's heap.
 *
 * Compile it into the program (docs/other-modules.md, "C and C++ programs"):
 *   clang --target=wasm32-wasi -O2 prog.c node_modules/as-buddy/c/as-buddy-malloc.c \
 *         -Wl,--import-memory -Wl,-z,stack-size=1048576 -o prog.wasm
 * and instantiate prog.wasm with instantiateGuest() from "as-buddy" (or by hand: its "as-buddy"
 * imports from build/as-buddy.host.wasm's exports, env.memory that module's memory, grown to
 * prog.wasm's minimum first).
 *
 * Why these names: wasi-libc's allocator (dlmalloc.o in libc.a) defines malloc, free, calloc,
 * realloc, aligned_alloc, posix_memalign, malloc_usable_size and __libc_malloc, __libc_free,
 * __libc_calloc. The linker takes an archive member only for a symbol nothing defined yet, so
 * defining all ten here keeps dlmalloc out; one left out would pull dlmalloc.o in and fail
 * the link with duplicate symbols rather than run two allocators. C++'s operator new and
 * delete (libc++abi) call malloc, aligned_alloc and free, so they land here too.
 *
 * Where the heap starts: the program's static data and stack end at __heap_base (the linker
 * puts data, then the stack, then __heap_base, without --stack-first). Before the first
 * allocation this file tells as-buddy that its heap must start at or above it, so data and
 * stack may have any size (instantiateGuest has already said so, from the module's bytes). If
 * as-buddy's heap was set up below it (the host used by hand before the program ran), the
 * program stops at once with a message instead of sharing bytes with the heap. */
#ifdef __cplusplus
/* As C++ every function below gets a mangled name, the linker takes wasi-libc's dlmalloc for
 * the real malloc, and the program runs without as-buddy. clang++ compiles a .c file as C++
 * unless told otherwise. */
#error "as-buddy-malloc.c must be compiled as C: clang++ ... prog.cpp -x c as-buddy-malloc.c (or clang -c it first)"
#endif
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include "as-buddy.h"

AS_BUDDY_IMPORT(malloc) void *as_buddy_malloc(size_t size);
AS_BUDDY_IMPORT(free) void as_buddy_free(void *ptr);
AS_BUDDY_IMPORT(buddy_free) uint32_t as_buddy_free_checked(void *ptr);
AS_BUDDY_IMPORT(calloc) void *as_buddy_calloc(size_t count, size_t size);
AS_BUDDY_IMPORT(realloc) void *as_buddy_realloc(void *ptr, size_t size);
AS_BUDDY_IMPORT(aligned_alloc) void *as_buddy_aligned_alloc(size_t align, size_t size);
AS_BUDDY_IMPORT(malloc_usable_size) size_t as_buddy_malloc_usable_size(void *ptr);

extern unsigned char __heap_base;

static int as_buddy_started;

__attribute__((noinline, cold)) static void as_buddy_start(void) {
  if (buddy_set_heap_start((uintptr_t)&__heap_base) != AS_BUDDY_OK) {
    static const char msg[] = "as-buddy-malloc.c: as-buddy's heap was set up before this program's "
                              "first allocation, over its static data or stack; instantiate the "
                              "program before using the heap (instantiateGuest does)\n";
    write(2, msg, sizeof msg - 1);
    __builtin_trap();
  }
  as_buddy_started = 1;
}

/* One load and a branch the predictor learns: the import call costs far more. */
#define START() do { if (__builtin_expect(!as_buddy_started, 0)) as_buddy_start(); } while (0)

/* POSIX: a failed allocation sets errno: ENOMEM when there is no room (or the size is beyond
 * the largest block), EINVAL for a bad alignment or a pointer that is no live block. */
static void *as_buddy_result(void *p) {
  if (!p) {
    uint32_t code = buddy_last_error();
    errno = code == AS_BUDDY_OUT_OF_MEMORY || code == AS_BUDDY_TOO_LARGE ? ENOMEM : EINVAL;
  }
  return p;
}

void *malloc(size_t size) {
  START();
  return as_buddy_result(as_buddy_malloc(size));
}

void free(void *ptr) {
  if (!ptr) return;
  START();
  as_buddy_free(ptr);
}

void *calloc(size_t count, size_t size) {
  START();
  return as_buddy_result(as_buddy_calloc(count, size));
}

/* realloc(p, 0) frees p and returns a new minimum block, as wasi-libc's dlmalloc does (the
 * module's own realloc export returns NULL there): a program written for wasi-libc that takes
 * NULL from realloc for out of memory keeps working. A p that is no live block gets NULL and
 * EINVAL, as any realloc of it does, and no block. */
void *realloc(void *ptr, size_t size) {
  START();
  if (ptr && !size) {
    if (as_buddy_free_checked(ptr) != AS_BUDDY_OK) {
      errno = EINVAL;
      return NULL;
    }
    return as_buddy_result(as_buddy_malloc(0));
  }
  return as_buddy_result(as_buddy_realloc(ptr, size));
}

/* C11: align a power of two (anything else is EINVAL and NULL); the block is aligned to it. */
void *aligned_alloc(size_t align, size_t size) {
  START();
  return as_buddy_result(as_buddy_aligned_alloc(align, size));
}

/* POSIX: EINVAL for an alignment that is not a power of two times sizeof(void *), ENOMEM when
 * there is no room; *out is written only on success. */
int posix_memalign(void **out, size_t align, size_t size) {
  if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
  START();
  void *p = as_buddy_aligned_alloc(align, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}

/* The bytes the block really has (its size class or power of two), all usable. */
size_t malloc_usable_size(void *ptr) {
  if (!ptr) return 0;
  START();
  return as_buddy_malloc_usable_size(ptr);
}

/* wasi-libc's internal names for its own allocator: defined so dlmalloc.o is never linked. */
void *__libc_malloc(size_t size) { return malloc(size); }
void __libc_free(void *ptr) { free(ptr); }
void *__libc_calloc(size_t count, size_t size) { return calloc(count, size); }
