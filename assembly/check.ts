// The heap checker: verifies every invariant of the design and says which one broke.
// Tests run it after operations; it reads metadata and free-list links only, so it is safe on
// any initialised heap. Cost: O(blocks * maxOrder + metadata words).

import { ErrorCode, CheckFailure } from "./errors";
import {
  CB_SIZE, CB_DETACHED_SIZE, MAGIC, getMagic, getMinLog, getMaxOrder, getNonEmpty, getDefer, getRegionCount,
  getSpanLo, getSpanHi, getCapHi, getMetaPtr, getMetaSize, getUsed, getTotal, getFreeBase,
  setCheckDetail, getHead, getCount, getSplitBase, getRegionStart, getRegionEnd, getNext,
  getPrev, testBit, sizeOf,
  FLAG_SLABS, FLAG_RT_SLOTS, SLAB_LOG, SLAB_BYTES, SLAB_CLASSES, getFlags, getSlabBase, getSlabHead, getSlack, getEmptyClasses,
  classSize, slabClass, slabLive, slabScan, slabNext, slabPrev, slabSlots, slabFirst,
  slabBits, slabTailBits, getTail, slabLogOf, slabLog, slabSlotSize, classAt, CLASS_STEPS,
  stepTop, SLAB_TOP_LOG, SLAB_MAX, FLAG_RUNS, RUN_SLOTS, RUN_MIN_LOG, getRunCount, getRunStart, getRunEnd,
} from "./layout";
import { validateConfig, leafOrder, freeBytes } from "./heap";
import { firstSlot, slabBytesOf } from "./slab";

/** Checks the slab s (an allocated block with its slab bit, of its class's slab size): its class and
 *  geometry, that its bitmap has `live` bits set for its slots and every bit past the last slot
 *  set in that slot's word, that every word below the scan word is full (takeSlot skips them),
 *  and that the unused header word is 0. Returns the bytes of the slab no live slot holds, or -1. */
function checkSlab(root: usize, s: usize, flags: u32): i64 {
  let c = slabClass(s);
  if (c >= SLAB_CLASSES) return -1;
  let log = slabLogOf(root, c);
  let bytes = <usize>1 << log;
  let size = classSize(root, c);
  let first = slabFirst(s);
  let slots = slabSlots(s);
  let live = slabLive(s);
  let scan = slabScan(s);
  if (slabLog(s) != log || slabSlotSize(s) != size) return -1; // the header's copies of its class
  if (first != firstSlot(log, size, flags) || <usize>slots != (bytes - first) / size || live > slots) return -1;
  let words = (slots + 31) >> 5;
  if (scan >= words || load<u32>(s, 12) != 0) return -1;
  let bits = slabBits(s);
  let set: u32 = 0;
  for (let w: u32 = 0; w < words; ++w) {
    let word = load<u32>(bits + (<usize>w << 2));
    if (w < scan && word != 0xFFFFFFFF) return -1;
    if (w == slots >> 5) { // the word past the last slot: its tail bits set, not counted
      let tail = slabTailBits(slots);
      if ((word & tail) != tail) return -1;
      word &= ~tail;
    }
    set += <u32>popcnt(word);
  }
  if (set != live) return -1;
  return <i64>(bytes - <usize>live * size);
}

/** Whether the class tables hold what the slabs rely on: sizes growing in multiples of 16 up to
 *  SLAB_MAX, each with room for a slot in a slab of 8 to 128 KiB, and each step of the index
 *  naming the smallest class that holds the step's largest request. */
function classesValid(root: usize): bool {
  let prev: usize = 0;
  for (let c: u32 = 0; c < SLAB_CLASSES; ++c) {
    let size = classSize(root, c);
    let log = slabLogOf(root, c);
    if (size <= prev || (size & 15) || log < SLAB_LOG || log > SLAB_TOP_LOG) return false;
    if (firstSlot(log, size, FLAG_RT_SLOTS) + size > (<usize>1 << log)) return false;
    if (firstSlot(log, size, 0) + size > (<usize>1 << log)) return false;
    prev = size;
  }
  if (prev != SLAB_MAX) return false;
  for (let i: u32 = 0; i < CLASS_STEPS; ++i) {
    let c = classAt(root, i);
    let top = stepTop(i);
    if (c >= SLAB_CLASSES || classSize(root, c) < top || (c && classSize(root, c - 1) >= top)) return false;
  }
  return true;
}

