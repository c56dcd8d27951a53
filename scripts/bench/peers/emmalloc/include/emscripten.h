/* The parts of <emscripten.h> that emmalloc.c names, for a build with clang and wasi-libc
 * instead of Emscripten: the console logging of its verbose and validating modes is off, so
 * these macros only need to exist. */
#pragma once
#define EM_ASM(...) ((void)0)
#define MAIN_THREAD_ASYNC_EM_ASM(...) ((void)0)
