// as-buddy: a binary buddy allocator on WebAssembly linear memory.
//
// What it is. Memory is handed out in blocks whose size is a power of two, MIN << order, each
// aligned to its own size in absolute addresses. A block of order k+1 splits into two "buddies"
// of order k; when both are free again they merge back. The buddy of a block is one XOR away
// (p ^ size), so merging needs no search. Any region [base, base + size) is carved into the
// largest naturally aligned blocks that fit; regions added next to each other merge across the
// seam as soon as their blocks are buddies, because the tree is indexed by absolute address.
//
// Small requests (up to 16 KiB) take a slot of a size class in a slab (slab.ts), a block of this
// heap; everything here is about blocks, and slots go through allocSlot/freeSlotAt.
//
// Complexity. alloc and free are O(maxOrder) in the worst case (split or merge one level per
// step) and never walk a whole list: free lists are intrusive and doubly linked, a u32 bitmap
// of non-empty orders gives the smallest usable order with one ctz, and the search for a low
// block to split looks at a bounded few (takeBlock). free finds a block's order by walking up
// the split bits from the smallest order, so it costs O(order of the block).
//
// Layout. No header in blocks. Metadata is two bits per minimum block (layout.ts): a free-head
// bitmap and one split bit per tree node, kept in a run of blocks inside the heap and moved to a
// bigger run when the heap's span outgrows it. The control block (the "root") holds the list
// heads and tails, counters, region table, bitmap bases and the slab lists. Nothing here touches
// a global: every function takes the root, so several heaps can live in one module and threads
// can share one.
//
// Deferred coalescing. A free whose order's free list is shorter than `deferLimit` pushes the
// block without merging it; alloc then reuses it in O(1), which makes alloc/free pairs of one
// size as cheap as a free list. Blocks left unmerged are bounded (deferLimit per order) and are
// merged by coalesce(), which alloc runs before it grows the heap or gives up. deferLimit = 0
// gives the textbook buddy: every free merges at once, and no two free buddies ever coexist.
//
// What it does not do. No headers means no per-block canary: a write past a block's end is not
// detected. A block is a power of two (up to 50% waste, about 25% on average for uniform sizes
// above the size classes). It is not thread-safe by itself.
//
// Errors. Public functions validate their input first and return or record an ErrorCode before
// changing anything. Internal functions (no `export`) assume valid input; in debug builds they
// assert their invariants.

import {
  ErrorCode, Counter, CB_SIZE, CB_DETACHED_SIZE, CB_ALIGN, FLAG_GROWABLE, FLAG_LOW_FIRST, MAGIC, MAX_REGIONS,
  PAGE_LOG, MAX_PAGES, MIN_LOG_LOWEST, MIN_LOG_HIGHEST, MAX_SIZE_LOG, AUTO_ORDER, COUNTER_COUNT,
  getMagic, setMagic, getMinLog, setMinLog, getMaxOrder, setMaxOrder, getFlags, setFlags,
  getNonEmpty, setNonEmpty, setLastError, getDefer, setDefer, getRegionCount,
  setRegionCount, getSpanLo, setSpanLo, getSpanHi, setSpanHi, getCapHi, setCapHi, getMetaPtr,
  setMetaPtr, getMetaSize, setMetaSize, getGrowPages, setGrowPages, getUsed, setUsed, getTotal,
  setTotal, getFreeBase, setFreeBase, getCounter, bumpCounter, getHead, setHead, getCount,
  setCount, getTail, setTail, getSplitBase, setSplitBase, getRegionStart, getRegionEnd, setRegion, getNext,
  setNext, getPrev, setPrev, testBit, setBit, clearBit, bitmapBytes, metadataBytes, biasedBase,
  orderOf, STATS_SIZE, setStat, setStat64, setStatFree, FLAG_SLABS, DEFAULT_FEATURES, SLAB_LOG,
  SLAB_MAX, SLAB_CLASSES, classOf, classSize, getSlabBase, setSlabBase, getSlabHead, getSlack,
  slabClass, slabLive, ST_SLACK, getDirty, setDirty, getGrownUsed, setGrownUsed, getEmptyClasses, setEmptyClasses, FLAG_RT_SLOTS, FLAG_FINE_SLOTS, DEBUG, sizeOf, buddyOf,
  slabLogOf, SLAB_HEAP_LOG, grownEntry, setGrown, RT_HEADER, RT_SLOT_HEADER, setRtUsable, slabLog,
  slabSlotSize, FLAG_RUNS, RUN_SLOTS, RUN_MIN_LOG, getRunCount, setRunCount, getRunStart, getRunEnd, setRun,
} from "./layout";
import { makeSlab, takeSlot, slotIndex, slotOf, freeSlot, slabAt, isSlab, emptySlab, initClasses } from "./slab";

/** Blocks of 2^16 bytes and up that move in a growing realloc go to the largest free block. */
// @ts-ignore: decorator
@inline const REALLOC_ROOM_LOG: u32 = 16;


// ── Small helpers ────────────────────────────────────────────────────────────────────────────

/** The top of linear memory, capped so that it fits in a u32 (see ADDRESS_LIMIT). */
// @ts-ignore: decorator
@inline export function memoryTop(): usize {
  let pages = <u32>memory.size();
  return <usize>(pages < MAX_PAGES ? pages : MAX_PAGES) << PAGE_LOG;
}

// @ts-ignore: decorator
@inline function isFreeHead(root: usize, p: usize, minLog: u32): bool {
  return testBit(getFreeBase(root), p >> minLog);
}
// @ts-ignore: decorator
@inline function isSplit(root: usize, p: usize, k: u32, minLog: u32): bool {
  return testBit(getSplitBase(root, k), p >> (minLog + k));
}
// @ts-ignore: decorator
@inline function markSplit(root: usize, p: usize, k: u32, minLog: u32): void {
  setBit(getSplitBase(root, k), p >> (minLog + k));
}
// @ts-ignore: decorator
@inline function unmarkSplit(root: usize, p: usize, k: u32, minLog: u32): void {
  clearBit(getSplitBase(root, k), p >> (minLog + k));
}

/** Records a rejected call: sets the last error, counts it, and returns the code. */
function reject(root: usize, code: u32, counter: u32): u32 {
  setLastError(root, code);
  bumpCounter(root, counter);
  return code;
}

// ── Free lists ───────────────────────────────────────────────────────────────────────────────

/** Pushes the free block p of order k on its list and sets its free bit. Lists are taken from
 *  the head. With FLAG_LOW_FIRST a block goes to the head only if it lies below the head, else
 *  to the tail: the head drifts to low addresses, so allocations gather there and blocks at
 *  high addresses stay free long enough to merge back into large ones (address-ordered
 *  placement fragments least, Wilson and Johnstone; this is its O(1) approximation). Without
 *  the flag lists are LIFO (the block freed last is reused first, while it is in cache). */
function pushFree(root: usize, p: usize, k: u32, minLog: u32): void {
  if (DEBUG) assert((p & (sizeOf(k, minLog) - 1)) == 0); // blocks are aligned to their size
  if (DEBUG) assert(!testBit(getFreeBase(root), p >> minLog)); // not on a list already
  let head = getHead(root, k);
  if (!head) {
    setNext(p, 0);
    setPrev(p, 0);
    setHead(root, k, p);
    setTail(root, k, p);
    setNonEmpty(root, getNonEmpty(root) | (<u32>1 << k));
  } else if (p < head || !(getFlags(root) & FLAG_LOW_FIRST)) {
    setNext(p, head);
    setPrev(p, 0);
    setPrev(head, p);
    setHead(root, k, p);
  } else {
    let tail = getTail(root, k);
    setNext(tail, p);
    setPrev(p, tail);
    setNext(p, 0);
    setTail(root, k, p);
  }
  setCount(root, k, getCount(root, k) + 1);
  setBit(getFreeBase(root), p >> minLog);
}

/** Unlinks the free block p of order k in O(1) and clears its free bit. */
function removeFree(root: usize, p: usize, k: u32, minLog: u32): void {
  if (DEBUG) assert(testBit(getFreeBase(root), p >> minLog) && getCount(root, k) > 0); // listed
  let next = getNext(p);
  let prev = getPrev(p);
  if (prev) setNext(prev, next);
  else {
    if (DEBUG) assert(getHead(root, k) == p); // a block without prev heads its list
    setHead(root, k, next);
    if (!next) setNonEmpty(root, getNonEmpty(root) & ~(<u32>1 << k));
  }
  if (next) setPrev(next, prev);
  else setTail(root, k, prev);
  setCount(root, k, getCount(root, k) - 1);
  clearBit(getFreeBase(root), p >> minLog);
}

// ── Tree walks ───────────────────────────────────────────────────────────────────────────────

/** The order of the leaf that contains p (p inside a region). A leaf of order k has a split
 *  parent, and every smaller node on p's path has an unsplit parent, so the answer is the first
 *  k, counting up, whose parent is split. Costs O(order of the block). */
export function leafOrder(root: usize, p: usize): u32 {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let k: u32 = 0;
  while (k < maxOrder && !isSplit(root, p, k + 1, minLog)) ++k;
  return k;
}

/** Marks every ancestor of the node (q, j) split, so that the node becomes a leaf. Ancestors
 *  are split already or phantom leaves (a new region never lies inside a real block), so this
 *  turns the phantom's other children into phantoms and touches no real block. */