function fail(root: usize, what: CheckFailure): u32 {
  setCheckDetail(root, what);
  return ErrorCode.CORRUPT;
}


/** 1 if [s, e) lies inside one region, 0 if it touches none, -1 if it straddles a boundary. */
function placement(root: usize, s: usize, e: usize): i32 {
  let n = getRegionCount(root);
  for (let i: u32 = 0; i < n; ++i) {
    let rs = getRegionStart(root, i);
    let re = getRegionEnd(root, i);
    if (s >= rs && e <= re) return 1;
    if (s < re && e > rs) return -1;
  }
  return 0;
}

/** Whether (p, k) is a free leaf of order k: free bit set, not split, parent split (or top). */
function isFreeLeaf(root: usize, p: usize, k: u32, minLog: u32, maxOrder: u32): bool {
  if (!testBit(getFreeBase(root), p >> minLog)) return false;
  if (k > 0 && testBit(getSplitBase(root, k), p >> (minLog + k))) return false;
  if (k < maxOrder && !testBit(getSplitBase(root, k + 1), p >> (minLog + k + 1))) return false;
  return true;
}

/** Number of set bits in the bitmap words that cover [lo, hi) at this shift. */
function popcountRange(base: usize, lo: usize, hi: usize, shift: u32): usize {
  let w0 = ((lo >> shift) >> 5) << 2;
  let w1 = (((hi - 1) >> shift) >> 5) << 2;
  let n: usize = 0;
  for (let w = w0; w <= w1; w += 4) n += popcnt<u32>(load<u32>(base + w));
  return n;
}

/** Checks the heap at root. Returns OK, NOT_INITIALIZED, or CORRUPT with the broken invariant
 *  recorded as the check detail (CheckFailure). */
