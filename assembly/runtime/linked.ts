// as-buddy runtime linked to an as-buddy host: AssemblyScript's incremental GC (rt/itcms) with
// every allocation taken from the host's heap through imports (module "as-buddy": malloc,
// realloc, free). The program carries no allocator, so several modules share one heap:
//   asc app.ts --runtime ./node_modules/as-buddy/assembly/runtime/linked --importMemory
// and instantiate it with as-buddy's instantiateGuests (bindings/src/guest.ts), which places the
// heap above the module's static data and shadow stack (docs/other-modules.md).
//
// A runtime block is a host block with a 16-byte prefix, so that the payload stays 16-aligned:
//   host block: [16 bytes: 12 unused, mmInfo u32 at +12][itcms object header 16][payload]
// mmInfo is the requested size: itcms's __renew grows an object in place only within it, and
// __new zeroes all of it, so no byte past what the program wrote can show through.
import "rt/itcms";
import { BLOCK_MAXSIZE } from "rt/common";
import { E_ALLOCATION_TOO_LARGE } from "util/error";

// @ts-ignore: decorator
@external("as-buddy", "malloc") declare function hostMalloc(size: usize): usize;
// @ts-ignore: decorator
@external("as-buddy", "realloc") declare function hostRealloc(ptr: usize, size: usize): usize;
// @ts-ignore: decorator
@external("as-buddy", "free") declare function hostFree(ptr: usize): void;

/** The program's __heap_base (the end of its static data and shadow stack): the host places its
 *  heap above it. The bindings read this function's body (one constant) from the module's bytes
 *  before anything runs (bindings/src/wasm-layout.ts); the name says which runtime this is. */
export function AS_BUDDY_LINKED_HEAP_BASE(): usize { return __heap_base; }

// @ts-ignore: decorator
@inline const PREFIX: usize = 16;

/** Set while the error is being thrown: the Error object itself needs memory. */
let failing = false;

function fail(size: usize): void {
  if (failing) unreachable();
  failing = true;
  throw new Error(size > MAX_SIZE ? E_ALLOCATION_TOO_LARGE : "as-buddy: out of memory (the host's heap)");
}

// @ts-ignore: decorator
@inline const MAX_SIZE: usize = BLOCK_MAXSIZE - PREFIX;

// @ts-ignore: decorator
@global @unsafe function __alloc(size: usize): usize {
  let block = size <= MAX_SIZE ? hostMalloc(size + PREFIX) : 0;
  if (!block) fail(size);
  store<u32>(block, <u32>size, PREFIX - 4);
  return block + PREFIX;
}

// @ts-ignore: decorator
@global @unsafe function __realloc(ptr: usize, size: usize): usize {
  let old = <usize>load<u32>(ptr - 4);
  let block = size <= MAX_SIZE ? hostRealloc(ptr - PREFIX, size + PREFIX) : 0;
  if (!block) fail(size);
  store<u32>(block, <u32>size, PREFIX - 4);
  if (size > old) memory.fill(block + PREFIX + old, 0, size - old); // what it adds is zero, as in mm.ts
  return block + PREFIX;
}

// @ts-ignore: decorator
@global @unsafe function __free(ptr: usize): void {
  hostFree(ptr - PREFIX);
}