function splitAncestors(root: usize, q: usize, j: u32, minLog: u32, maxOrder: u32): void {
  for (let m = maxOrder; m > j; --m) markSplit(root, q, m, minLog);
}

/** Frees the block p of order k and merges it with free buddies as far as they go. */
function coalesceUp(root: usize, p: usize, k: u32, minLog: u32): void {
  let maxOrder = getMaxOrder(root);
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  while (k < maxOrder) {
    let b = buddyOf(p, k, minLog);
    // Merge preconditions: the buddy lies in the span (outside it is phantom), is not split
    // (so, as its parent is split, it is a leaf of order k) and is free.
    if (b < lo || b >= hi) break;
    if (k > 0 && isSplit(root, b, k, minLog)) break;
    if (!isFreeHead(root, b, minLog)) break;
    removeFree(root, b, k, minLog);
    p &= b;                          // the parent starts at the lower of the two
    ++k;
    unmarkSplit(root, p, k, minLog); // the parent is a leaf again
    bumpCounter(root, Counter.MERGES);
  }
  pushFree(root, p, k, minLog);
}

/** Returns a freed block to its list: without merging while the list is short (deferred
 *  coalescing), else merging it at once. */
// @ts-ignore: decorator
@inline function release(root: usize, p: usize, k: u32, minLog: u32): void {
  if (getCount(root, k) < getDefer(root)) {
    pushFree(root, p, k, minLog);
    setDirty(root, getDirty(root) | (<u32>1 << k)); // coalesce() looks at this order
  } else {
    coalesceUp(root, p, k, minLog);
  }
}

/** Keeps the first `keep` bytes of the allocated leaf (q, j) allocated and frees the rest,
 *  splitting as needed (keep is a multiple of MIN, 0 < keep <= size). The kept part becomes
 *  the binary decomposition of `keep`; freed parts are upper halves whose buddies are kept, so
 *  no merge is possible. Shrinks a realloc'd block and trims the metadata run. */
function trimBlock(root: usize, q: usize, j: u32, keep: usize, minLog: u32): void {
  while (keep < sizeOf(j, minLog)) {
    markSplit(root, q, j, minLog);
    --j;
    let half = sizeOf(j, minLog);
    if (keep <= half) {
      pushFree(root, q + half, j, minLog);
    } else {
      q += half;    // the lower half stays allocated whole; trim the upper half
      keep -= half;
    }
    bumpCounter(root, Counter.SPLITS);
  }
}

// ── Carving ranges into blocks ───────────────────────────────────────────────────────────────

/** The order of the largest naturally aligned block that starts at a and ends by e. */
// @ts-ignore: decorator
@inline function carveOrder(a: usize, e: usize, minLog: u32, maxOrder: u32): u32 {
  let align = <u32>ctz<u32>(<u32>a) - minLog; // a == 0 gives 32 - minLog: any order
  let j = align < maxOrder ? align : maxOrder;
  while (sizeOf(j, minLog) > e - a) --j;
  return j;
}

/** Adds [a, e) to the free lists as the largest aligned blocks, merging across seams. */
function carveFree(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    splitAncestors(root, a, j, minLog, maxOrder);
    coalesceUp(root, a, j, minLog);
    a += sizeOf(j, minLog);
  }
}

/** Makes [a, e), new to the tree, a run of allocated leaves (the metadata run). */
function carveAllocated(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    splitAncestors(root, a, j, minLog, maxOrder);
    a += sizeOf(j, minLog);
  }
}

/** Frees a metadata run: allocated leaves made by carveAllocated or trimBlock (same
 *  decomposition). */
function releaseMeta(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    if (DEBUG) assert(leafOrder(root, a) == j && !isFreeHead(root, a, minLog)); // allocated leaf
    coalesceUp(root, a, j, minLog);
    a += sizeOf(j, minLog);
  }
}

// ── Allocation ───────────────────────────────────────────────────────────────────────────────

/** Takes a free block of an order >= `from`, splits it down to order k keeping the lowest part
 *  (so it is aligned to size(from)), and returns it; 0 if there is none even after coalescing
 *  and, when `mayGrow`, growing. Counts nothing but splits.
 *  Which block: the first of the smallest order that has one (lists lean to low addresses, see
 *  pushFree). With FLAG_LOW_FIRST, when that means splitting a block of 2^LOW_SPLIT_LOG bytes
 *  or more, the lowest of the first LOW_SPLIT_TRIES blocks of each larger order is split
 *  instead: what gets split gathers at the bottom of memory, and the blocks above stay whole
 *  for large requests (address-ordered placement, bounded so alloc stays O(maxOrder)). A slab
 *  (`low`) does so at any size, and takes the lowest of the first LOW_SPLIT_TRIES blocks of its
 *  own order when there is one: slabs live long and pin the large block they lie in (trace's
 *  4 MiB buffers found no 4 MiB-aligned room among slabs placed higher: 57% efficiency against
 *  65%, with the benchmark's seed; seeds 1 to 6, 52% against 55%). */
function takeBlock(root: usize, k: u32, from: u32, mayGrow: bool, low: bool = false): usize {
  let minLog = getMinLog(root);
  let mask = getNonEmpty(root) & (<u32>-1 << from);
  if (!mask) {
    if (coalesce(root)) mask = getNonEmpty(root) & (<u32>-1 << from);
    if (!mask) {
      if (!mayGrow || !grow(root, from)) return 0;
      mask = getNonEmpty(root) & (<u32>-1 << from);
      if (!mask) return 0;
    }
  }
  let j = <u32>ctz<u32>(mask);
  let p = getHead(root, j);
  if ((low || (j > k && minLog + j >= LOW_SPLIT_LOG)) && (getFlags(root) & FLAG_LOW_FIRST)) {
    let maxOrder = getMaxOrder(root);
    let last = j == k ? j : maxOrder; // a block of the right size: the lowest of those seen
    for (let i = j; i <= last; ++i) {
      let x = getHead(root, i);
      for (let t: u32 = 0; x && t < LOW_SPLIT_TRIES; ++t) {
        if (x < p) { p = x; j = i; }
        x = getNext(x);
      }
    }
  }
  if (DEBUG) assert(p != 0 && j >= from); // the non-empty bits name lists that have blocks
  removeFree(root, p, j, minLog);
  while (j > k) {
    markSplit(root, p, j, minLog);
    --j;
    pushFree(root, p + sizeOf(j, minLog), j, minLog);
    bumpCounter(root, Counter.SPLITS);
  }
  return p;
}

/** Splits of blocks from 64 KiB up look for a lower block (takeBlock). */
// @ts-ignore: decorator
@inline const LOW_SPLIT_LOG: u32 = 16;
/** How many blocks of each order that search looks at. */
// @ts-ignore: decorator
@inline const LOW_SPLIT_TRIES: u32 = 16;

/** lookup's answer for a live slot of a slab (slab.ts): not an order. */
export const SLOT: i32 = 0x100;

/** The slot class of a request: its size's, but never below the minimum block (the smallest
 *  allocation a heap configured with minBlock hands out is minBlock) unless the heap has
 *  FLAG_FINE_SLOTS. */
// @ts-ignore: decorator
@inline function slotClass(root: usize, size: usize): u32 {
  let unit = getFlags(root) & FLAG_FINE_SLOTS ? <usize>16 : sizeOf(0, getMinLog(root));
  return classOf(root, size > unit ? size : unit);
}

/** slotFor's answer for a request that takes a block. */
// @ts-ignore: decorator
@inline const NO_SLOT: u32 = 0xFFFFFFFF;

/** The class whose slot alloc(size, align) takes, or NO_SLOT: on a heap with slabs, for a
 *  request (raised to the minimum block) of up to SLAB_MAX bytes whose class's slab is a block
 *  this heap can have, and whose slot's alignment (16, or its size for a power of two; 4 in a
 *  runtime heap) meets `align`. Outside a runtime heap, a class whose slab is larger than the
 *  smallest takes slots only in a heap of at least 2^SLAB_HEAP_LOG such slabs (layout.ts,
 *  "Slabs"). An 8 KiB slab always fits (init keeps slabs only in heaps whose largest block
 *  holds one). */
// @ts-ignore: decorator
@inline function slotFor(root: usize, size: usize, align: usize): u32 {
  let flags = getFlags(root);
  if (!(flags & FLAG_SLABS) || size > SLAB_MAX) return NO_SLOT;
  let c = slotClass(root, size);
  let log = slabLogOf(root, c);
  if (log > SLAB_LOG) {
    if (log > getMinLog(root) + getMaxOrder(root)) return NO_SLOT;
    if (!(flags & FLAG_RT_SLOTS) && getTotal(root) < (<usize>1 << (log + SLAB_HEAP_LOG))) return NO_SLOT;
  }
  if (align <= 4) return c;
  if (flags & FLAG_RT_SLOTS) return NO_SLOT;
  if (align <= 16) return c;
  let cs = classSize(root, c);
  return !(cs & (cs - 1)) && align <= cs ? c : NO_SLOT;
}

/** The slab that holds p, or 0 (p in the heap's span). */
// @ts-ignore: decorator
@inline function slabOf(root: usize, p: usize): usize {
  return (getFlags(root) & FLAG_SLABS) ? slabAt(root, p) : 0;
}

