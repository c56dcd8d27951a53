// The heap's regions: ranges of linear memory added by init, addRegion or growth, recorded in
// the control block's table (merged when adjacent) and carved into free blocks. A range that
// widens the span past the metadata's capacity takes a new metadata area first (metadata.ts).

import {
  CB_SIZE, DEBUG, ErrorCode, MAX_REGIONS, getCapHi, getMetaPtr, getMetaSize, getMinLog,
  getRegionCount, getRegionEnd, getRegionStart, getSpanHi, getSpanLo, getTotal, setLastError,
  setMetaPtr, setMetaSize, setRegion, setRegionCount, setSpanHi, setSpanLo, setTotal, sizeOf,
} from "./layout";
import {
  carveAllocated, carveFree, freeCarved, memoryTop,
} from "./core";
import {
  NO_LIMIT, allocMeta, buildMetadata, capacityFor, metaBytes,
} from "./metadata";

/** Validates [base, base + size) as a new region of this heap and returns its MIN-aligned
 *  bounds packed as (start, end) in a u64, or an ErrorCode (< 2^32, so never a valid pair). */
export function validateRegion(root: usize, base: usize, size: usize, minLog: u32): u64 {
  // Address 0 is the null pointer: a block there would read as a failed allocation, and a
  // control block there as no heap.
  if (size == 0 || base == 0) return ErrorCode.BAD_REGION;
  let end = base + size;
  let top = memoryTop();
  if (end < base || end > top) return ErrorCode.BAD_REGION;
  let mask = sizeOf(0, minLog) - 1;
  let a = (base + mask) & ~mask;
  let b = end & ~mask;
  if (a < base || a >= b) return ErrorCode.BAD_REGION;
  if (root && a < root + CB_SIZE && b > root) return ErrorCode.REGION_OVERLAP;
  if (root) {
    let n = getRegionCount(root);
    for (let i: u32 = 0; i < n; ++i) {
      if (a < getRegionEnd(root, i) && b > getRegionStart(root, i)) return ErrorCode.REGION_OVERLAP;
    }
  }
  return (<u64>b << 32) | <u64>a;
}

/** Where a region starting at a goes in the table sorted by start: the index of the first
 *  region that starts at or above a (the count if none does). */
// @ts-ignore: decorator
@inline function regionSlot(root: usize, a: usize): u32 {
  let n = getRegionCount(root);
  let i: u32 = 0;
  while (i < n && getRegionStart(root, i) < a) ++i;
  return i;
}

function regionFits(root: usize, a: usize, b: usize): bool {
  let n = getRegionCount(root);
  if (n < MAX_REGIONS) return true;
  let i = regionSlot(root, a);
  return (i > 0 && getRegionEnd(root, i - 1) == a) || (i < n && getRegionStart(root, i) == b);
}

/** Records [a, b) in the region table, merging it with adjacent entries. */
export function insertRegion(root: usize, a: usize, b: usize): void {
  let n = getRegionCount(root);
  let i = regionSlot(root, a);
  let joinLeft = i > 0 && getRegionEnd(root, i - 1) == a;
  let joinRight = i < n && getRegionStart(root, i) == b;
  if (joinLeft && joinRight) {
    setRegion(root, i - 1, getRegionStart(root, i - 1), getRegionEnd(root, i));
    for (let j = i; j + 1 < n; ++j) setRegion(root, j, getRegionStart(root, j + 1), getRegionEnd(root, j + 1));
    setRegionCount(root, n - 1);
  } else if (joinLeft) {
    setRegion(root, i - 1, getRegionStart(root, i - 1), b);
  } else if (joinRight) {
    setRegion(root, i, a, getRegionEnd(root, i));
  } else {
    if (DEBUG) assert(n < MAX_REGIONS); // regionFits was checked first
    for (let j = n; j > i; --j) setRegion(root, j, getRegionStart(root, j - 1), getRegionEnd(root, j - 1));
    setRegion(root, i, a, b);
    setRegionCount(root, n + 1);
  }
}

/** Adds [a, b) (MIN-aligned, validated, disjoint from the heap) to the heap. When the span
 *  outgrows the metadata, a new run is taken from a free block below `below` if the heap has
 *  one (allocMeta), else from the new region's start; the old run is freed after the switch.
 *  Returns OK, TOO_MANY_REGIONS or
 *  OUT_OF_MEMORY, in which case nothing changed. */
export function addRange(root: usize, a: usize, b: usize, below: usize = NO_LIMIT, metaAt: usize = 0): u32 {
  if (!regionFits(root, a, b)) return ErrorCode.TOO_MANY_REGIONS;
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  let newLo = a < lo ? a : lo;
  let newHi = b > hi ? b : hi;
  let metaStart = a; // a new metadata area in the new range: [metaStart, metaEnd)
  let metaEnd = a;
  if (a < lo || b > getCapHi(root)) {
    let cap = capacityFor(root, newLo, newHi);
    let bytes = metaBytes(root, newLo, cap);
    // From the heap first, so that the new region is carved whole (and coalesces across its
    // seams as it would without metadata); from the new region's start if the heap is full.
    let at = allocMeta(root, bytes, below);
    if (!at) {
      if (bytes > b - a) return ErrorCode.OUT_OF_MEMORY;
      at = metaAt >= a && metaAt + bytes <= b ? metaAt : a; // metaAt: growForRun's place for it
      metaStart = at;
      metaEnd = at + bytes;
    }
    let oldMeta = getMetaPtr(root);
    let oldBytes = getMetaSize(root);
    buildMetadata(root, at, bytes, newLo, cap);
    setSpanLo(root, newLo);
    setSpanHi(root, newHi);
    setMetaPtr(root, at);
    setMetaSize(root, bytes);
    if (metaEnd > metaStart) carveAllocated(root, metaStart, metaEnd);
    freeCarved(root, oldMeta, oldMeta + oldBytes);
  } else {
    setSpanLo(root, newLo);
    setSpanHi(root, newHi);
  }
  insertRegion(root, a, b);
  setTotal(root, getTotal(root) + (b - a));
  if (metaStart > a) carveFree(root, a, metaStart);
  if (metaEnd < b) carveFree(root, metaEnd, b);
  return ErrorCode.OK;
}

/** Adds the region [base, base + size) of linear memory to the heap. It may lie anywhere
 *  (unaligned, any size) that is not already part of the heap; it is shrunk inward to whole
 *  minimum blocks, and merges with adjacent regions. */
export function addRegion(root: usize, base: usize, size: usize): u32 {
  let r = validateRegion(root, base, size, getMinLog(root));
  if (r < (<u64>1 << 32)) { setLastError(root, <u32>r); return <u32>r; }
  let code = addRange(root, <usize>r, <usize>(r >> 32));
  if (code) setLastError(root, code);
  return code;
}
