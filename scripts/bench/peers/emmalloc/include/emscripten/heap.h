/* <emscripten/heap.h> for emmalloc.c outside Emscripten: the heap is linear memory, which may
 * grow to 4 GiB (less the last page, which a wasm32 size cannot reach). */
#pragma once
#include <stddef.h>
size_t emscripten_get_heap_size(void);
size_t emscripten_get_heap_max(void);