/** A slot of class c, from a slab with a free one, else as allocSlotNew finds one; 0 when
 *  there is none. `borrow`: may the request (its size, BORROW_POW2 if it needs an alignment
 *  of more than 16) take a larger class's slot (borrowSlab); 0: no. Counts the allocation.
 *  Inline: malloc's common case is this and slotFor, without a call. */
// @ts-ignore: decorator
@inline function allocSlot(root: usize, c: u32, minLog: u32, borrow: usize = 0): usize {
  let s = getSlabHead(root, c);
  if (!s) return allocSlotNew(root, c, minLog, borrow);
  bumpCounter(root, Counter.ALLOCS);
  return takeSlot(root, s, c);
}

/** allocSlot as a call, for the paths where a copy of it would cost more than the call. */
function allocSlotOf(root: usize, c: u32, minLog: u32, borrow: usize = 0): usize { return allocSlot(root, c, minLog, borrow); }

/** allocSlot when class c has no slab with a free slot: a new slab from a free block; else,
 *  when `borrow` allows, a slot of a larger class (borrowSlab) or a free block smaller than a
 *  slab that holds the request (its power of two, aligned to it, as a block request gets; at
 *  most twice its class); else a new slab memory grows for. 0 when there is none. */
function allocSlotNew(root: usize, c: u32, minLog: u32, borrow: usize): usize {
  let order = slabLogOf(root, c) - minLog;
  let s = takeBlock(root, order, order, false, true); // merges deferred blocks before it gives up
  if (!s && borrow && !(getFlags(root) & FLAG_RT_SLOTS)) { // mm.ts: the usable size is its class's
    let b = borrowSlab(root, c, borrow);
    if (b) {
      bumpCounter(root, Counter.ALLOCS);
      return takeSlot(root, b, slabClass(b));
    }
    let k = orderOf(borrow & ~BORROW_POW2, minLog);
    // Below the slab's order (takeBlock found none there), and at most twice its class: a
    // minimum block of 64 bytes would be four times a 16-byte slot.
    if (sizeOf(k, minLog) <= classSize(root, c) << 1 && (getNonEmpty(root) & (<u32>-1 << k))) {
      let q = takeBlock(root, k, k, false);
      setUsed(root, getUsed(root) + sizeOf(k, minLog));
      bumpCounter(root, Counter.ALLOCS);
      return q;
    }
  }
  // What takeBlock(.., true) would do from here, without merging a second time.
  if (!s && grow(root, order)) s = takeBlock(root, order, order, false, true);
  if (!s) return 0;
  makeSlab(root, s, c);
  bumpCounter(root, Counter.ALLOCS);
  return takeSlot(root, s, c);
}

/** Before memory grows for a new slab, a request takes a free slot of one of the next
 *  BORROW_CLASSES classes up, at most 5/4 of its own class's size; a request that needs its
 *  slot aligned past 16 bytes (a power of two, or allocAligned's align: `borrow` has
 *  BORROW_POW2) only of a power-of-two class, whose slots are aligned to their size. Why:
 *  under random frees each class keeps as many slabs as it ever needed, and their free slots
 *  serve no other class, so memory grew while a tenth of the slab bytes lay free in slots
 *  (uniform at its last growth: 0.39 MiB of free slots in 6.0 MiB). The cost is the larger
 *  slot's rounding, for that one allocation, and only where the heap would otherwise grow. */
function borrowSlab(root: usize, c: u32, borrow: usize): usize {
  let cs = classSize(root, c);
  let pow2 = (borrow & BORROW_POW2) != 0;
  let last = c + BORROW_CLASSES < SLAB_CLASSES ? c + BORROW_CLASSES : SLAB_CLASSES - 1;
  for (let d = c + 1; d <= last; ++d) {
    let ds = classSize(root, d);
    if (ds > cs + (cs >> 2)) break;
    let s = getSlabHead(root, d);
    if (s && (!pow2 || !(ds & (ds - 1)))) return s;
  }
  return 0;
}

// @ts-ignore: decorator
@inline const BORROW_CLASSES: u32 = 4;
/** allocSlot's `borrow` bit for a request whose slot must be aligned to more than 16. */
// @ts-ignore: decorator
@inline const BORROW_POW2: usize = 0x80000000;

/** The `borrow` argument of allocSlot for alloc(size, align) in a heap without runtime slots
 *  (whose usable size is the one extentFor predicts): its size, marked BORROW_POW2 when it
 *  needs more than 16-byte alignment. */
// @ts-ignore: decorator
@inline function borrowFor(size: usize, align: usize): usize {
  return size | ((size & (size - 1)) == 0 || align > 16 ? BORROW_POW2 : 0);
}

/** Frees the live slot p, index i, of slab s (slotIndex said so); a slab left empty goes back
 *  to the heap (releaseSlab). Inline in free (its common case, without a call; freeRt goes
 *  through free), through freeSlotAt elsewhere. */
// @ts-ignore: decorator
@inline function dropSlot(root: usize, s: usize, p: usize, i: u32): void {
  let empty = freeSlot(root, s, p, i);
  bumpCounter(root, Counter.FREES);
  if (empty) releaseSlab(root, empty);
}

function freeSlotAt(root: usize, s: usize, p: usize, i: u32): void { dropSlot(root, s, p, i); }

/** Gives the empty slab s (unmarked by freeSlot) back to the buddy heap. */
function releaseSlab(root: usize, s: usize): void {
  let minLog = getMinLog(root);
  release(root, s, slabLog(s) - minLog, minLog); // the header outlives unmarkSlab
}

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
  let p = from == k ? takeLarge(root, size, k, minLog, align <= (<usize>1 << RUN_MIN_LOG) ? RUNS_ANY : 0) : takeBlock(root, k, from, true);
  if (!p) { reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS); return 0; }
  setUsed(root, getUsed(root) + extentOf(root, p, k, minLog));
  bumpCounter(root, Counter.ALLOCS);
  return p;
}

// ── Runs ─────────────────────────────────────────────────────────────────────────────────────
//
// A large request whose size is not a power of two, and that no free block holds even after
// merging, takes a run before the heap grows for a block (or fails): free blocks of 64 KiB and
// up, side by side, that together hold it. A buddy heap with 768 KiB free as blocks of 256 and
// 512 KiB side by side has no block for 700 KiB, since a block must be aligned to its size;
// TLSF takes the stretch. And when the heap must grow, a run grows memory under the free
// blocks at its top by what the request needs (growForRun), where a block needs an aligned
// place, often a whole new block's worth of memory: in the powerlaw workload (seed 3) memory
// went from 2 to 3 MiB for a 645 KiB request with 1.16 MiB free. A run at the top of memory
// grows in place by growing memory (growRun), as TLSF's last block does.
// The run's blocks stay ordinary allocated leaves of the tree, as the metadata run's do; the
// run table in the control block (at most RUN_SLOTS live runs) ties them into one allocation,
// so free(start) frees them all, a pointer to any later block of the run is an interior
// pointer, and usableSize is the run's length, never more than the block it stands for (so
// that a sized free with the size asked for matches it). Only a block of 64 KiB or more can be
// in a run, so every free, lookup and realloc of a smaller block never reads the table. A run
// is aligned to its first block, 64 KiB at least: a power of two (whose block is aligned to
// it) and a request aligned to more than 64 KiB never take one.

/** The blocks of a run found among free blocks (takeRun) are at most this many orders below
 *  the request's: few blocks per run, and a bounded search. */
// @ts-ignore: decorator
@inline const RUN_ORDERS: u32 = 4;

/** Whether a block of order k (bytes 2^(minLog + k)) can belong to a run of this heap that
 *  exists now: only then do free and lookup read the run table. */
// @ts-ignore: decorator
@inline function mayBeRun(root: usize, k: u32, minLog: u32): bool {
  return minLog + k >= RUN_MIN_LOG && getRunCount(root) != 0;
}

/** The run whose blocks hold p, or -1. */
function runAt(root: usize, p: usize): i32 {
  let n = getRunCount(root);
  for (let i: u32 = 0; i < n; ++i) {
    if (p >= getRunStart(root, i) && p < getRunEnd(root, i)) return <i32>i;
  }
  return -1;
}

/** Bytes of the allocation at p, an allocated leaf of order k that starts it: the run's length
 *  if p starts a run, else the block's size. */
function extentOf(root: usize, p: usize, k: u32, minLog: u32): usize {
  if (mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0) return getRunEnd(root, r) - p;
  }
  return sizeOf(k, minLog);
}

/** A block of order k for `size` bytes (k its order, no larger alignment), or else, when size
 *  is not a power of two (whose block must be aligned to it), a run (see "Runs") of the kinds
 *  `runs` allows, before the heap grows for a block; 0 when there is none even after growing. */
function takeLarge(root: usize, size: usize, k: u32, minLog: u32, runs: u32): usize {
  if (runs && minLog + k > RUN_MIN_LOG && (size & (size - 1)) && (getFlags(root) & FLAG_RUNS)) {
    let p = takeBlock(root, k, k, false); // merges deferred blocks before it gives up
    if (!p) p = takeRun(root, size, k, minLog);
    if (!p && (runs & RUNS_GROWN)) p = growForRun(root, size, k, minLog, (runs & RUNS_HALF) != 0);
    if (p) return p;
    // What takeBlock(.., true) would do from here, without merging a second time.
    return grow(root, k) ? takeBlock(root, k, k, false) : 0;
  }
  return takeBlock(root, k, k, true);
}

