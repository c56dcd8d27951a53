// Where the metadata area lives. The bitmaps (layout.ts, "Metadata area") are allocated leaves
// of the heap itself, sized for the heap's span with headroom (capacityFor). When the span
// outgrows them, a new area is built elsewhere and the old one freed: growth.ts and
// regions.ts decide when, allocMeta where. lowerMetadata moves the area down when a lower
// block is free, so that it never pins a large block high in memory.

import {
  FLAG_GROWABLE, FLAG_SLABS, PAGE_LOG, SLAB_LOG, biasedBase, bitmapBytes, getCapHi, getFlags,
  getFreeBase, getGrowPages, getHead, getMaxOrder, getMetaPtr, getMetaSize, getMinLog, getNext,
  getSlabBase, getSpanHi, getSpanLo, getSplitBase, metadataBytes, orderOf, setCapHi,
  setFreeBase, setMetaPtr, setSlabBase, setSplitBase, sizeOf,
} from "./layout";
import {
  freeCarved, removeFree, takeFree, trimBlock,
} from "./core";

/** The span a metadata area for [lo, hi) is built to cover: a growable heap gets 25% headroom
 *  (within its page limit) so that growth moves the metadata only every so often (amortised
 *  O(1) per byte). */
export function capacityOf(flags: u32, growPages: u32, lo: usize, hi: usize): usize {
  if (!(flags & FLAG_GROWABLE)) return hi;
  let limit = <usize>growPages << PAGE_LOG;
  if (limit <= hi) return hi;
  let room = (hi - lo) >> 2; // compared, not added: hi + room may pass 4 GiB
  return limit - hi > room ? hi + room : limit;
}

/** capacityOf for this heap. */
export function capacityFor(root: usize, lo: usize, hi: usize): usize {
  return capacityOf(getFlags(root), getGrowPages(root), lo, hi);
}

/** Bytes of a metadata area for [lo, cap), rounded up to whole minimum blocks. */
export function areaBytes(minLog: u32, maxOrder: u32, flags: u32, lo: usize, cap: usize): usize {
  let mask = sizeOf(0, minLog) - 1;
  return (metadataBytes(lo, cap, minLog, maxOrder, flags) + mask) & ~mask;
}

/** areaBytes for this heap. */
export function metaBytes(root: usize, lo: usize, cap: usize): usize {
  return areaBytes(getMinLog(root), getMaxOrder(root), getFlags(root), lo, cap);
}

/** Builds a metadata area at `at` covering [lo, cap): zeroes it, copies the bits of the current
 *  span into it (bases are absolute, so words copy one to one), and switches the bases. The
 *  bitmaps, in order (layout.ts, "Metadata area"): free bits, split bits of orders
 *  1..maxOrder, slab bits (heaps with slabs). */
export function buildMetadata(root: usize, at: usize, bytes: usize, lo: usize, cap: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let flags = getFlags(root);
  memory.fill(at, 0, bytes);
  at = moveBitmap(root, BM_FREE, at, lo, cap, minLog);
  for (let k: u32 = 1; k <= maxOrder; ++k) at = moveBitmap(root, k, at, lo, cap, minLog + k);
  if (flags & FLAG_SLABS) at = moveBitmap(root, BM_SLAB, at, lo, cap, SLAB_LOG);
  setCapHi(root, cap);
}

/** Bitmap ids for moveBitmap: split bits of order k are id k (1..maxOrder). */
// @ts-ignore: decorator
@inline const BM_FREE: u32 = 0;

// @ts-ignore: decorator
@inline const BM_SLAB: u32 = 101;

/** Places bitmap `id` (one bit per 2^shift bytes) at `at` for [lo, cap), copies the words of
 *  the current span from its old place, and returns the address after it. */
