// Allocation and free of the heap: validation, then a slot (slots.ts), a block (growth.ts's
// takeBlock) or a run (runs.ts). Every public function checks its input and returns or records
// an ErrorCode before changing anything; free finds the block from metadata alone, never
// reading the memory at p.

import {
  Counter, DEBUG, ErrorCode, RT_HEADER, RT_SLOT_HEADER, RUN_MIN_LOG, SLAB_MAX, bumpCounter,
  classSize, getMaxOrder, getMetaPtr, getMetaSize, getMinLog, getRunStart, getUsed, orderOf,
  setLastError, setRtUsable, setUsed, sizeOf, slabClass, slabSlotSize,
} from "./layout";
import {
  slotIndex,
} from "./slab";
import {
  giveBack, inRegions, inSpan, isFreeHead, leafOrder, reject,
} from "./core";
import {
  takeBlock,
} from "./growth";
import {
  RUNS_ANY, extentOf, freeRun, mayBeRun, runAt, takeLarge,
} from "./runs";
import {
  NO_SLOT, SLOT, allocSlot, borrowFor, freeInSlab, freeLiveSlot, slabOf, slotFor,
  slotHolds,
} from "./slots";

/** Allocates `size` bytes aligned to `align` (0 or any power of two up to the largest block).
 *  A small request takes a slot of its size class (slotFor); any other the smallest block
 *  that holds `size`, where a larger alignment is met by taking a block of the alignment's
 *  order and keeping its lowest part, so the block is never inflated. Returns 0 and records
 *  the error on failure. */
export function allocAligned(root: usize, size: usize, align: usize): usize {
  let minLog = getMinLog(root);
  if (size - 1 < SLAB_MAX && !(align & (align - 1))) { // a slot, most likely: checks it needs only
    let c = slotFor(root, size, align);
    if (c != NO_SLOT) {
      let p = allocSlot(root, c, minLog, borrowFor(size, align));
      if (!p) reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS);
      return p;
    }
  }
  let maxLog = minLog + getMaxOrder(root);
  if (size == 0) { reject(root, ErrorCode.ZERO_SIZE, Counter.FAILED_ALLOCS); return 0; }
  if (size > (<usize>1 << maxLog)) { reject(root, ErrorCode.TOO_LARGE, Counter.FAILED_ALLOCS); return 0; }
  if ((align & (align - 1)) || align > (<usize>1 << maxLog)) {
    reject(root, ErrorCode.BAD_ALIGN, Counter.FAILED_ALLOCS);
    return 0;
  }
  let k = orderOf(size, minLog);
  let from = k;
  if (align > sizeOf(k, minLog)) from = orderOf(align, minLog);
  // A run is aligned to 64 KiB (its first block's size) and no more.
  let p = from == k ? takeLarge(root, size, k, minLog, align <= (<usize>1 << RUN_MIN_LOG) ? RUNS_ANY : 0) : takeBlock(root, k, from);
  if (!p) { reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS); return 0; }
  setUsed(root, getUsed(root) + extentOf(root, p, k, minLog));
  bumpCounter(root, Counter.ALLOCS);
  return p;
}

/** alloc, then zero the bytes asked for. */
export function allocZeroed(root: usize, size: usize, align: usize): usize {
  let p = allocAligned(root, size, align);
  if (p) memory.fill(p, 0, size);
  return p;
}

/** The fast path without checks, buddyalloc-style: `size` must be 1..largest block. Still
 *  returns 0 when memory runs out, but records no error. */
export function allocUnchecked(root: usize, size: usize): usize {
  let minLog = getMinLog(root);
  let c = slotFor(root, size, 0);
  if (c != NO_SLOT) return allocSlot(root, c, minLog, borrowFor(size, 0));
  let k = orderOf(size, minLog);
  let p = takeBlock(root, k, k);
  if (p) {
    setUsed(root, getUsed(root) + sizeOf(k, minLog));
    bumpCounter(root, Counter.ALLOCS);
  }
  return p;
}

/** What usableSize reports for a new allocation of `size` (1..largest) aligned to `align`: a
 *  slot's class size, or the power of two of its block. */
export function extentFor(root: usize, size: usize, align: usize = 0): usize {
  let c = slotFor(root, size, align);
  if (c != NO_SLOT) return classSize(root, c);
  return <usize>1 << (getMinLog(root) + orderOf(size, getMinLog(root)));
}

/** The runtime's allocation (runtime/mm.ts): `size` payload bytes after the prefix of where
 *  they land, a slot's RT_SLOT_HEADER or a block's RT_HEADER, with the usable size stored just
 *  before the pointer returned (layout.ts, "Runtime blocks"). 0 when memory runs out. The
 *  class is computed once, for the place and for the usable size. */
export function allocRt(root: usize, size: usize): usize {
  let minLog = getMinLog(root);
  let c = slotFor(root, size + RT_SLOT_HEADER, 0);
  if (c != NO_SLOT) {
    let slot = allocSlot(root, c, minLog);
    if (!slot) return 0;
    setRtUsable(slot + RT_SLOT_HEADER, classSize(root, c) - RT_SLOT_HEADER);
    return slot + RT_SLOT_HEADER;
  }
  let k = orderOf(size + RT_HEADER, minLog);
  let block = takeBlock(root, k, k);
  if (!block) return 0;
  setUsed(root, getUsed(root) + sizeOf(k, minLog));
  bumpCounter(root, Counter.ALLOCS);
  setRtUsable(block + RT_HEADER, sizeOf(k, minLog) - RT_HEADER);
  return block + RT_HEADER;
}

/** The runtime's free of the pointer allocRt returned: its prefix told by whether it lies in a
 *  slab (free then finds that slab again: a bit test, where a second inline copy of free's slot
 *  path would make the runtime's module larger). OK, or the error with the heap unchanged. */
