/* as-buddy.h: as-buddy's own functions for a C or C++ program whose allocations are on
 * as-buddy's heap (link c/as-buddy-malloc.c, docs/other-modules.md, "C and C++ programs"). They are imported
 * from the module "as-buddy" (build/as-buddy.host.wasm, or any as-buddy C module); the
 * standard names (malloc, free, calloc, realloc, aligned_alloc, posix_memalign,
 * malloc_usable_size) come from <stdlib.h> and <malloc.h> as usual. */
#ifndef AS_BUDDY_H
#define AS_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ErrorCode values this file's users test for (all of them: bindings' ErrorCode, docs/errors.md; tests/cprograms.test.js holds these equal to it). */
#define AS_BUDDY_OK 0
#define AS_BUDDY_OUT_OF_MEMORY 1
#define AS_BUDDY_TOO_LARGE 3
#define AS_BUDDY_BAD_ALIGN 4
#define AS_BUDDY_ALREADY_INITIALIZED 14

#define AS_BUDDY_IMPORT(name) __attribute__((import_module("as-buddy"), import_name(#name)))

/* The ErrorCode of the last failed call (docs/errors.md); 0 is OK. */
AS_BUDDY_IMPORT(buddy_last_error) uint32_t buddy_last_error(void);
/* Runs the heap checker: 0, or the ErrorCode of the broken invariant (buddy_check_detail). */
AS_BUDDY_IMPORT(buddy_check) uint32_t buddy_check(void);
AS_BUDDY_IMPORT(buddy_check_detail) uint32_t buddy_check_detail(void);
/* Merges the free buddies that deferred coalescing left; returns how many merges. */
AS_BUDDY_IMPORT(buddy_coalesce) uint32_t buddy_coalesce(void);
/* The address of the statistics record (docs/statistics.md), filled anew by each call. */
AS_BUDDY_IMPORT(buddy_stats) const void *buddy_stats(void);
/* Where the heap starts: c/as-buddy-malloc.c calls it with __heap_base before the first
 * allocation. 0 (OK), or the ErrorCode: ALREADY_INITIALIZED if the heap is elsewhere. */
AS_BUDDY_IMPORT(buddy_set_heap_start) uint32_t buddy_set_heap_start(uintptr_t start);

#ifdef __cplusplus
}
#endif

#endif
