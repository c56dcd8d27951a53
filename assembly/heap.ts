// as-buddy's heap: a binary buddy allocator on WebAssembly linear memory. The ABI, index.ts,
// the pool and the runtime call it as `import * as core from "./heap"`: initialisation lives
// here, the rest is re-exported from the file that owns it. From the bottom up:
//
//   layout.ts    every record and offset (control block, metadata area, slabs, runs, pools)
//   core.ts      the textbook buddy: free lists, split bits, carving, merging, taking a block
//   metadata.ts  where the metadata area lives, and moving it
//   regions.ts   the region table, and adding a range to the heap
//   growth.ts    merging before growth, and how many pages memory grows by
//   runs.ts      large odd sizes as runs of blocks side by side
//   slab.ts      a slab's record; slots.ts: size classes, which slab a request takes
//   alloc.ts     alloc, free, lookup, sized free, usable size
//   realloc.ts   realloc in place and its moves
//   stats.ts     statistics and the leaf walk
//
// Nothing touches a global: every function takes the root (the control block), so several
// heaps can live in one module and threads can share one.

import {
  AUTO_ORDER, CB_ALIGN, CB_DETACHED_SIZE, CB_SIZE, DEBUG, DEFAULT_FEATURES, ErrorCode,
  FLAG_FINE_SLOTS, FLAG_GROWABLE, FLAG_LOW_FIRST, FLAG_RT_SLOTS, FLAG_RUNS, FLAG_SLABS, MAGIC,
  MAX_PAGES, MAX_SIZE_LOG, MIN_LOG_HIGHEST, MIN_LOG_LOWEST, SLAB_LOG, getMagic,
  metadataBytes, setCapHi, setDefer, setFlags, setGrowPages, setMagic, setMaxOrder, setMinLog,
  setSpanHi, setSpanLo, setTotal, sizeOf,
} from "./layout";
import {
  initClasses,
} from "./slab";
import {
  carveFree, memoryTop,
} from "./core";
import {
  areaBytes, buildMetadata, capacityOf,
} from "./metadata";
import {
  addRange, insertRegion, validateRegion,
} from "./regions";

/** The root a heap initialised at `base` has: base rounded up to 16. */
// @ts-ignore: decorator
@inline export function rootOf(base: usize): usize {
  return (base + CB_ALIGN - 1) & ~(CB_ALIGN - 1);
}

/** Checks a configuration: minLog in 3..16, minLog + maxOrder <= 31, growPages <= 65535. */
export function validateConfig(minLog: u32, maxOrder: u32, growPages: u32): u32 {
  if (minLog < MIN_LOG_LOWEST || minLog > MIN_LOG_HIGHEST) return ErrorCode.BAD_CONFIG;
  if (maxOrder > MAX_SIZE_LOG - minLog) return ErrorCode.BAD_CONFIG;
  if (growPages > MAX_PAGES) return ErrorCode.BAD_CONFIG;
  return ErrorCode.OK;
}

/** Initialises a heap over [base, base + size) of linear memory (maxOrder AUTO_ORDER: the
 *  largest minLog allows). The control block goes at
 *  rootOf(base); the rest becomes the first region (its metadata area at its start). A heap
 *  with growPages > 0 grows with memory.grow up to that many pages of memory when its span
 *  ends at the top of memory. Returns an ErrorCode; on failure no byte was written. */