export function freeRt(root: usize, ptr: usize): u32 {
  let s = inSpan(root, ptr) ? slabOf(root, ptr) : 0;
  return free(root, ptr - (s ? RT_SLOT_HEADER : RT_HEADER)); // a slot's start is in the slab too
}

/** Finds the allocated block that starts at p: its order (>= 0) or -ErrorCode. Reads only
 *  metadata, never the memory at p. */
export function lookup(root: usize, p: usize): i32 {
  let s = inSpan(root, p) ? slabOf(root, p) : 0; // a slab lies in a region: no region walk
  if (s) {                                       // a slab: O(1), no walk
    let i = slotIndex(s, p);
    return i < 0 ? i : SLOT;
  }
  if (!inRegions(root, p)) return -ErrorCode.NOT_IN_HEAP;
  return lookupBlock(root, p);
}

/** lookup for a p in the heap's regions and in no slab. */
function lookupBlock(root: usize, p: usize): i32 {
  let minLog = getMinLog(root);
  let mask = sizeOf(0, minLog) - 1;
  if (p & mask) {
    // A slot's start (16-aligned, under a larger minimum block) in free memory: the slot was
    // freed and its slab given back since.
    let q = p & ~mask;
    if (!(p & 15) && isFreeHead(root, q & ~(sizeOf(leafOrder(root, q), minLog) - 1), minLog)) return -ErrorCode.DOUBLE_FREE;
    return -ErrorCode.NOT_BLOCK_START;
  }
  let k = leafOrder(root, p);
  let start = p & ~(sizeOf(k, minLog) - 1);
  if (isFreeHead(root, start, minLog)) return -ErrorCode.DOUBLE_FREE; // freed, maybe merged since
  if (start != p) return -ErrorCode.NOT_BLOCK_START;                   // interior pointer
  if (p - getMetaPtr(root) < getMetaSize(root)) return -ErrorCode.NOT_BLOCK_START; // metadata area
  if (mayBeRun(root, k, minLog)) {                                      // a run's later block
    let r = runAt(root, p);
    if (r >= 0 && getRunStart(root, r) != p) return -ErrorCode.NOT_BLOCK_START;
  }
  return <i32>k;
}

/** free(p) without a size. Returns OK or the error (the heap is then unchanged). */
export function free(root: usize, p: usize): u32 {
  let s = inSpan(root, p) ? slabOf(root, p) : 0; // lookup's order, keeping the slab it found
  if (s) return freeInSlab(root, s, p);
  if (!inRegions(root, p)) return reject(root, ErrorCode.NOT_IN_HEAP, Counter.REJECTED_FREES);
  let k = lookupBlock(root, p);
  if (k < 0) return reject(root, <u32>-k, Counter.REJECTED_FREES);
  freeFound(root, p, <u32>k);
  return ErrorCode.OK;
}

/** Frees the block (p, k) lookup found. */
// @ts-ignore: decorator
@inline export function freeFound(root: usize, p: usize, k: u32): void {
  let minLog = getMinLog(root);
  if (mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0) { freeRun(root, <u32>r, minLog); return; }
  }
  if (DEBUG) assert(getUsed(root) >= sizeOf(k, minLog)); // the block was counted in use
  setUsed(root, getUsed(root) - sizeOf(k, minLog));
  bumpCounter(root, Counter.FREES);
  giveBack(root, p, k, minLog);
}

/** Sized free, Rust GlobalAlloc style: `size` and `align` must be those of the allocation (or
 *  of the last realloc), checked against the block's order. */
export function dealloc(root: usize, p: usize, size: usize, align: usize): u32 {
  let k = lookup(root, p);
  if (k < 0) return reject(root, <u32>-k, Counter.REJECTED_FREES);
  let minLog = getMinLog(root);
  let maxLog = minLog + getMaxOrder(root);
  if (
    size == 0 || size > (<usize>1 << maxLog) || (align & (align - 1)) || (p & (align - 1)) && align != 0 ||
    (k == SLOT ? !slotHolds(root, size, align, slabClass(slabOf(root, p))) : !extentHolds(root, p, <u32>k, size, minLog))
  ) return reject(root, ErrorCode.SIZE_MISMATCH, Counter.REJECTED_FREES);
  if (k == SLOT) {
    let s = slabOf(root, p);
    freeLiveSlot(root, s, p);
  } else freeFound(root, p, <u32>k);
  return ErrorCode.OK;
}

/** Whether `size` is a size the block allocation (p, k) could have been made for: its block's
 *  order, or for a run, a size of the run's order that it holds (a run stands for a block of
 *  that order, and is never longer). */
function extentHolds(root: usize, p: usize, k: u32, size: usize, minLog: u32): bool {
  return sizeFits(size, extentOf(root, p, k, minLog), minLog);
}

/** extentHolds for a known extent. */
// @ts-ignore: decorator
@inline export function sizeFits(size: usize, extent: usize, minLog: u32): bool {
  return size <= extent && orderOf(size, minLog) == orderOf(extent, minLog);
}

/** The fast free without checks: p must be a live block from this heap. */
export function freeUnchecked(root: usize, p: usize): void {
  let s = slabOf(root, p);
  if (s) freeLiveSlot(root, s, p);
  else freeFound(root, p, leafOrder(root, p));
}

/** The usable size of the allocation at p (its slot's class size, or its block's power of
 *  two), or 0 if p is not a live allocation. */
export function usableSize(root: usize, p: usize): usize {
  let k = lookup(root, p);
  if (k < 0) { setLastError(root, <u32>-k); return 0; }
  if (k == SLOT) return slabSlotSize(slabOf(root, p));
  return extentOf(root, p, <u32>k, getMinLog(root));
}
