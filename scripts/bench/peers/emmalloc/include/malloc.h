/* wasi-libc's <malloc.h> plus the struct mallinfo that emmalloc.c fills (its fields as in
 * Emscripten's musl). */
#pragma once
#include_next <malloc.h>
struct mallinfo {
  int arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
};