/** takeLarge's choice of runs: from free blocks only (takeRun), or by growing memory as well
 *  (growForRun) when that takes fewer pages than a block's growth, or with RUNS_HALF fewer
 *  than half as many. A realloc that moves takes RUNS_MOVING: the trace workload's growing
 *  buffers, moved into runs grown at the top whenever that saved a page, took the top from
 *  the buffers that grow there in place (twice the bytes copied, 1.2x the time, for +2 points
 *  of efficiency); with free runs only, a growing buffer that found none took a whole new
 *  block of memory where most of it lay free at the top (trace at the benchmark's first seed:
 *  a 3.65 MiB buffer grew memory from 32 to 36 MiB with 3.5 MiB free at the top). Half: trace
 *  60.4% mean efficiency over seeds 1 to 16 (59.4% with free runs only, TLSF 57.9%) for
 *  1.0x to 1.14x its time per draw, 1.2x to 1.45x on one (docs/design.md, "Runs"). */
// @ts-ignore: decorator
@inline const RUNS_FREE: u32 = 1;
// @ts-ignore: decorator
@inline const RUNS_GROWN: u32 = 2;
// @ts-ignore: decorator
@inline const RUNS_HALF: u32 = 4;
// @ts-ignore: decorator
@inline const RUNS_ANY: u32 = RUNS_FREE | RUNS_GROWN;
// @ts-ignore: decorator
@inline const RUNS_MOVING: u32 = RUNS_ANY | RUNS_HALF;

/** Takes the shortest run that holds `size` bytes (order k) and has no block of order k or
 *  more in it (the caller found none free), starting at one of the first LOW_SPLIT_TRIES free
 *  blocks of each order from k - 1 down to the smallest a run takes, and extending upwards
 *  block by block: the lowest of the shortest. 0 if none, or if the run table is full. Bounded:
 *  at most RUN_ORDERS * LOW_SPLIT_TRIES starts and, for each, as many blocks as a free stretch
 *  decomposes into within 2^k bytes (two per order once merged). */
function takeRun(root: usize, size: usize, k: u32, minLog: u32): usize {
  let n = getRunCount(root);
  if (n >= RUN_SLOTS) return 0;
  let least = RUN_MIN_LOG - minLog;               // the smallest order a run takes
  if (k > RUN_ORDERS && k - RUN_ORDERS > least) least = k - RUN_ORDERS;
  let free: usize = 0; // no run without that many bytes free in blocks it can take
  for (let j = least; j < k; ++j) free += <usize>getCount(root, j) << (minLog + j);
  if (free < size) return 0;
  let best: usize = 0;
  let bestBytes = sizeOf(k, minLog) + 1;          // a run is never longer than the block it stands for
  for (let j = <i32>k - 1; j >= <i32>least; --j) { // signed: least is 0 with 64 KiB minimum blocks
    let x = getHead(root, <u32>j);
    for (let t: u32 = 0; x && t < LOW_SPLIT_TRIES; ++t) {
      let bytes = freeStretch(root, x, size, least, minLog);
      if (bytes >= size && (bytes < bestBytes || bytes == bestBytes && x < best)) { best = x; bestBytes = bytes; }
      x = getNext(x);
    }
  }
  if (!best) return 0;
  makeRun(root, best, bestBytes, minLog);
  return best;
}

/** Bytes of the free blocks of order `least` and up that lie side by side from x (a free
 *  block's start) upwards, counted until they hold `size`. */
function freeStretch(root: usize, x: usize, size: usize, least: u32, minLog: u32): usize {
  let hi = getSpanHi(root);
  let end = x;
  // The next block up starts at `end` (blocks tile the heap).
  while (end - x < size && end < hi && isFreeHead(root, end, minLog)) {
    let o = leafOrder(root, end);
    if (o < least) break;
    end += sizeOf(o, minLog);
  }
  return end - x;
}

/** Allocates the free blocks of [x, x + bytes) as one run (freeStretch found them). */
function makeRun(root: usize, x: usize, bytes: usize, minLog: u32): void {
  let end = x + bytes;
  for (let q = x; q < end;) {
    let o = leafOrder(root, q);
    removeFree(root, q, o, minLog);
    q += sizeOf(o, minLog);
  }
  let n = getRunCount(root);
  setRun(root, n, x, end);
  setRunCount(root, n + 1);
}

/** A run made by growing memory, from the free blocks at the top of the heap if any (pages
 *  are 64 KiB, so every block the new memory is cut into can be in a run): when `size` bytes
 *  (order k) need fewer new pages that way (with `half`, fewer than half as many) than a free
 *  block of order k does, which must be aligned to its size (at 1.5 MiB of memory with
 *  384 KiB free at the top, a 645 KiB request grows memory to 3 MiB for a block, to 2 MiB for
 *  a run; TLSF grows by what it needs, as the run does). Or, when the free blocks at the top
 *  hold `size` already, the run without growing (takeRun starts from the first blocks of each
 *  list only). 0 if the heap cannot grow or a block costs no more. */
function growForRun(root: usize, size: usize, k: u32, minLog: u32, half: bool): usize {
  if (getRunCount(root) >= RUN_SLOTS) return 0;
  let a = topStretch(root, minLog);
  if (!a) return 0;
  if (memoryTop() - a < size) {
    if (!growUnder(root, a, size, sizeOf(k, minLog), minLog, half)) return 0;
    // The new memory may have merged into a block of order k. (Not takeBlock when there is
    // none: its coalesce() would move the metadata down, maybe into the stretch.)
    if (getNonEmpty(root) & (<u32>-1 << k)) return takeBlock(root, k, k, false);
  }
  let bytes = freeStretch(root, a, size, RUN_MIN_LOG - minLog, minLog);
  if (bytes < size || bytes > sizeOf(k, minLog)) return 0; // a new metadata run took the place
  makeRun(root, a, bytes, minLog);
  return a;
}

/** Where the free blocks of 64 KiB and up that reach the top of a growable heap ending at the
 *  top of memory begin (the top itself if there are none), or 0 if the heap cannot grow. */
function topStretch(root: usize, minLog: u32): usize {
  if (!(getFlags(root) & FLAG_GROWABLE)) return 0;
  let top = memoryTop();
  if (getSpanHi(root) != top) return 0;
  let floor = getRegionStart(root, getRegionCount(root) - 1);
  let unit = sizeOf(0, minLog);
  let a = top;
  for (let i = 0; i < 64 && a > floor; ++i) { // down from the top, block by block
    let o = leafOrder(root, a - unit);
    let s = (a - unit) & ~(sizeOf(o, minLog) - 1);
    if (minLog + o < RUN_MIN_LOG || !isFreeHead(root, s, minLog)) break;
    a = s;
  }
  return a;
}

/** Grows memory so that [a, new top) holds `size` bytes, where [a, top) are free blocks (or a
 *  run with free blocks above it) that the new memory extends: by the pages that takes, but at
 *  least 1/GROW_STEP of memory. A metadata move goes to a free block below a, or else to new
 *  pages past those (at the new memory's start it would cut the stretch in two). When `block`
 *  is not 0, only if that takes fewer pages than a growth for a free block of `block` bytes
 *  (grow). false if memory did not grow. */
