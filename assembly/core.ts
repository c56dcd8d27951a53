// The textbook binary buddy: free lists, the split and free bits, carving a range into blocks,
// merging, and taking a free block. Every policy sits in a file of its own above this one
// (heap.ts lists them); nothing here grows memory, moves the metadata or merges behind its
// caller's back.
//
// Blocks. Memory is handed out in blocks whose size is a power of two, MIN << order, each
// aligned to its own size in absolute addresses. A block of order k+1 splits into two "buddies"
// of order k; when both are free again they merge back. The buddy of a block is one XOR away
// (p ^ size), so merging needs no search. Any range [a, e) is carved into the largest naturally
// aligned blocks that fit; ranges added next to each other merge across the seam as soon as
// their blocks are buddies, because the tree is indexed by absolute address.
//
// Metadata. No header in blocks. Two bits per minimum block (layout.ts, "Metadata area"): a
// free-head bit per block start and one split bit per tree node. A node whose parent is split
// is a leaf: an allocated block, a free block (its free bit set) or, outside the heap's
// regions, a phantom that is never merged with. Free blocks are on doubly linked intrusive
// lists, one per order, and a u32 bitmap of non-empty orders finds the smallest usable order
// with one ctz.
//
// Cost. Taking a block and freeing one are O(maxOrder): split or merge one level per step.
// Finding a block's order walks up its split bits from the smallest order, O(order).
//
// Deferred coalescing. A free whose order's list is shorter than `deferLimit` pushes the block
// without merging it (giveBack); the next allocation of that order reuses it in O(1), so
// alloc/free pairs of one size cost what a free list costs. mergeDeferred merges what was left,
// and growth.ts runs it before memory grows. deferLimit 0 is the textbook buddy: every free
// merges at once, and no two free buddies ever coexist.
//
// Errors. Nothing here validates: callers pass blocks that exist. Debug builds assert the
// invariants.

import {
  Counter, DEBUG, FLAG_LOW_FIRST, MAX_PAGES, PAGE_LOG, buddyOf, bumpCounter, clearBit, getCount,
  getDefer, getDirty, getFlags, getFreeBase, getHead, getMaxOrder, getMinLog, getNext,
  getNonEmpty, getPrev, getRegionCount, getRegionEnd, getRegionStart, getSpanHi, getSpanLo,
  getSplitBase, getTail, setBit, setCount, setDirty, setHead, setLastError, setNext,
  setNonEmpty, setPrev, setTail, sizeOf, testBit,
} from "./layout";

/** The top of linear memory, capped so that it fits in a u32 (see ADDRESS_LIMIT). */
// @ts-ignore: decorator
@inline export function memoryTop(): usize {
  let pages = <u32>memory.size();
  return <usize>(pages < MAX_PAGES ? pages : MAX_PAGES) << PAGE_LOG;
}

// @ts-ignore: decorator
@inline export function isFreeHead(root: usize, p: usize, minLog: u32): bool {
  return testBit(getFreeBase(root), p >> minLog);
}

// @ts-ignore: decorator
@inline export function isSplit(root: usize, p: usize, k: u32, minLog: u32): bool {
  return testBit(getSplitBase(root, k), p >> (minLog + k));
}

// @ts-ignore: decorator
@inline function markSplit(root: usize, p: usize, k: u32, minLog: u32): void {
  setBit(getSplitBase(root, k), p >> (minLog + k));
}

// @ts-ignore: decorator
@inline export function unmarkSplit(root: usize, p: usize, k: u32, minLog: u32): void {
  clearBit(getSplitBase(root, k), p >> (minLog + k));
}

/** Records a rejected call: sets the last error, counts it, and returns the code. */
export function reject(root: usize, code: u32, counter: u32): u32 {
  setLastError(root, code);
  bumpCounter(root, counter);
  return code;
}