export function init(base: usize, size: usize, minLog: u32, maxOrder: u32, growPages: u32, deferLimit: u32, features: u32 = DEFAULT_FEATURES): u32 {
  if (maxOrder == AUTO_ORDER && minLog <= MAX_SIZE_LOG) maxOrder = MAX_SIZE_LOG - minLog;
  let code = validateConfig(minLog, maxOrder, growPages);
  if (code) return code;
  let r = validateRegion(0, base, size, minLog);
  if (r < (<u64>1 << 32)) return <u32>r;
  let root = rootOf(base);
  let end = base + size;
  let mask = sizeOf(0, minLog) - 1;
  let a = (root + CB_SIZE + mask) & ~mask;
  let b = end & ~mask;
  if (root + CB_SIZE > end || a >= b) return ErrorCode.BAD_REGION;
  // Check that the first metadata area fits before writing anything.
  // Slabs need a slab to be a block of the heap and to hold a few units.
  if (minLog + maxOrder < SLAB_LOG || minLog + 4 > SLAB_LOG) features &= ~FLAG_SLABS;
  let flags = (growPages ? FLAG_GROWABLE : 0) | (features & (FLAG_LOW_FIRST | FLAG_SLABS | FLAG_RT_SLOTS | FLAG_RUNS | FLAG_FINE_SLOTS));
  let bytes = areaBytes(minLog, maxOrder, flags, a, capacityOf(flags, growPages, a, b));
  if (bytes > b - a) return ErrorCode.BAD_REGION;

  memory.fill(root, 0, CB_SIZE);
  setMinLog(root, minLog);
  setMaxOrder(root, maxOrder);
  setFlags(root, flags);
  if (flags & FLAG_SLABS) initClasses(root);
  setGrowPages(root, growPages);
  setDefer(root, deferLimit);
  setSpanLo(root, a);
  setSpanHi(root, a);
  setCapHi(root, a);
  setMagic(root, MAGIC);
  code = addRange(root, a, b);
  if (DEBUG) assert(code == ErrorCode.OK); // the run was checked to fit
  return code;
}

/** Initialises a detached heap: its control block at `root` and its metadata (bitmaps for
 *  [lo, hi), metadataBytes(lo, hi, minLog, maxOrder) bytes at `meta`) live outside the range
 *  it manages, so every byte of [lo, hi) is free at the start. It never grows and has one
 *  region. Free blocks still carry their list links at their start, so [lo, hi) must be
 *  writable: BuddyPool (pool.ts) runs the buddy algorithm here on a shadow array, one 16-byte
 *  shadow unit per minimum block of its pool. The caller validates: lo and hi MIN-aligned,
 *  lo < hi, the configuration valid, the three areas disjoint. Eager coalescing (deferLimit 0),
 *  so that a free merges at once, as buddy_pool does. */
export function initDetached(root: usize, meta: usize, lo: usize, hi: usize, minLog: u32, maxOrder: u32): void {
  memory.fill(root, 0, CB_DETACHED_SIZE);
  setMinLog(root, minLog);
  setMaxOrder(root, maxOrder);
  setSpanLo(root, lo);
  setSpanHi(root, lo);
  setCapHi(root, lo);
  setMagic(root, MAGIC);
  buildMetadata(root, meta, metadataBytes(lo, hi, minLog, maxOrder, 0), lo, hi);
  setSpanHi(root, hi);
  insertRegion(root, lo, hi);
  setTotal(root, hi - lo);
  carveFree(root, lo, hi);
}

/** Whether `root` points at an initialised heap; reads nothing outside memory. */
export function isHeap(root: usize): bool {
  let top = memoryTop();
  if (!root || (root & (CB_ALIGN - 1)) || root >= top || top - root < CB_SIZE) return false;
  return getMagic(root) == MAGIC;
}

export { memoryTop, leafOrder, inRegions } from "./core";
export { addRegion } from "./regions";
export { coalesce } from "./growth";
export { SLOT, inSlab } from "./slots";
export {
  allocAligned, allocZeroed, allocUnchecked, allocRt, freeRt, extentFor, lookup, free, dealloc,
  freeUnchecked, usableSize,
} from "./alloc";
export { realloc } from "./realloc";
export {
  LEAF_ALLOCATED, LEAF_FREE, LEAF_METADATA, LEAF_SLAB, LEAF_RUN, NOT_A_LEAF, leafInfo, freeBytes,
  largestFree, statsInto,
} from "./stats";