function growUnder(root: usize, a: usize, size: usize, block: usize, minLog: u32, half: bool): bool {
  let top = memoryTop();
  let need = <u32>((size - (top - a) + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG);
  if (block) {
    let least = blockGrowth(root, top, block);
    if (least && (half ? need << 1 : need) >= least) return false;
  }
  // growTo adds at least 1/GROW_STEP of memory: the metadata is sized for what it adds.
  let before = <u32>memory.size();
  let step = before / GROW_STEP;
  let pages = need < step && before + step <= getGrowPages(root) ? step : need;
  let end = top + (<usize>pages << PAGE_LOG);
  let metaAt = top + (<usize>need << PAGE_LOG);
  if (end > getCapHi(root)) {
    let lo = getSpanLo(root);
    let bytes = runBytes(root, lo, capacityFor(root, lo, end + (<usize>1 << PAGE_LOG)));
    if (largestBelow(root, a) < <i32>orderOf(bytes, minLog)) {
      let metaPages = <u32>((bytes + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG);
      while (runBytes(root, lo, capacityFor(root, lo, end + (<usize>metaPages << PAGE_LOG))) > (<usize>metaPages << PAGE_LOG)) ++metaPages;
      if (pages - need < metaPages) end = metaAt + (<usize>metaPages << PAGE_LOG);
    }
  }
  return growTo(root, end, a, metaAt);
}

/** Grows run r in place to hold `size` bytes (more than it has): with the free blocks of
 *  64 KiB and up just above it, and past the top of a growable heap by growing memory (as
 *  TLSF's last block grows). false, the run unchanged, if that cannot make it, or would make
 *  it longer than a block of size's order (a run is never longer than the block it stands
 *  for). Memory may have grown even so, when a metadata move took the new pages' start. */
function growRun(root: usize, r: u32, size: usize, minLog: u32): bool {
  let a = getRunStart(root, r);
  let e = getRunEnd(root, r);
  let limit = sizeOf(orderOf(size, minLog), minLog);
  let least = RUN_MIN_LOG - minLog;
  let more = freeStretch(root, e, size - (e - a), least, minLog);
  if (e - a + more < size) {
    if (e + more != topStretchEnd(root) || !growUnder(root, a, size, 0, minLog, false)) return false;
    more = freeStretch(root, e, size - (e - a), least, minLog);
    if (e - a + more < size) return false;
  }
  if (e - a + more > limit) return false;
  for (let q = e; q < e + more;) {
    let o = leafOrder(root, q);
    removeFree(root, q, o, minLog);
    q += sizeOf(o, minLog);
  }
  setRun(root, r, a, e + more);
  setUsed(root, getUsed(root) + more);
  return true;
}

/** The top of a growable heap that ends at the top of memory, or 0 (growRun: a run whose
 *  free blocks above reach it can grow memory). */
// @ts-ignore: decorator
@inline function topStretchEnd(root: usize): usize {
  let top = memoryTop();
  return (getFlags(root) & FLAG_GROWABLE) && getSpanHi(root) == top ? top : 0;
}

/** Frees run r: its entry, its bytes in use, and each of its blocks (which merge as any freed
 *  block does). A block merging with a free buddy below it never reaches the next block of
 *  the run, which is still allocated, so the order of each is found as the walk gets there. */
function freeRun(root: usize, r: u32, minLog: u32): void {
  let a = getRunStart(root, r);
  let e = getRunEnd(root, r);
  let n = getRunCount(root) - 1;
  setRun(root, r, getRunStart(root, n), getRunEnd(root, n));
  setRun(root, n, 0, 0);
  setRunCount(root, n);
  setUsed(root, getUsed(root) - (e - a));
  bumpCounter(root, Counter.FREES);
  for (let q = a; q < e;) {
    let o = leafOrder(root, q);
    let next = q + sizeOf(o, minLog);
    release(root, q, o, minLog);
    q = next;
  }
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
  if (c != NO_SLOT) return allocSlotOf(root, c, minLog, borrowFor(size, 0));
  let k = orderOf(size, minLog);
  let p = takeBlock(root, k, k, true);
  if (p) {
    setUsed(root, getUsed(root) + sizeOf(k, minLog));
    bumpCounter(root, Counter.ALLOCS);
  }
  return p;
}

/** Whether p lies in a slab of this heap (a slot, or a slab's header): the runtime tells its
 *  slots (4-byte prefix) from its blocks (16-byte prefix) by this. Reads only metadata. */
export function inSlab(root: usize, p: usize): bool {
  return p >= getSpanLo(root) && p < getSpanHi(root) && slabOf(root, p) != 0;
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
    let slot = allocSlotOf(root, c, minLog);
    if (!slot) return 0;
    setRtUsable(slot + RT_SLOT_HEADER, classSize(root, c) - RT_SLOT_HEADER);
    return slot + RT_SLOT_HEADER;
  }
  let k = orderOf(size + RT_HEADER, minLog);
  let block = takeBlock(root, k, k, true);
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

// ── Free ─────────────────────────────────────────────────────────────────────────────────────

/** Whether p lies in the heap's span (its regions and the gaps between them). */
// @ts-ignore: decorator
@inline function inSpan(root: usize, p: usize): bool {
  return p >= getSpanLo(root) && p < getSpanHi(root);
}

/** Whether p lies in a region of the heap. */
export function inRegions(root: usize, p: usize): bool {
  if (!inSpan(root, p)) return false;
  let n = getRegionCount(root);
  for (let i: u32 = 0; i < n; ++i) {
    if (p >= getRegionStart(root, i) && p < getRegionEnd(root, i)) return true;
  }
  return false;
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
  if (p - getMetaPtr(root) < getMetaSize(root)) return -ErrorCode.NOT_BLOCK_START; // metadata run
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

/** free(p) for a p inside the slab s: OK, or the error with the heap unchanged. */
// @ts-ignore: decorator
@inline function freeInSlab(root: usize, s: usize, p: usize): u32 {
  let i = slotIndex(s, p);
  if (i < 0) return reject(root, <u32>-i, Counter.REJECTED_FREES);
  dropSlot(root, s, p, <u32>i);
  return ErrorCode.OK;
}

/** Frees the block (p, k) lookup found. */
// @ts-ignore: decorator
@inline function freeFound(root: usize, p: usize, k: u32): void {
  let minLog = getMinLog(root);
  if (mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0) { freeRun(root, <u32>r, minLog); return; }
  }
  if (DEBUG) assert(getUsed(root) >= sizeOf(k, minLog)); // the block was counted in use
  setUsed(root, getUsed(root) - sizeOf(k, minLog));
  bumpCounter(root, Counter.FREES);
  release(root, p, k, minLog);
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
    freeSlotAt(root, s, p, slotOf(s, p));
  } else freeFound(root, p, <u32>k);
  return ErrorCode.OK;
}

/** Whether a slot of class d could have been allocated for `size` aligned to `align`: d is
 *  its class, or one it may borrow from (borrowSlab). */
function slotHolds(root: usize, size: usize, align: usize, d: u32): bool {
  let c = slotClass(root, size);
  if (c == d) return true;
  if (c > d || d - c > BORROW_CLASSES || (getFlags(root) & FLAG_RT_SLOTS)) return false;
  let cs = classSize(root, c);
  let ds = classSize(root, d);
  return ds <= cs + (cs >> 2) && (!(borrowFor(size, align) & BORROW_POW2) || !(ds & (ds - 1)));
}

/** Whether `size` is a size the block allocation (p, k) could have been made for: its block's
 *  order, or for a run, a size of the run's order that it holds (a run stands for a block of
 *  that order, and is never longer). */
function extentHolds(root: usize, p: usize, k: u32, size: usize, minLog: u32): bool {
  return sizeFits(size, extentOf(root, p, k, minLog), minLog);
}

/** extentHolds for a known extent. */
// @ts-ignore: decorator
@inline function sizeFits(size: usize, extent: usize, minLog: u32): bool {
  return size <= extent && orderOf(size, minLog) == orderOf(extent, minLog);
}

/** The fast free without checks: p must be a live block from this heap. */
export function freeUnchecked(root: usize, p: usize): void {
  let s = slabOf(root, p);
  if (s) freeSlotAt(root, s, p, slotOf(s, p));
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

// ── Realloc ──────────────────────────────────────────────────────────────────────────────────

/** Grows the allocated leaf (p, k) to order k2 in place if its upper buddies at every order
 *  k..k2-1 are free leaves (p must then be aligned to size(k2)); those past the top of a
 *  growable heap are made by growing memory (growTo). */
function growInPlace(root: usize, p: usize, k: u32, k2: u32, minLog: u32): bool {
  if (p & (sizeOf(k2, minLog) - 1)) return false;
  let hi = getSpanHi(root);
  let end = p + sizeOf(k2, minLog);
  if (end > hi) {
    // The buddies reach past the heap's top: the free ones below it first, then memory grows
    // to `end` (as TLSF's last block grows into the end of the heap). The first buddy past
    // the old top starts at it (one that straddled it would be split, and fail here), so the
    // new range is carved into exactly the missing buddies: aligned to their sizes, no more.
    for (let j = k; j < k2; ++j) {
      let b = p + sizeOf(j, minLog);
      if (b >= hi) break;
      if ((j > 0 && isSplit(root, b, j, minLog)) || !isFreeHead(root, b, minLog)) return false;
    }
    if (!growTo(root, end, p)) return false;
    hi = getSpanHi(root);
  }
  for (let j = k; j < k2; ++j) {
    let b = p + sizeOf(j, minLog);
    // (j, b)'s parent (j+1, p) is an ancestor of our leaf, so split: b is a leaf iff unsplit.
    if (b >= hi) return false;
    if (j > 0 && isSplit(root, b, j, minLog)) return false;
    if (!isFreeHead(root, b, minLog)) return false;
  }
  for (let j = k; j < k2; ++j) {
    removeFree(root, p + sizeOf(j, minLog), j, minLog);
    unmarkSplit(root, p, j + 1, minLog);
    bumpCounter(root, Counter.MERGES);
  }
  return true;
}

/** realloc: p == 0 allocates; otherwise the allocation is resized in place when the new size
 *  takes the same slot class or block order, a block shrinks in place by splitting and grows
 *  in place by absorbing free buddies, or else it moves (alloc, copy, free); between a slot
 *  and a block it always moves. On failure returns 0, records the error and p is untouched. */
export function realloc(root: usize, p: usize, size: usize): usize {
  if (!p) return allocAligned(root, size, 0);
  let found = lookup(root, p);
  if (found < 0) { reject(root, <u32>-found, Counter.REJECTED_FREES); return 0; }
  let minLog = getMinLog(root);
  let maxLog = minLog + getMaxOrder(root);
  if (size == 0) { reject(root, ErrorCode.ZERO_SIZE, Counter.FAILED_ALLOCS); return 0; }
  if (size > (<usize>1 << maxLog)) { reject(root, ErrorCode.TOO_LARGE, Counter.FAILED_ALLOCS); return 0; }
  let to = slotFor(root, size, 0);
  if (found == SLOT) {
    let s = slabOf(root, p);
    let cur = slabSlotSize(s);
    if (to == slabClass(s)) return p;
    if (to == NO_SLOT && size > cur) return slotToBlock(root, s, p, cur, size, minLog);
    return moveAny(root, p, cur, size, true);
  }
  let k = <u32>found;
  let r = mayBeRun(root, k, minLog) ? runAt(root, p) : -1;
  if (r >= 0) {
    // A run is aligned to 64 KiB only: a power of two gets its aligned block (moveAny).
    let extent = getRunEnd(root, r) - p;
    if (to == NO_SLOT && (size & (size - 1))) {
      if (sizeFits(size, extent, minLog)) return p;
      if (size > extent) return growRunOrMove(root, p, <u32>r, k, extent, size, minLog);
    }
    return moveAny(root, p, extent, size, false);
  }
  if (to != NO_SLOT) return moveAny(root, p, sizeOf(k, minLog), size, false);
  let k2 = orderOf(size, minLog);
  if (k2 == k) return p;
  if (k2 < k) {
    if (shrinkMoves(root, k, k2, minLog)) return moveBlock(root, p, k, k2, size, minLog);
    trimBlock(root, p, k, sizeOf(k2, minLog), minLog);
  } else if (!growInPlace(root, p, k, k2, minLog)) {
    return moveBlock(root, p, k, k2, size, minLog);
  }
  setUsed(root, getUsed(root) - sizeOf(k, minLog) + sizeOf(k2, minLog));
  bumpCounter(root, Counter.IN_PLACE_REALLOCS);
  return p;
}

/** realloc of run r at p (extent bytes, its first block of order k) to `size` bytes, more
 *  than it has: in place if growRun can, else it moves as a growing block does (takeRoomy: a
 *  run that grows is most likely a vector, which had no block to move to when it became a
 *  run), the contents copied and the run freed. */
function growRunOrMove(root: usize, p: usize, r: u32, k: u32, extent: usize, size: usize, minLog: u32): usize {
  if (growRun(root, r, size, minLog)) {
    bumpCounter(root, Counter.IN_PLACE_REALLOCS);
    return p;
  }
  let q = moveRoomy(root, p, extent, size, minLog);
  if (q) freeFound(root, p, k);
  return q;
}

/** The new place of an allocation at p (cur bytes) that grows to `size` bytes, a block with
 *  room to grow again (takeRoomy): the contents copied, the allocation counted; the caller
 *  frees the old one. 0, the error recorded, if there is no room. */
function moveRoomy(root: usize, p: usize, cur: usize, size: usize, minLog: u32): usize {
  let k2 = orderOf(size, minLog);
  let q = takeRoomy(root, p, k2, size, minLog);
  if (!q) { reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS); return 0; }
  memory.copy(q, p, cur);
  setUsed(root, getUsed(root) + extentOf(root, q, k2, minLog));
  bumpCounter(root, Counter.ALLOCS);
  return q;
}

/** realloc between a slot and anything else: allocates anew (counted, or the error recorded),
 *  copies what fits, frees the old. */
function moveAny(root: usize, p: usize, cur: usize, size: usize, fromSlot: bool): usize {
  let q = allocAligned(root, size, 0);
  if (!q) return 0;
  memory.copy(q, p, cur < size ? cur : size);
  if (fromSlot) {
    let s = slabOf(root, p);
    freeSlotAt(root, s, p, slotOf(s, p));
  }
  else freeFound(root, p, leafOrder(root, p));
  return q;
}

/** A block of order k2 for an allocation that grows into it by a doubling (from p, a block or
 *  a slot), with room to grow again, and recorded in the grown table. A block that doubles is
 *  likely to double again, so it goes where it can do so in place: the lower half of a block
 *  twice its size. One that the grown table knows (it moved by a doubling before and has
 *  doubled past that room: a vector) and is large (64 KiB and up) goes to the lowest part of
 *  the largest free block, as TLSF's last block grows into the end of the heap. Why not every
 *  large doubling: in reallocmix, 32 KiB blocks that doubled once by chance, among 1 MiB
 *  ones, took the bottom of the largest free block each time: at a growth (seed 1), 47 of the
 *  heap's 90 1 MiB regions held nothing but one such block, 49 of them at the region's start,
 *  and every 1 MiB request grew memory (33% efficiency over seeds 1 to 3; 68% with the
 *  table). With no such block free, a run of free blocks for `size` if one holds it, or one
 *  grown at the top if that takes under half the pages a block would (takeLarge, RUNS_MOVING),
 *  else a block memory grows for; 0 if there is none even then. */
function takeRoomy(root: usize, p: usize, k2: u32, size: usize, minLog: u32): usize {
  let q: usize = 0;
  let nonEmpty = getNonEmpty(root);
  let largest: u32 = nonEmpty ? 31 - <u32>clz<u32>(nonEmpty) : 0;
  if (nonEmpty && largest > k2) {
    let vector = minLog + k2 >= REALLOC_ROOM_LOG && grownEntry(root, p) != 0;
    q = takeBlock(root, k2, vector ? largest : k2 + 1, false);
  }
  if (!q) q = takeLarge(root, size, k2, minLog, RUNS_MOVING);
  if (q) setGrown(root, p, q);
  return q;
}

/** realloc from the live slot p of slab s (cur bytes) to a block of order k2 that is larger:
 *  the slot's contents copied, the slot freed. The block gets room to grow (takeRoomy): a
 *  vector leaving the largest slot class keeps growing, as the trace workload's buffers do. */
function slotToBlock(root: usize, s: usize, p: usize, cur: usize, size: usize, minLog: u32): usize {
  let q = moveRoomy(root, p, cur, size, minLog);
  if (q) freeSlotAt(root, s, p, slotOf(s, p));
  return q;
}

/** Whether realloc shrinking the block of order k to order k2 moves it rather than trimming it
 *  in place: when the block is large (2^LOW_SPLIT_LOG bytes and up), it shrinks to a quarter
 *  or less, and a free block of an order from k2 to k - 1 can take it without growing memory
 *  or splitting a block as large. Trimmed in place, it would keep its large region from ever
 *  becoming one free block again (in reallocmix, 1 MiB blocks cut down to 64 KiB pin 1 MiB
 *  regions the way takeRoomy's doublings did; with the table alone, 67.7% efficiency over seeds
 *  1 to 3, with this as well 68.9%). */
// @ts-ignore: decorator
@inline function shrinkMoves(root: usize, k: u32, k2: u32, minLog: u32): bool {
  if (minLog + k < LOW_SPLIT_LOG || k - k2 < 2) return false;
  return (getNonEmpty(root) & ((<u32>1 << k) - 1) & ~((<u32>1 << k2) - 1)) != 0;
}

/** realloc's moving case between blocks: a block of order k2 > k, or k2 < k when shrinkMoves
 *  said so, the contents that fit copied, the old block freed. */
function moveBlock(root: usize, p: usize, k: u32, k2: u32, size: usize, minLog: u32): usize {
  // A block that doubles gets room to double again (takeRoomy). A block that jumps by more
  // than a doubling is placed like a new one (a run of free blocks too, none grown for:
  // RUNS_FREE): random reallocs that took room split every large block (the reallocmix
  // workload ran away to 500 MiB of memory for 34 MiB live that way). A shrinking one takes
  // the free block shrinkMoves saw, without growing.
  let q = k2 < k ? takeBlock(root, k2, k2, false) : k2 == k + 1 ? takeRoomy(root, p, k2, size, minLog) : takeLarge(root, size, k2, minLog, RUNS_FREE);
  if (!q) { reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS); return 0; }
  memory.copy(q, p, sizeOf(k2 < k ? k2 : k, minLog));
  release(root, p, k, minLog);
  setUsed(root, getUsed(root) - sizeOf(k, minLog) + extentOf(root, q, k2, minLog));
  bumpCounter(root, Counter.ALLOCS);
  bumpCounter(root, Counter.FREES);
  return q;
}