/** Whether p lies in the heap's span (its regions and the gaps between them). */
// @ts-ignore: decorator
@inline export function inSpan(root: usize, p: usize): bool {
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
export function removeFree(root: usize, p: usize, k: u32, minLog: u32): void {
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
export function coalesceUp(root: usize, p: usize, k: u32, minLog: u32): void {
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
@inline export function giveBack(root: usize, p: usize, k: u32, minLog: u32): void {
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
 *  no merge is possible. Shrinks a realloc'd block and trims the metadata area. */
export function trimBlock(root: usize, q: usize, j: u32, keep: usize, minLog: u32): void {
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

/** The order of the largest naturally aligned block that starts at a and ends by e. */
// @ts-ignore: decorator
@inline function carveOrder(a: usize, e: usize, minLog: u32, maxOrder: u32): u32 {
  let align = <u32>ctz<u32>(<u32>a) - minLog; // a == 0 gives 32 - minLog: any order
  let j = align < maxOrder ? align : maxOrder;
  while (sizeOf(j, minLog) > e - a) --j;
  return j;
}

/** Adds [a, e) to the free lists as the largest aligned blocks, merging across seams. */
export function carveFree(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    splitAncestors(root, a, j, minLog, maxOrder);
    coalesceUp(root, a, j, minLog);
    a += sizeOf(j, minLog);
  }
}

/** Makes [a, e), new to the tree, allocated leaves (the metadata area). */
export function carveAllocated(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    splitAncestors(root, a, j, minLog, maxOrder);
    a += sizeOf(j, minLog);
  }
}

/** Frees the metadata area [a, e): allocated leaves made by carveAllocated or trimBlock (same
 *  decomposition). */
export function freeCarved(root: usize, a: usize, e: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  while (a < e) {
    let j = carveOrder(a, e, minLog, maxOrder);
    if (DEBUG) assert(leafOrder(root, a) == j && !isFreeHead(root, a, minLog)); // allocated leaf
    coalesceUp(root, a, j, minLog);
    a += sizeOf(j, minLog);
  }
}

/** Takes a free block of an order >= `from`, splits it down to order k keeping the lowest part
 *  (so it is aligned to size(from)), and returns it; 0 if no list from `from` up has one. Never
 *  merges, grows or moves the metadata: growth.ts's takeBlock does those before it gives up.
 *  Which block: the first of the smallest order that has one (lists lean to low addresses, see
 *  pushFree). With FLAG_LOW_FIRST, when that means splitting a block of 2^LOW_SPLIT_LOG bytes
 *  or more, the lowest of the first LOW_SPLIT_TRIES blocks of each larger order is split
 *  instead: what gets split gathers at the bottom of memory, and the blocks above stay whole
 *  for large requests (address-ordered placement, bounded so alloc stays O(maxOrder)). A slab
 *  (`low`) does so at any size, and takes the lowest of the first LOW_SPLIT_TRIES blocks of its
 *  own order when there is one: slabs live long and pin the large block they lie in. */
export function takeFree(root: usize, k: u32, from: u32, low: bool = false): usize {
  let minLog = getMinLog(root);
  let mask = getNonEmpty(root) & (<u32>-1 << from);
  if (!mask) return 0;
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

/** Splits of blocks from 64 KiB up look for a lower block (takeFree). */
// @ts-ignore: decorator
@inline export const LOW_SPLIT_LOG: u32 = 16;

/** How many blocks of each order that search looks at. */
// @ts-ignore: decorator
@inline export const LOW_SPLIT_TRIES: u32 = 16;

/** Merges every pair of free buddies left by deferred frees, from the smallest order up (a
 *  merged block is pushed on the next list, which is visited after). Only a deferred free
 *  leaves two free buddies unmerged (every other push follows a failed merge or a split), so
 *  only the orders marked dirty since the last call are walked, and the orders their merges
 *  reach. Returns the number of merges. */
export function mergeDeferred(root: usize): u32 {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let lo = getSpanLo(root);
  let hi = getSpanHi(root);
  let merges: u32 = 0;
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
  return merges;
}
