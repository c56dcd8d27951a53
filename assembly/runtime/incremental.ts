// as-buddy runtime with AssemblyScript's incremental GC (rt/itcms), the default runtime's GC:
//   asc app.ts --runtime ./node_modules/as-buddy/assembly/runtime/incremental
// itcms's __new zeroes the payload, so __alloc zeroes only the block's slack.
import "rt/itcms";
import { mmAlloc, mmRealloc, mmFree } from "./mm";

/** Marks a program built on a compiled-in as-buddy runtime (runtimeHeap() in index.ts needs one). */
// @ts-ignore: decorator
@global const AS_BUDDY_RUNTIME: bool = true;

// @ts-ignore: decorator
@global @unsafe function __alloc(size: usize): usize { return mmAlloc(size, false); }
// @ts-ignore: decorator
@global @unsafe function __realloc(ptr: usize, size: usize): usize { return mmRealloc(ptr, size); }
// @ts-ignore: decorator
@global @unsafe function __free(ptr: usize): void { mmFree(ptr); }