// ── Coalescing ───────────────────────────────────────────────────────────────────────────────

/** Gives back the empty slab each class keeps, and merges every pair of free buddies left by
 *  deferred coalescing, from the smallest order up (a merged block is pushed on the next list,
 *  which is visited after). Returns the number of slabs given back and merges. O(free blocks
 *  of the orders deferred frees touched). */
export function coalesce(root: usize): u32 {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let merges: u32 = 0;
  // The empty slab each class keeps for its next allocation goes back first (counted: the
  // caller retries its allocation when this returns more than 0).
  // Only the classes that kept an empty slab since the last call are looked at: walking every
  // class's slabs on each call made churn 1.6x slower once a full heap merged before every
  // new slab (a slab kept empty may have taken a slot again since: then there is none).
  if (getFlags(root) & FLAG_SLABS) {
    let mask = getEmptyClasses(root);
    setEmptyClasses(root, 0);
    while (mask) {
      let c = <u32>ctz<u64>(mask);
      mask &= mask - 1;
      let s = emptySlab(root, c);
      if (s) { coalesceUp(root, s, slabLog(s) - minLog, minLog); ++merges; }
    }
  }
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  // Only a deferred free leaves two free buddies unmerged (every other push follows a failed
  // merge or a split), so only the orders marked dirty since the last call are walked, and
  // the orders their merges reach.
  for (let k: u32 = 0; k < maxOrder; ++k) {
    let dirty = getDirty(root);
    if (!((dirty >> k) & 1)) continue;
    setDirty(root, dirty & ~(<u32>1 << k));
    let p = getHead(root, k);
    while (p) {
      let next = getNext(p);
      let b = buddyOf(p, k, minLog);
      if (b >= lo && b < hi && !(k > 0 && isSplit(root, b, k, minLog)) && isFreeHead(root, b, minLog)) {
        if (next == b) next = getNext(b);
        removeFree(root, p, k, minLog);
        removeFree(root, b, k, minLog);
        let m = p & b;
        unmarkSplit(root, m, k + 1, minLog);
        pushFree(root, m, k + 1, minLog);
        setDirty(root, getDirty(root) | (<u32>1 << (k + 1)));
        bumpCounter(root, Counter.MERGES);
        ++merges;
      }
      p = next;
    }
  }
  if (lowerMetadata(root)) ++merges;
  return merges;
}

