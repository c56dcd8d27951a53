// Size classes: requests up to 16 KiB take a slot in a slab, a buddy block (8 to 128 KiB, by
// class) cut into slots of one size (layout.ts, "Slabs"). Why: a power of two wastes a quarter
// of a uniformly drawn request, and small blocks scattered through memory keep large buddies
// from merging. Classes eight per doubling up to 4 KiB and five above, each sized to fill its
// slab (initClasses), waste at most a fifth of a request and much less on average; slabs keep small
// objects together, so a large free block is held back only by a whole slab.
//
// Every misuse is still caught in O(1): the slab holding a pointer is found by its slab bit
// (slabAt), and the pointer must be a slot start (its offset a multiple of the slot size) whose
// bit in the slab's bitmap is set, else NOT_BLOCK_START or DOUBLE_FREE (slotIndex). A slab
// whose last slot is freed goes back to the buddy heap unless it is the only slab of its class
// with a free slot (so that alloc/free pairs do not split and merge a block each time); coalesce() gives
// those back too, before the heap grows.

import {
  ErrorCode, SLAB_LOG, SLAB_HEADER, classSize, getSlabHead, setSlabHead, getSlack,
  setSlack, getSlabBase, getUsed, setUsed, slabClass, slabLive, setSlabLive, slabScan,
  setSlabScan, slabNext, setSlabNext, slabPrev, setSlabPrev, slabSlots,
  slabFirst, setSlabHeader, slabBits, testBit, setBit, clearBit, DEBUG,
  SLAB_CLASSES, FLAG_RT_SLOTS, getFlags, SLAB_TOP_LOG, slabLogOf, slabLog, slabSlotSize, setClass,
  setClassAt, CLASS_STEPS, stepTop, SLAB_MAX, getEmptyClasses, setEmptyClasses,
} from "./layout";

/** Bytes of a slab of class c. */
// @ts-ignore: decorator
@inline export function slabBytesOf(root: usize, c: u32): usize { return <usize>1 << slabLogOf(root, c); }

/** Offset of slot 0 in a slab of 2^log bytes of slots of `size`: past the header and the
 *  bitmap, aligned to the slot size for a power of two (so those slots are naturally aligned),
 *  else to 16; for a runtime heap 16-aligned plus 12 (layout.ts, FLAG_RT_SLOTS). */
export function firstSlot(log: u32, size: usize, flags: u32): usize {
  let bits = ((((<usize>1 << log) / size) + 31) >> 5) << 2;
  if (flags & FLAG_RT_SLOTS) return ((SLAB_HEADER + bits + 15) & ~15) + 12;
  let align: usize = (size & (size - 1)) ? 16 : size;
  return (SLAB_HEADER + bits + align - 1) & ~(align - 1);
}

/** Slots of `size` in a slab of 2^log bytes: the fewer of an ordinary and a runtime heap's, so
 *  that a class is the same in both. */
function slotsIn(log: u32, size: usize): usize {
  let a = ((<usize>1 << log) - firstSlot(log, size, 0)) / size;
  let b = ((<usize>1 << log) - firstSlot(log, size, FLAG_RT_SLOTS)) / size;
  return a < b ? a : b;
}

/** Writes the size classes into the control block (layout.ts, classSizes, classLogs and
 *  classIndex), by the rule scripts/size-classes.js states and explains: up to 128 B every
 *  multiple of 16, then 160, 192, 224, 256; per doubling (2^b, 2^(b+1)] from 256 B, slabs of
 *  2^max(13, b+3) bytes (2^(b+4) from 1 to 4 KiB) and seven sizes, the first of the largest
 *  sizes for each slot count (multiples of the index's step) that reach 2^b (1 + i/8), i = 0..6; and 2^(b+1) itself in
 *  a slab of 2^(b+5) (at most 128 KiB). Then each step of the index gets the smallest class
 *  that holds its largest size. */
