/* dlmalloc in a module of its own, for the "cxx-program" row: the C++ program links
 * c/as-buddy-malloc.c and imports its allocator from module "as-buddy", exactly as on
 * as-buddy, but the module behind those imports is wasi-libc's dlmalloc. What it costs beside
 * dlmalloc built into the program is what the module boundary costs. Built by
 * scripts/bench/build.js with --import-memory and --global-base above the program's data and
 * stack (dlmalloc then takes memory from its own __heap_base up, and grows it with sbrk). */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#define EXPORT(name) __attribute__((export_name(#name)))

EXPORT(malloc) void *host_malloc(size_t n) { return malloc(n); }
EXPORT(free) void host_free(void *p) { free(p); }
EXPORT(calloc) void *host_calloc(size_t c, size_t n) { return calloc(c, n); }
EXPORT(realloc) void *host_realloc(void *p, size_t n) { return realloc(p, n); }
EXPORT(aligned_alloc) void *host_aligned_alloc(size_t a, size_t n) { return aligned_alloc(a, n); }
EXPORT(malloc_usable_size) size_t host_malloc_usable_size(void *p) { return malloc_usable_size(p); }
/* as-buddy's calls that c/as-buddy-malloc.c makes: the layout is fixed at link time here, and
 * errno comes from the error code (OUT_OF_MEMORY: ENOMEM). */
EXPORT(buddy_set_heap_start) uint32_t host_set_heap_start(uintptr_t start) { (void)start; return 0; }
EXPORT(buddy_last_error) uint32_t host_last_error(void) { return 1; }
