// as-buddy runtime without a GC: objects live until the program frees their memory explicitly
// (heap.free / __free), unlike AssemblyScript's stub runtime, which never frees anything.
//   asc app.ts --runtime ./node_modules/as-buddy/assembly/runtime/stub
import { OBJECT, OBJECT_OVERHEAD, OBJECT_MAXSIZE, BLOCK_OVERHEAD } from "rt/common";
import { E_ALLOCATION_TOO_LARGE } from "util/error";
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

// @ts-ignore: decorator
@global @unsafe function __new(size: usize, id: u32): usize {
  if (size > OBJECT_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  let ptr = mmAlloc(OBJECT_OVERHEAD + size, true); // zeroed: header words and payload
  let object = changetype<OBJECT>(ptr - BLOCK_OVERHEAD);
  object.rtId = id;
  object.rtSize = <u32>size;
  return ptr + OBJECT_OVERHEAD;
}

// @ts-ignore: decorator
@global @unsafe function __renew(oldPtr: usize, size: usize): usize {
  if (size > OBJECT_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  let ptr = mmRealloc(oldPtr - OBJECT_OVERHEAD, OBJECT_OVERHEAD + size);
  changetype<OBJECT>(ptr - BLOCK_OVERHEAD).rtSize = <u32>size;
  return ptr + OBJECT_OVERHEAD;
}

// No GC: links, pins and visits are no-ops, and collecting does nothing.
// @ts-ignore: decorator
@global @unsafe function __link(parentPtr: usize, childPtr: usize, expectMultiple: bool): void {}
// @ts-ignore: decorator
@global @unsafe function __pin(ptr: usize): usize { return ptr; }
// @ts-ignore: decorator
@global @unsafe function __unpin(ptr: usize): void {}
// @ts-ignore: decorator
@global @unsafe function __visit(ptr: usize, cookie: u32): void {}
// @ts-ignore: decorator
@global @unsafe function __collect(): void {}