/** Moves the metadata run to the lowest free block that holds it, when that lies below it:
 *  growth puts the run wherever a block was free then, often high, where it would keep the
 *  largest blocks from ever re-forming (after a program frees everything, a request for a
 *  quarter of memory must not need memory.grow). Called by coalesce(); costs a copy of the
 *  run when it moves, and a walk of the lists of orders that can hold it (a few blocks). */
function lowerMetadata(root: usize): bool {
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
  releaseMeta(root, meta, meta + bytes);
  return true;
}

// ── Regions and metadata ─────────────────────────────────────────────────────────────────────

/** The span the metadata is built to cover: a growable heap gets 25% headroom so that growth
 *  moves the metadata only every so often (amortised O(1) per byte). */
function capacityFor(root: usize, lo: usize, hi: usize): usize {
  if (!(getFlags(root) & FLAG_GROWABLE)) return hi;
  let cap = hi + ((hi - lo) >> 2);
  let limit = <usize>getGrowPages(root) << PAGE_LOG;
  if (cap > limit) cap = limit;
  return cap > hi ? cap : hi;
}

/** Bytes of a metadata run for [lo, cap), rounded up to whole minimum blocks. */
function runBytes(root: usize, lo: usize, cap: usize): usize {
  let minLog = getMinLog(root);
  let bytes = metadataBytes(lo, cap, minLog, getMaxOrder(root), getFlags(root));
  let mask = sizeOf(0, minLog) - 1;
  return (bytes + mask) & ~mask;
}

/** Builds a metadata run at `at` covering [lo, cap): zeroes it, copies the bits of the current
 *  span into it (bases are absolute, so words copy one to one), and switches the bases. The
 *  bitmaps, in order (layout.ts, "Metadata run"): free bits, split bits of orders
 *  1..maxOrder, slab bits (heaps with slabs). */