export function initClasses(root: usize): void {
  let n: u32 = 0;
  for (let size: usize = 16; size <= 256; size += size < 128 ? 16 : 32) setClass(root, n++, size, SLAB_LOG);
  for (let b: u32 = 8; (<usize>1 << b) < SLAB_MAX; ++b) {
    let lo = <usize>1 << b;
    let hi = lo << 1;
    let log = b == 10 || b == 11 ? b + 4 : b + 3 > SLAB_LOG ? b + 3 : SLAB_LOG;
    let step: usize = lo < 1024 ? 16 : lo < 4096 ? 64 : 128;
    let last: usize = 0; // the class chosen before
    for (let i: usize = 0; i < 7; ++i) {
      let target = lo + ((lo * i) >> 3);
      // The first fit at or above the target (above for i = 0) and above the last: a size is
      // a fit when the next step up holds fewer slots (or is the power of two).
      let size = (target > last ? target : last) + (i == 0 || target <= last ? step : 0);
      for (; size < hi; size += step) {
        if (size + step >= hi || slotsIn(log, size + step) != slotsIn(log, size)) break;
      }
      if (size >= hi) break;
      setClass(root, n++, size, log);
      last = size;
    }
    setClass(root, n++, hi, b + 5 < SLAB_TOP_LOG ? b + 5 : SLAB_TOP_LOG);
  }
  if (DEBUG) assert(n == SLAB_CLASSES);
  let c: u32 = 0;
  for (let i: u32 = 0; i < CLASS_STEPS; ++i) {
    let top = stepTop(i);
    while (classSize(root, c) < top) ++c;
    setClassAt(root, i, c);
  }
}

/** The slab that holds p (an address in the heap's span), or 0 if none does. A slab is
 *  aligned to its size and the slab bitmap marks its first address, so the slab holding p, if
 *  any, starts at p rounded down to one of the slab sizes. Going from the smallest size up, the
 *  first marked address decides: a slab that starts there and ends at or below p means no slab
 *  holds p (one that did would start between it and p, where nothing was marked, or contain
 *  it). At most five bit tests, no walk; the words read are inside the bitmap, whose first word
 *  covers the 256 KiB below the span's start. */
// @ts-ignore: decorator
@inline export function slabAt(root: usize, p: usize): usize {
  let base = getSlabBase(root);
  let s = p & ~((<usize>1 << SLAB_LOG) - 1);
  if (testBit(base, s >> SLAB_LOG)) return s; // every slab holds the SLAB_BYTES at its start
  return slabAbove(base, p);
}

/** slabAt past its first test: the slabs larger than SLAB_BYTES. */
function slabAbove(base: usize, p: usize): usize {
  for (let log = SLAB_LOG + 1; log <= SLAB_TOP_LOG; ++log) {
    let s = p & ~((<usize>1 << log) - 1);
    if (testBit(base, s >> SLAB_LOG)) return p - s < (<usize>1 << slabLog(s)) ? s : 0;
  }
  return 0;
}

/** Whether the allocated block at s is a slab. */
// @ts-ignore: decorator
@inline export function isSlab(root: usize, s: usize): bool {
  return testBit(getSlabBase(root), s >> SLAB_LOG);
}

function unlink(root: usize, s: usize): void {
  let next = slabNext(s);
  let prev = slabPrev(s);
  if (prev) setSlabNext(prev, next);
  else setSlabHead(root, slabClass(s), next);
  if (next) setSlabPrev(next, prev);
  setSlabNext(s, 0);
  setSlabPrev(s, 0);
}

function pushPartial(root: usize, s: usize): void {
  let c = slabClass(s);
  let head = getSlabHead(root, c);
  setSlabNext(s, head);
  setSlabPrev(s, 0);
  if (head) setSlabPrev(head, s);
  setSlabHead(root, c, s);
}

/** Makes the block s (slabBytesOf(c), just allocated) a slab of class c with a free slot. */
export function makeSlab(root: usize, s: usize, c: u32): void {
  let log = slabLogOf(root, c);
  let size = classSize(root, c);
  let first = firstSlot(log, size, getFlags(root));
  let bytes = <usize>1 << log;
  setSlabHeader(s, c, log, size, <u32>((bytes - first) / size), first);
  setBit(getSlabBase(root), s >> SLAB_LOG);
  setSlack(root, getSlack(root) + bytes);
  pushPartial(root, s);
}

/** Takes a slot of class c from s, the first slab with one: the lowest free slot at or after
 *  the slab's scan word (every word below it is full, and the bits past the last slot are set,
 *  so the first word that is not all ones has a free slot's bit clear). The slot itself is not
 *  read: a slab keeps no list in its free slots, so neither taking nor freeing a slot touches
 *  its memory, which a program's cold objects would pay a cache miss for (jemalloc's slabs
 *  work the same way). */
