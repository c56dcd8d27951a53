/* dlmalloc as wasm programs ship it: wasi-libc's malloc (from Debian's wasi-libc), linked
 * into a module that exports the C names and imports nothing. Built by scripts/bench/build.js
 * with clang --target=wasm32-wasi -Wl,--export=malloc,... */
#include <stdlib.h>
/* Referenced so the linker keeps libc's allocator. */
void *(*volatile keep[])(void) = { (void *(*)(void))malloc, (void *(*)(void))free, (void *(*)(void))realloc };