export function check(root: usize): u32 {
  if (getMagic(root) != MAGIC) return ErrorCode.NOT_INITIALIZED;
  setCheckDetail(root, CheckFailure.NONE);
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  let capHi = getCapHi(root);
  if (validateConfig(minLog, maxOrder, 0) || lo > hi || hi > capHi) return fail(root, CheckFailure.CONTROL_BLOCK);
  let unit = sizeOf(0, minLog);

  // Regions: sorted, disjoint and not adjacent (adjacent ones merge), MIN-aligned, spanning
  // exactly [lo, hi), clear of the control block, adding up to the total.
  let n = getRegionCount(root);
  let total: usize = 0;
  // A detached heap's (a pool's: its metadata area lies outside it) has no class tables.
  let cbBytes = getMetaSize(root) ? CB_SIZE : CB_DETACHED_SIZE;
  for (let i: u32 = 0; i < n; ++i) {
    let rs = getRegionStart(root, i);
    let re = getRegionEnd(root, i);
    if (rs >= re || (rs | re) & (unit - 1)) return fail(root, CheckFailure.REGIONS);
    if (i > 0 && rs <= getRegionEnd(root, i - 1)) return fail(root, CheckFailure.REGIONS);
    if (rs < root + cbBytes && re > root) return fail(root, CheckFailure.REGIONS);
    total += re - rs;
  }
  if (!n || getRegionStart(root, 0) != lo || getRegionEnd(root, n - 1) != hi || total != getTotal(root)) {
    return fail(root, CheckFailure.REGIONS);
  }

  // Free lists: every entry a free leaf of its order inside the span, back links consistent,
  // no cycle (a walk longer than the count), the count and the non-empty bit right.
  let eager = getDefer(root) == 0;
  let listed: usize = 0;
  let nonEmpty = getNonEmpty(root);
  if (maxOrder < 31 && (nonEmpty >> (maxOrder + 1))) return fail(root, CheckFailure.NONEMPTY_BITMAP);
  for (let k: u32 = 0; k <= maxOrder; ++k) {
    let count = getCount(root, k);
    let p = getHead(root, k);
    if ((p != 0) != ((nonEmpty >> k) & 1 != 0)) return fail(root, CheckFailure.NONEMPTY_BITMAP);
    let prev: usize = 0;
    let seen: u32 = 0;
    let size = sizeOf(k, minLog);
    while (p) {
      if (seen == count) return fail(root, CheckFailure.LIST_LINKS);
      if (p < lo || p >= hi || (p & (size - 1)) || hi - p < size) return fail(root, CheckFailure.LIST_ENTRY);
      if (!isFreeLeaf(root, p, k, minLog, maxOrder)) return fail(root, CheckFailure.LIST_ENTRY);
      if (getPrev(p) != prev) return fail(root, CheckFailure.LIST_LINKS);
      if (eager && k < maxOrder) {
        let b = p ^ size;
        if (b >= lo && b < hi && isFreeLeaf(root, b, k, minLog, maxOrder)) return fail(root, CheckFailure.UNMERGED_BUDDIES);
      }
      prev = p;
      p = getNext(p);
      ++seen;
    }
    if (seen != count || prev != getTail(root, k)) return fail(root, CheckFailure.LIST_LINKS);
    listed += count;
  }

  // The tree, leaf by leaf in address order: walk down from the top node to the leaf holding p.
  // Each split node is counted the first time the walk enters it (its start, or the first leaf).
  let splits: usize = 0;
  let freeLeaves: usize = 0;
  let freeBytesSeen: usize = 0;
  let allocatedIn: usize = 0;
  let slabs = (getFlags(root) & FLAG_SLABS) != 0;
  if (slabs && !classesValid(root)) return fail(root, CheckFailure.SLABS); // the slabs' checks read them
  let slackSeen: usize = 0;
  let slabsSeen: usize = 0;
  let partialSeen: usize = 0;
  let first = true;
  let p = lo;
  while (p < hi) {
    let k = maxOrder;
    while (k > 0) {
      let q = p & ~(sizeOf(k, minLog) - 1);
      if (!testBit(getSplitBase(root, k), q >> (minLog + k))) break;
      if (first || q == p) ++splits;
      --k;
    }
    first = false;
    let s = p & ~(sizeOf(k, minLog) - 1);
    let e = s + sizeOf(k, minLog);
    let where = placement(root, s, e);
    if (where < 0) return fail(root, CheckFailure.BLOCK_BOUNDS);
    if (s >= lo && testBit(getFreeBase(root), s >> minLog)) {
      if (where == 0) return fail(root, CheckFailure.BLOCK_BOUNDS);
      ++freeLeaves;
      freeBytesSeen += e - s;
    } else if (where == 1) {
      allocatedIn += e - s;
      if (slabs && e - s >= SLAB_BYTES && testBit(getSlabBase(root), s >> SLAB_LOG)) {
        // The leaf is the whole slab: its class says its size.
        if (slabClass(s) >= SLAB_CLASSES || slabBytesOf(root, slabClass(s)) != e - s) return fail(root, CheckFailure.SLABS);
        let slack = checkSlab(root, s, getFlags(root));
        if (slack < 0) return fail(root, CheckFailure.SLABS);
        slackSeen += <usize>slack;
        ++slabsSeen;
        if (slabLive(s) < slabSlots(s)) ++partialSeen;
      }
    }
    if (e <= s) break; // the last top node of the address space
    p = e;
  }

  // Bits: no free bit without a free leaf, no split bit outside the tree.
  if (popcountRange(getFreeBase(root), lo, capHi, minLog) != freeLeaves) return fail(root, CheckFailure.FREE_BITS);
  let splitBits: usize = 0;
  for (let k: u32 = 1; k <= maxOrder; ++k) splitBits += popcountRange(getSplitBase(root, k), lo, capHi, minLog + k);
  if (splitBits != splits) return fail(root, CheckFailure.SPLIT_BITS);
  if (listed != freeLeaves || freeBytes(root) != freeBytesSeen) return fail(root, CheckFailure.LIST_COUNTS);

  // The metadata area: allocated leaves in its canonical decomposition, inside the heap.
  let meta = getMetaPtr(root);
  let metaEnd = meta + getMetaSize(root);
  let a = meta;
  while (a < metaEnd) {
    let j = leafOrder(root, a);
    let s = sizeOf(j, minLog);
    if ((a & (s - 1)) || metaEnd - a < s || placement(root, a, a + s) != 1) return fail(root, CheckFailure.METADATA);
    if (testBit(getFreeBase(root), a >> minLog)) return fail(root, CheckFailure.METADATA);
    a += s;
  }

  // Runs (runs.ts): each at least two allocated leaves of 64 KiB and up, side by side,
  // in the heap, no slab and no part of the metadata area, no two runs overlapping; unused
  // entries are zero. Without runs the table may not exist (a pool's detached heap ends
  // before it): the count must be zero.
  let runs = getRunCount(root);
  let table = (getFlags(root) & FLAG_RUNS) != 0;
  if (runs > (table ? RUN_SLOTS : 0)) return fail(root, CheckFailure.RUNS);
  for (let i: u32 = 0; table && i < RUN_SLOTS; ++i) {
    let a = getRunStart(root, i);
    let e = getRunEnd(root, i);
    if (i >= runs) {
      if (a | e) return fail(root, CheckFailure.RUNS);
      continue;
    }
    if (a >= e || placement(root, a, e) != 1 || a < metaEnd && meta < e) return fail(root, CheckFailure.RUNS);
    for (let j: u32 = 0; j < i; ++j) {
      if (a < getRunEnd(root, j) && getRunStart(root, j) < e) return fail(root, CheckFailure.RUNS);
    }
    let blocks: u32 = 0;
    let q = a;
    while (q < e) {
      let j = leafOrder(root, q);
      let s = sizeOf(j, minLog);
      if ((q & (s - 1)) || minLog + j < RUN_MIN_LOG || e - q < s) return fail(root, CheckFailure.RUNS);
      if (testBit(getFreeBase(root), q >> minLog)) return fail(root, CheckFailure.RUNS);
      if (slabs && testBit(getSlabBase(root), q >> SLAB_LOG)) return fail(root, CheckFailure.RUNS);
      ++blocks;
      q += s;
    }
    if (blocks < 2) return fail(root, CheckFailure.RUNS);
  }

  // Slabs: a slab bit only on a slab; every class's list holds exactly its slabs with a free
  // slot, linked both ways; a class with an empty slab kept has its bit in emptyClasses (which
  // coalesce() reads); the slack counted is the slack found.
  if (slabs) {
    if (popcountRange(getSlabBase(root), lo, capHi, SLAB_LOG) != slabsSeen) return fail(root, CheckFailure.SLABS);
    let listed: usize = 0;
    for (let c: u32 = 0; c < SLAB_CLASSES; ++c) {
      let prev: usize = 0;
      for (let q = getSlabHead(root, c); q; q = slabNext(q)) {
        if (++listed > partialSeen) return fail(root, CheckFailure.SLABS);
        if (q < lo || q >= hi || (q & (SLAB_BYTES - 1)) || !testBit(getSlabBase(root), q >> SLAB_LOG)) return fail(root, CheckFailure.SLABS);
        if (slabClass(q) != c || (q & (slabBytesOf(root, c) - 1)) || slabLive(q) >= slabSlots(q) || slabPrev(q) != prev) return fail(root, CheckFailure.SLABS);
        if (!slabLive(q) && !((getEmptyClasses(root) >> c) & 1)) return fail(root, CheckFailure.SLABS);
        prev = q;
      }
    }
    if (getEmptyClasses(root) >> SLAB_CLASSES) return fail(root, CheckFailure.SLABS);
    if (listed != partialSeen || slackSeen != getSlack(root)) return fail(root, CheckFailure.SLABS);
  } else if (getSlack(root)) {
    return fail(root, CheckFailure.SLABS);
  }

  // Bytes: allocated blocks in regions are user blocks, slabs (their live slots and their
  // slack) and the metadata area.
  let used = getUsed(root);
  if (allocatedIn != used + getMetaSize(root) + slackSeen) return fail(root, CheckFailure.USED_BYTES);
  if (getTotal(root) != used + freeBytesSeen + getMetaSize(root) + slackSeen) return fail(root, CheckFailure.USED_BYTES);
  return ErrorCode.OK;
}