// @ts-ignore: decorator
@inline export function takeSlot(root: usize, s: usize, c: u32): usize {
  let size = classSize(root, c);
  let bits = slabBits(s);
  let w = slabScan(s);
  let word = load<u32>(bits + (<usize>w << 2));
  while (word == 0xFFFFFFFF) word = load<u32>(bits + (<usize>(++w) << 2));
  let i = (w << 5) + ctz(~word);
  if (DEBUG) assert(i < slabSlots(s)); // live < slots: a clear bit before the tail
  store<u32>(bits + (<usize>w << 2), word | (<u32>1 << (i & 31)));
  setSlabScan(s, w);
  let live = slabLive(s) + 1;
  setSlabLive(s, live);
  if (live == slabSlots(s)) unlink(root, s);
  setSlack(root, getSlack(root) - size);
  setUsed(root, getUsed(root) + size);
  return s + slabFirst(s) + <usize>i * size;
}

/** The index of the live slot p in slab s (>= 0), or -NOT_BLOCK_START / -DOUBLE_FREE: p must
 *  be a slot's start (past the header, a whole number of slots from slot 0, before the tail)
 *  whose bit is set. One division, which freeSlot then needs no more. */
// @ts-ignore: decorator
@inline export function slotIndex(s: usize, p: usize): i32 {
  let first = s + slabFirst(s);
  if (p < first) return -ErrorCode.NOT_BLOCK_START; // the header
  let size = slabSlotSize(s);
  let off = p - first;
  let i = <u32>(off / size);
  if (off - <usize>i * size) return -ErrorCode.NOT_BLOCK_START; // inside a slot
  if (i >= slabSlots(s)) return -ErrorCode.NOT_BLOCK_START;    // the tail past the last slot
  return testBit(slabBits(s), i) ? <i32>i : -ErrorCode.DOUBLE_FREE;
}

/** The index of p, a live slot of slab s (for callers that know it is one). */
// @ts-ignore: decorator
@inline export function slotOf(s: usize, p: usize): u32 {
  return <u32>((p - s - slabFirst(s)) / slabSlotSize(s));
}

/** Frees the live slot p, index i, of slab s. Returns s if the slab is now empty and should go
 *  back to the buddy heap (the caller releases the block, after unmarkSlab), else 0. */
// @ts-ignore: decorator
@inline export function freeSlot(root: usize, s: usize, p: usize, i: u32): usize {
  let size = slabSlotSize(s);
  if (DEBUG) assert(i == slotOf(s, p) && testBit(slabBits(s), i) && slabLive(s) > 0); // slotIndex said live
  clearBit(slabBits(s), i);
  if ((i >> 5) < slabScan(s)) setSlabScan(s, i >> 5);
  let live = slabLive(s);
  setSlabLive(s, live - 1);
  if (live == slabSlots(s)) pushPartial(root, s); // it was full
  setSlack(root, getSlack(root) + size);
  setUsed(root, getUsed(root) - size);
  if (live == 1) {
    if (getSlabHead(root, slabClass(s)) != s || slabNext(s)) {
      unmarkSlab(root, s);
      return s;
    }
    setEmptyClasses(root, getEmptyClasses(root) | (<u64>1 << slabClass(s))); // kept: coalesce() gives it back
  }
  return 0;
}

/** Takes the empty slab s out of its list and the slab bitmap (its block is then an ordinary
 *  allocated block, which the caller frees). */
export function unmarkSlab(root: usize, s: usize): void {
  unlink(root, s);
  clearBit(getSlabBase(root), s >> SLAB_LOG);
  setSlack(root, getSlack(root) - (<usize>1 << slabLog(s)));
}

/** The empty slab kept for class c, unmarked for release, or 0. */
export function emptySlab(root: usize, c: u32): usize {
  for (let s = getSlabHead(root, c); s; s = slabNext(s)) {
    if (!slabLive(s)) { unmarkSlab(root, s); return s; }
  }
  return 0;
}

/** The number of size classes (for loops over getSlabHead). */
// @ts-ignore: decorator
@inline export function classes(): u32 { return SLAB_CLASSES; }