function moveBitmap(root: usize, id: u32, at: usize, lo: usize, cap: usize, shift: u32): usize {
  let base = biasedBase(at, lo, shift);
  let oldLo = getSpanLo(root);
  let oldHi = getSpanHi(root);
  if (oldHi > oldLo) {
    let oldBase = id == BM_FREE ? getFreeBase(root) : id == BM_SLAB ? getSlabBase(root) : getSplitBase(root, id);
    let w0 = ((oldLo >> shift) >> 5) << 2;
    let w1 = (((oldHi - 1) >> shift) >> 5) << 2;
    memory.copy(base + w0, oldBase + w0, w1 - w0 + 4);
  }
  if (id == BM_FREE) setFreeBase(root, base);
  else if (id == BM_SLAB) setSlabBase(root, base);
  else setSplitBase(root, id, base);
  return at + bitmapBytes(lo, cap, shift);
}

/** Allocates exactly `bytes` (a multiple of MIN) for a metadata area from the free blocks, without
 *  merging or growing: a block takeFree picks, or, with a limit, the lowest free block below it
 *  (metaBlock). 0 if none holds it. */
export function allocMeta(root: usize, bytes: usize, below: usize): usize {
  let minLog = getMinLog(root);
  let k = orderOf(bytes, minLog);
  if (k > getMaxOrder(root)) return 0;
  if (below == NO_LIMIT) {
    let p = takeFree(root, k, k);
    if (p) trimBlock(root, p, k, bytes, minLog);
    return p;
  }
  let found = metaBlock(root, k, below);
  if (!found) return 0;
  let p = <usize>found;
  let j = <u32>(found >> 32);
  removeFree(root, p, j, minLog);
  trimBlock(root, p, j, bytes, minLog);
  return p;
}

/** allocMeta's `below` when any free block will do. */
// @ts-ignore: decorator
@inline export const NO_LIMIT: usize = <usize>-1;

/** The free block a metadata area of order k goes to, as its address | its order << 32, or 0
 *  if there is none: of the smallest order from k up that has a block below `below`, the
 *  lowest such (below: a growth that merges with the free blocks from there to the top keeps
 *  them whole, growthStart). Walks those free lists: only metadata moves ask, which are rare
 *  (a growth past the run's headroom). */
function metaBlock(root: usize, k: u32, below: usize): u64 {
  let maxOrder = getMaxOrder(root);
  for (let j = k; j <= maxOrder; ++j) {
    let best: usize = 0;
    for (let x = getHead(root, j); x; x = getNext(x)) {
      if (x < below && (!best || x < best)) best = x;
    }
    if (best) return <u64>best | (<u64>j << 32);
  }
  return 0;
}

/** The largest order that has a free block below `below` (so metaBlock finds one for every
 *  order up to it), or -1. Walks the free lists from the largest order down to the first that
 *  has such a block: the lists of large orders are short. */
export function largestBelow(root: usize, below: usize): i32 {
  for (let j = <i32>getMaxOrder(root); j >= 0; --j) {
    for (let x = getHead(root, <u32>j); x; x = getNext(x)) {
      if (x < below) return j;
    }
  }
  return -1;
}

/** Moves the metadata area to the lowest free block that holds it, when that lies below it:
 *  growth puts the run wherever a block was free then, often high, where it would keep the
 *  largest blocks from ever re-forming (after a program frees everything, a request for a
 *  quarter of memory must not need memory.grow). Called by coalesce(); costs a copy of the
 *  run when it moves, and a walk of the lists of orders that can hold it (a few blocks). */
export function lowerMetadata(root: usize): bool {
  let minLog = getMinLog(root);
  let meta = getMetaPtr(root);
  let bytes = getMetaSize(root);
  if (!bytes) return false; // a detached heap (a pool's): its metadata lies outside it
  let maxOrder = getMaxOrder(root);
  let best = meta;
  let order: u32 = 0;
  for (let k = orderOf(bytes, minLog); k <= maxOrder; ++k) {
    for (let x = getHead(root, k); x; x = getNext(x)) {
      if (x < best) { best = x; order = k; }
    }
  }
  if (best == meta) return false;
  removeFree(root, best, order, minLog);
  trimBlock(root, best, order, bytes, minLog);
  buildMetadata(root, best, bytes, getSpanLo(root), getCapHi(root));
  setMetaPtr(root, best);
  freeCarved(root, meta, meta + bytes);
  return true;
}
