// The memory manager of as-buddy's runtimes: AssemblyScript's __alloc/__realloc/__free on an
// as-buddy heap that starts at __heap_base and grows with memory.grow (see layout.ts, "Runtime
// blocks"). The runtime files (incremental.ts, minimal.ts, stub.ts) declare the globals.
//
// Zeroing. With a custom runtime the standard library assumes fresh and renewed memory is zero
// (as under the incremental runtime), and the incremental GC grows an object in place by only
// raising its size when the block has room. So every byte of a block past what the program has
// written must be zero: __alloc zeroes the block's slack (or all of it, for the minimal GC,
// whose __new does not zero), and __realloc zeroes whatever it adds or leaves behind.

import { BLOCK_MAXSIZE } from "rt/common";
import { E_ALLOCATION_TOO_LARGE } from "util/error";
import * as core from "../heap";
import {
  RT_HEADER, RT_SLOT_HEADER, DEFAULT_DEFER, DEFAULT_MIN_LOG, MAX_SIZE_LOG, MAX_PAGES, SLAB_MAX,
  DEFAULT_FEATURES, FLAG_RT_SLOTS, FLAG_RUNS, setRtUsable, rtUsable,
} from "../layout";

/** Set while the out-of-memory error is being thrown: the Error object itself needs memory. */
let failing = false;

/** Aborts through AssemblyScript's usual path (`throw` calls the host's abort with the message).
 *  If even the Error cannot be allocated, traps instead of recursing. */
function fail(message: string): void {
  if (failing) unreachable();
  failing = true;
  throw new Error(message);
}

/** Cached root; the truth is the heap's magic at rootOf(__heap_base), so every copy of this
 *  module (a program may import it by another path) finds the one heap. */
let cachedRoot: usize = 0;

/** The runtime's heap, set up on first use over [__heap_base, top of memory): size classes
 *  with the runtime's slot placement (layout.ts, "Runtime blocks"). */
/** The runtime heap's features: its slots (FLAG_RT_SLOTS), and no runs (runs.ts):
 *  mmRealloc stores the usable size extentFor predicts, a power of two for a block, which a
 *  run's is not. */
// @ts-ignore: decorator
@inline const RT_FEATURES: u32 = (DEFAULT_FEATURES & ~FLAG_RUNS) | FLAG_RT_SLOTS;

export function heapRoot(): usize {
  if (cachedRoot) return cachedRoot;
  let root = core.rootOf(__heap_base);
  if (!core.isHeap(root)) {
    if (core.memoryTop() < __heap_base + 4096 && memory.grow(1) < 0) fail("as-buddy: out of memory");
    let code = core.init(__heap_base, core.memoryTop() - __heap_base, DEFAULT_MIN_LOG,
      MAX_SIZE_LOG - DEFAULT_MIN_LOG, MAX_PAGES, DEFAULT_DEFER, RT_FEATURES);
    if (code) fail("as-buddy: cannot set up the heap above __heap_base");
  }
  return cachedRoot = root;
}

/** The prefix a request of `size` payload bytes gets: a slot's 4 bytes when size + 4 fits a
 *  slot, else a block's 16. */
// @ts-ignore: decorator
@inline function prefixFor(size: usize): usize {
  return size + RT_SLOT_HEADER <= SLAB_MAX ? RT_SLOT_HEADER : RT_HEADER;
}

/** The prefix of the live runtime pointer ptr: 4 inside a slab, else 16. */
// @ts-ignore: decorator
@inline function prefixOf(root: usize, ptr: usize): usize {
  return core.inSlab(root, ptr) ? RT_SLOT_HEADER : RT_HEADER;
}

/** __alloc: a 16-aligned pointer with its usable size at ptr - 4. Aborts when out of memory,
 *  like the default runtime (with a message instead of a bare trap). */
export function mmAlloc(size: usize, zeroAll: bool): usize {
  if (size > BLOCK_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  let ptr = core.allocRt(heapRoot(), size);
  if (!ptr) fail("as-buddy: out of memory");
  let usable = rtUsable(ptr);
  if (zeroAll) memory.fill(ptr, 0, usable);
  else memory.fill(ptr + size, 0, usable - size);
  return ptr;
}

/** __realloc: in place when the slot's class or the buddy allows (so __renew keeps its fast
 *  path), else moved; between a slot and a block always moved, by alloc, copy and free. */
export function mmRealloc(ptr: usize, size: usize): usize {
  if (size > BLOCK_MAXSIZE) throw new Error(E_ALLOCATION_TOO_LARGE);
  let root = heapRoot();
  let pre = prefixOf(root, ptr);
  let whole = core.usableSize(root, ptr - pre);
  if (!whole) fail("as-buddy: realloc of a pointer that is not a live block");
  let old = whole - pre;
  let next = prefixFor(size);
  if (next != pre) {
    let moved = mmAlloc(size, false);
    memory.copy(moved, ptr, size < old ? size : old);
    if (size > old) memory.fill(moved + old, 0, size - old);
    core.free(root, ptr - pre);
    return moved;
  }
  let block = core.realloc(root, ptr - pre, size + pre);
  if (!block) fail("as-buddy: out of memory");
  let usable = core.extentFor(root, size + pre) - pre;
  let to = block + pre;
  setRtUsable(to, usable);
  let from = size < old ? size : old;
  memory.fill(to + from, 0, usable - from);
  return to;
}

/** __free: a pointer that is not a live block is rejected (counted in the heap's
 *  rejectedFrees, error in lastError) and the heap is not touched. */
export function mmFree(ptr: usize): void {
  core.freeRt(heapRoot(), ptr);
}
