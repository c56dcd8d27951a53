/* emmalloc, Emscripten's small allocator, as a benchmark peer (scripts/bench/build.js): the
 * file Debian's emscripten 3.1.6 package ships (/usr/share/emscripten/system/lib/emmalloc.c,
 * fetched at build time into build/emscripten/ by scripts/bench/fetch-emmalloc.js, unchanged,
 * MIT or University of Illinois/NCSA licence as its header says), built with clang and
 * wasi-libc's headers instead of Emscripten. What Emscripten would give it comes from here: sbrk() on
 * memory.grow from __heap_base, and the heap size. Alignment: emmalloc aligns to max_align_t,
 * which is 8 bytes in Emscripten (its code asserts that) and 16 in wasm32 C (clang, wasi-libc),
 * the alignment every other peer of the benchmark gives; it gets 16 here, its compile-time
 * assertions switched off (CHANGELOG.md has what Emscripten's 8 would change). */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

/* emmalloc.c includes <assert.h> again, which defines static_assert as _Static_assert. */
#define _Static_assert(cond, msg)

extern unsigned char __heap_base;
static uintptr_t brk;

size_t emscripten_get_heap_size(void) { return __builtin_wasm_memory_size(0) << 16; }
size_t emscripten_get_heap_max(void) { return 0xFFFF0000u; }

void *sbrk(intptr_t increment) {
  if (!brk) brk = (uintptr_t)&__heap_base;
  uintptr_t old = brk;
  uintptr_t end = old + (uintptr_t)increment;
  if (increment > 0 ? end < old : end > old) { errno = ENOMEM; return (void *)-1; }
  uintptr_t top = emscripten_get_heap_size();
  if (end > top && __builtin_wasm_memory_grow(0, (end - top + 65535) >> 16) == (size_t)-1) {
    errno = ENOMEM;
    return (void *)-1;
  }
  brk = end;
  return (void *)old;
}

#include "emmalloc.c"