function buildMetadata(root: usize, at: usize, bytes: usize, lo: usize, cap: usize): void {
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

/** Allocates a run of exactly `bytes` (a multiple of MIN) from the heap, without growing: from
 *  a block takeBlock picks, or, with a limit, from a free block below it (runBlock). */
function allocRun(root: usize, bytes: usize, below: usize): usize {
  let minLog = getMinLog(root);
  let k = orderOf(bytes, minLog);
  if (k > getMaxOrder(root)) return 0;
  if (below == NO_LIMIT) {
    let p = takeBlock(root, k, k, false);
    if (p) trimBlock(root, p, k, bytes, minLog);
    return p;
  }
  let found = runBlock(root, k, below);
  if (!found) return 0;
  let p = <usize>found;
  let j = <u32>(found >> 32);
  removeFree(root, p, j, minLog);
  trimBlock(root, p, j, bytes, minLog);
  return p;
}

/** allocRun's `below` when any free block will do. */
// @ts-ignore: decorator
@inline const NO_LIMIT: usize = <usize>-1;

/** The free block a metadata run of order k goes to, as its address | its order << 32, or 0
 *  if there is none: of the smallest order from k up that has a block below `below`, the
 *  lowest such (below: a growth that merges with the free blocks from there to the top keeps
 *  them whole, growthStart). Walks those free lists: only metadata moves ask, which are rare
 *  (a growth past the run's headroom). */
function runBlock(root: usize, k: u32, below: usize): u64 {
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

/** The largest order that has a free block below `below` (so runBlock finds one for every
 *  order up to it), or -1. Walks the free lists from the largest order down to the first that
 *  has such a block: the lists of large orders are short. */
function largestBelow(root: usize, below: usize): i32 {
  for (let j = <i32>getMaxOrder(root); j >= 0; --j) {
    for (let x = getHead(root, <u32>j); x; x = getNext(x)) {
      if (x < below) return j;
    }
  }
  return -1;
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
function insertRegion(root: usize, a: usize, b: usize): void {
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
 *  one (allocRun), else from the new region's start; the old run is freed after the switch.
 *  Returns OK, TOO_MANY_REGIONS or
 *  OUT_OF_MEMORY, in which case nothing changed. */
function addRange(root: usize, a: usize, b: usize, below: usize = NO_LIMIT, metaAt: usize = 0): u32 {
  if (!regionFits(root, a, b)) return ErrorCode.TOO_MANY_REGIONS;
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  let newLo = a < lo ? a : lo;
  let newHi = b > hi ? b : hi;
  let metaStart = a; // a new metadata run in the new range: [metaStart, metaEnd)
  let metaEnd = a;
  if (a < lo || b > getCapHi(root)) {
    let cap = capacityFor(root, newLo, newHi);
    let bytes = runBytes(root, newLo, cap);
    // From the heap first, so that the new region is carved whole (and coalesces across its
    // seams as it would without metadata); from the new region's start if the heap is full.
    let at = allocRun(root, bytes, below);
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
    releaseMeta(root, oldMeta, oldMeta + oldBytes);
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

/** Validates [base, base + size) as a new region of this heap and returns its MIN-aligned
 *  bounds packed as (start, end) in a u64, or an ErrorCode (< 2^32, so never a valid pair). */
function validateRegion(root: usize, base: usize, size: usize, minLog: u32): u64 {
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

// ── Growth ───────────────────────────────────────────────────────────────────────────────────

/** Whether growing memory by `pages` from `top` makes a free block of `size` bytes: an aligned
 *  block from `low` (growthStart: below top when the blocks from there to top are free and
 *  stay so), else in the new range, which must then also hold any new metadata run (at its
 *  start, the worst case). */
function growthFits(root: usize, top: usize, pages: u32, size: usize, low: usize, lowRun: i32): bool {
  let newTop = top + (<usize>pages << PAGE_LOG);
  let meta: usize = 0;
  let from = low;
  if (newTop > getCapHi(root)) {
    meta = runBytes(root, getSpanLo(root), capacityFor(root, getSpanLo(root), newTop));
    // addRange takes the run from a free block below `low` when one holds it (allocRun; such a
    // block exists up to order lowRun): then the new range holds only the block. Else the run
    // goes at the new range's start (assume a whole aligned block there), and the block above.
    let k = orderOf(meta, getMinLog(root));
    if (low == top ? (getNonEmpty(root) >> k) != 0 : <i32>k <= lowRun) meta = 0;
    else from = top;
  }
  let start = from < top ? from : (top + meta + size - 1) & ~(size - 1);
  return start >= from && start + size <= newTop && start + size > start;
}

/** Where a block of `size` bytes made by growing memory from `top` can start at the lowest:
 *  top rounded down to `size` if the blocks of the last region from there to top are all free
 *  (the new memory merges with them: a heap of 1.25 MiB whose top quarter is free needs to
 *  grow to 2 MiB for a 1 MiB block, not to 3 MiB), else top. Coalesced before growing, the
 *  free blocks there are at most one per order; past 64 the answer is top. */
function growthStart(root: usize, top: usize, size: usize): usize {
  let a = top & ~(size - 1);
  let n = getRegionCount(root);
  if (a == top || !n || getRegionStart(root, n - 1) > a) return top;
  let minLog = getMinLog(root);
  let p = a;
  for (let i = 0; p < top && i < 64; ++i) {
    if (!isFreeHead(root, p, minLog)) return top;
    p += sizeOf(leafOrder(root, p), minLog);
  }
  return p == top ? a : top;
}

/** The fewest pages from `pages` up that satisfy growthFits, or 0 past the address limit. */
function pagesToFit(root: usize, top: usize, pages: u32, size: usize, low: usize, lowRun: i32): u32 {
  while (!growthFits(root, top, pages, size, low, lowRun)) {
    // Counted in pages: top + bytes would wrap around u32 before passing the limit.
    if (pages + 1 > MAX_PAGES - <u32>(top >> PAGE_LOG)) return 0;
    ++pages;
  }
  return pages;
}

/** Grows linear memory so that a block of order k becomes free. Only a growable heap whose
 *  span ends at the top of memory grows, within its page limit: by the fewest pages that make
 *  the block, but at least 1/GROW_STEP of memory (or twice the growth of the bytes in use
 *  since the last growth, if less). Memory is what a program pays for, and a
 *  quarter of memory per step (as before) left up to a fifth of it unused; but every growth is
 *  a memory.grow, which engines make costly (V8 swaps the buffer), so growing a page at a time
 *  made a workload that grows to 180 MiB twice as slow. Metadata moves stay amortised by the
 *  run's headroom (capacityFor). memory.grow failing is out of memory. */
function grow(root: usize, k: u32): bool {
  if (!(getFlags(root) & FLAG_GROWABLE)) return false;
  let top = memoryTop();
  if (getSpanHi(root) != top) return false;
  let size = sizeOf(k, getMinLog(root));
  let before = <u32>memory.size();
  let limit = getGrowPages(root);
  if (before >= limit) return false;
  let low = growthStart(root, top, size);
  let lowRun = low < top ? largestBelow(root, low) : -1; // once: pagesToFit asks page by page
  let least = pagesToFit(root, top, 1, size, low, lowRun);
  if (!least || before + least > limit) return false;
  // The step: 1/GROW_STEP of memory, but no more than twice what the bytes in use grew by
  // since the last growth: a heap whose live bytes hold steady grows for the drift of its
  // free slots and fragments a little at a time, not by a growing heap's step (churn's last
  // growth came at step 191,340 of its million, its live bytes flat, and added 704 KiB, 1/32
  // of memory); a growing heap's step doubles back to 1/GROW_STEP.
  let used = getUsed(root);
  let grown = used > getGrownUsed(root) ? <u32>((used - getGrownUsed(root)) >> (PAGE_LOG - 1)) : 0;
  setGrownUsed(root, used);
  let step = before / GROW_STEP;
  if (grown < step) step = grown;
  let pages = least > step ? least : pagesToFit(root, top, step, size, low, lowRun);
  if (!pages || before + pages > limit) pages = least;
  return addPages(root, top, least, pages, low < top ? low : NO_LIMIT);
}

/** The fewest pages that grow() would add from `top` for a free block of `size` bytes, or 0
 *  if none would do. */
function blockGrowth(root: usize, top: usize, size: usize): u32 {
  let low = growthStart(root, top, size);
  return pagesToFit(root, top, 1, size, low, low < top ? largestBelow(root, low) : -1);
}

/** `pages` from `top`, or more if the metadata run must move (the span outgrows its capacity)
 *  and the new range could not hold it: addRange puts it there when no free block below the
 *  place the growth wants takes it, and a range it cannot add after memory.grow would stay
 *  outside the heap for good (the heap grows only while its span ends at the top of memory).
 *  grow's pages hold it already (growthFits); with 1/64 growth steps, growth for a run or a
 *  realloc at the top did not (mixed failed allocations for good). 0 past the heap's limit. */
function withMetaRoom(root: usize, top: usize, pages: u32): u32 {
  let have = <u32>(top >> PAGE_LOG);
  if (have >= getGrowPages(root)) return 0;
  let limit = getGrowPages(root) - have;
  let lo = getSpanLo(root);
  for (let end = top + (<usize>pages << PAGE_LOG); end > getCapHi(root); end += <usize>1 << PAGE_LOG) {
    if (runBytes(root, lo, capacityFor(root, lo, end)) <= end - top) break;
    if (pages >= limit) return 0;
    ++pages;
  }
  return pages;
}

/** memory.grow by `pages` (by `least` if that fails) and the new range added to the heap, a
 *  new metadata run below `below` if a free block there holds it: grow's and growTo's end.
 *  false if memory could not grow or the range not be added (memory then grew regardless). */
function addPages(root: usize, top: usize, least: u32, pages: u32, below: usize, metaAt: usize = 0): bool {
  least = withMetaRoom(root, top, least);
  pages = withMetaRoom(root, top, pages);
  if (!least || !pages) return false;
  if (memory.grow(<i32>pages) < 0) {
    if (pages == least || memory.grow(<i32>least) < 0) return false;
    pages = least;
  }
  if (addRange(root, top, top + (<usize>pages << PAGE_LOG), below, metaAt) != ErrorCode.OK) return false;
  bumpCounter(root, Counter.GROWS);
  return true;
}

/** Grows memory so that the heap's span reaches `end`, past the top of memory (growInPlace):
 *  by at least 1/GROW_STEP of memory, as grow. A new metadata run goes below `below` if a free
 *  block there holds it (else at the new range's start, and the block there is not free).
 *  false if the heap cannot grow that far: the heap is unchanged (memory too, unless adding
 *  the range failed after memory.grow, as in grow). */
function growTo(root: usize, end: usize, below: usize, metaAt: usize = 0): bool {
  if (!(getFlags(root) & FLAG_GROWABLE)) return false;
  let top = memoryTop();
  if (getSpanHi(root) != top || end <= top) return false;
  let before = <u32>memory.size();
  let limit = getGrowPages(root);
  let least = <u32>((end - top + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG);
  if (before >= limit || least > limit - before) return false;
  let step = before / GROW_STEP;
  return addPages(root, top, least, least > step || step > limit - before ? least : step, below, metaAt);
}

/** Growth adds at least memory / GROW_STEP (grow). */
// @ts-ignore: decorator
@inline const GROW_STEP: u32 = 32;

// ── Init ─────────────────────────────────────────────────────────────────────────────────────

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
 *  rootOf(base); the rest becomes the first region (its metadata run at its start). A heap
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
  // Check that the first metadata run fits before writing anything.
  // Slabs need a slab to be a block of the heap and to hold a few units.
  if (minLog + maxOrder < SLAB_LOG || minLog + 4 > SLAB_LOG) features &= ~FLAG_SLABS;
  let flags = (growPages ? FLAG_GROWABLE : 0) | (features & (FLAG_LOW_FIRST | FLAG_SLABS | FLAG_RT_SLOTS | FLAG_RUNS | FLAG_FINE_SLOTS));
  let cap = b;
  if (flags) {
    cap = b + ((b - a) >> 2);
    if (cap > (<usize>growPages << PAGE_LOG)) cap = <usize>growPages << PAGE_LOG;
    if (cap < b) cap = b;
  }
  let bytes = (metadataBytes(a, cap, minLog, maxOrder, flags) + mask) & ~mask;
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

// ── Statistics ───────────────────────────────────────────────────────────────────────────────

/** Leaf states leafInfo reports. */
export const LEAF_ALLOCATED: u32 = 0;
export const LEAF_FREE: u32 = 1;
export const LEAF_METADATA: u32 = 2;
/** A slab: order | LEAF_SLAB << 8 | (bytes in live slots / 16) << 11 (slots are 16-aligned). */
export const LEAF_SLAB: u32 = 3;
/** An allocated block that continues a run begun by a block below it ("Runs"): the run's
 *  first block is LEAF_ALLOCATED. */
export const LEAF_RUN: u32 = 4;
/** leafInfo's answer for an address that is not a leaf start inside a region. */
export const NOT_A_LEAF: u32 = 0xFFFFFFFF;

/** What starts at p, for viewers that walk a heap block by block (bindings snapshot()):
 *  order | state << 8 (a slab adds its live bytes, LEAF_SLAB), or NOT_A_LEAF. Leaves tile each region from its start, so a walk from a
 *  region start by leaf sizes visits every block. Reads only metadata. */
export function leafInfo(root: usize, p: usize): u32 {
  if (!inRegions(root, p)) return NOT_A_LEAF;
  let minLog = getMinLog(root);
  let k = leafOrder(root, p);
  if (p & (sizeOf(k, minLog) - 1)) return NOT_A_LEAF;
  let state = isFreeHead(root, p, minLog) ? LEAF_FREE : p - getMetaPtr(root) < getMetaSize(root) ? LEAF_METADATA : LEAF_ALLOCATED;
  if (state == LEAF_ALLOCATED && minLog + k >= SLAB_LOG && (getFlags(root) & FLAG_SLABS) && isSlab(root, p)) {
    return k | (LEAF_SLAB << 8) | (<u32>((<usize>slabLive(p) * slabSlotSize(p)) >> 4) << 11);
  }
  if (state == LEAF_ALLOCATED && mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0 && getRunStart(root, r) != p) state = LEAF_RUN;
  }
  return k | (state << 8);
}

/** Bytes in free blocks, from the list counts. */
export function freeBytes(root: usize): usize {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let sum: usize = 0;
  for (let k: u32 = 0; k <= maxOrder; ++k) sum += <usize>getCount(root, k) << (minLog + k);
  return sum;
}

/** Size of the largest free block, 0 if none. */
export function largestFree(root: usize): usize {
  let mask = getNonEmpty(root);
  return mask ? sizeOf(31 - <u32>clz<u32>(mask), getMinLog(root)) : 0;
}

/** Writes the statistics record (layout.ts, "Statistics") to out, STATS_SIZE bytes. */
export function statsInto(root: usize, out: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  memory.fill(out, 0, STATS_SIZE);
  setStat(out, 0, getTotal(root));
  setStat(out, 1, getUsed(root));
  setStat(out, 2, freeBytes(root));
  setStat(out, 3, getMetaSize(root));
  setStat(out, 4, largestFree(root));
  setStat(out, 5, sizeOf(0, minLog));
  setStat(out, 6, maxOrder);
  setStat(out, 7, getRegionCount(root));
  setStat(out, ST_SLACK, getSlack(root));
  for (let c: u32 = 0; c < COUNTER_COUNT; ++c) setStat64(out, c, getCounter(root, c));
  for (let k: u32 = 0; k <= maxOrder; ++k) setStatFree(out, k, getCount(root, k));
}
