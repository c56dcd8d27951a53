/* <emscripten/threading.h> for emmalloc.c outside Emscripten: single-threaded, nothing needed. */
#pragma once
