// as-buddy runtime with AssemblyScript's two-colour mark & sweep GC (rt/tcms), which collects
// only when the host calls __collect (export it with --exportRuntime):
//   asc app.ts --runtime ./node_modules/as-buddy/assembly/runtime/minimal --exportRuntime
// tcms's __new does not zero, so __alloc zeroes the whole block.
import "rt/tcms";
import { mmAlloc, mmRealloc, mmFree } from "./mm";

/** Marks a program built on a compiled-in as-buddy runtime (runtimeHeap() in index.ts needs one). */
// @ts-ignore: decorator
@global const AS_BUDDY_RUNTIME: bool = true;

// @ts-ignore: decorator
@global @unsafe function __alloc(size: usize): usize { return mmAlloc(size, true); }
// @ts-ignore: decorator
@global @unsafe function __realloc(ptr: usize, size: usize): usize { return mmRealloc(ptr, size); }
// @ts-ignore: decorator
@global @unsafe function __free(ptr: usize): void { mmFree(ptr); }
