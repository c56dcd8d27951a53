// Runs: allocations made of several blocks side by side. A buddy block must be aligned to its
// size, so a heap with 768 KiB free as blocks of 256 and 512 KiB side by side has no block for
// 700 KiB, where TLSF takes the stretch. A large request whose size is not a power of two, and
// that no free block holds even after merging, takes a run before the heap grows for a block:
// free blocks of 64 KiB and up, side by side, that together hold it (takeRun). When the heap
// must grow, a run grows memory under the free blocks at its top by what it needs (growForRun),
// where a block needs an aligned place; a run at the top of memory grows in place (growRun).
//
// A run's blocks stay ordinary allocated leaves. The run table in the control block (at most
// RUN_SLOTS live runs) ties them into one allocation: free(start) frees them all, a pointer to
// a later block is an interior pointer, and the usable size is the run's length, never more
// than the block it stands for (so a sized free with the size asked for matches it). Only a
// block of 64 KiB or more can be in a run, so a smaller block never reads the table. A run is
// aligned to its first block, 64 KiB at least: a power of two and a request aligned to more
// than 64 KiB never take one.

import {
  Counter, FLAG_GROWABLE, FLAG_RUNS, RUN_MIN_LOG, RUN_SLOTS, bumpCounter, getCount, getFlags,
  getHead, getNext, getNonEmpty, getRegionCount, getRegionStart, getRunCount, getRunEnd,
  getRunStart, getSpanHi, getUsed, orderOf, setRun, setRunCount, setUsed, sizeOf,
} from "./layout";
import {
  LOW_SPLIT_TRIES, giveBack, isFreeHead, leafOrder, memoryTop, removeFree, takeFree,
} from "./core";
import {
  grow, growUnder, takeBlock, takeMerged,
} from "./growth";

/** The blocks of a run found among free blocks (takeRun) are at most this many orders below
 *  the request's: few blocks per run, and a bounded search. */
// @ts-ignore: decorator
@inline const RUN_ORDERS: u32 = 4;

/** Whether a block of order k (bytes 2^(minLog + k)) can belong to a run of this heap that
 *  exists now: only then do free and lookup read the run table. */
// @ts-ignore: decorator
@inline export function mayBeRun(root: usize, k: u32, minLog: u32): bool {
  return minLog + k >= RUN_MIN_LOG && getRunCount(root) != 0;
}

/** The run whose blocks hold p, or -1. */
export function runAt(root: usize, p: usize): i32 {
  let n = getRunCount(root);
  for (let i: u32 = 0; i < n; ++i) {
    if (p >= getRunStart(root, i) && p < getRunEnd(root, i)) return <i32>i;
  }
  return -1;
}

/** Bytes of the allocation at p, an allocated leaf of order k that starts it: the run's length
 *  if p starts a run, else the block's size. */
export function extentOf(root: usize, p: usize, k: u32, minLog: u32): usize {
  if (mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0) return getRunEnd(root, r) - p;
  }
  return sizeOf(k, minLog);
}

/** A block of order k for `size` bytes (k its order, no larger alignment), or else, when size
 *  is not a power of two (whose block must be aligned to it), a run (see "Runs") of the kinds
 *  `runs` allows, before the heap grows for a block; 0 when there is none even after growing. */
export function takeLarge(root: usize, size: usize, k: u32, minLog: u32, runs: u32): usize {
  if (runs && minLog + k > RUN_MIN_LOG && (size & (size - 1)) && (getFlags(root) & FLAG_RUNS)) {
    let p = takeMerged(root, k, k);
    if (!p) p = takeRun(root, size, k, minLog);
    if (!p && (runs & RUNS_GROWN)) p = growForRun(root, size, k, minLog, (runs & RUNS_HALF) != 0);
    if (p) return p;
    return grow(root, k) ? takeFree(root, k, k) : 0;
  }
  return takeBlock(root, k, k);
}

/** takeLarge's choice of runs: from free blocks only (takeRun), or by growing memory as well
 *  (growForRun) when that takes fewer pages than a block's growth, or with RUNS_HALF fewer
 *  than half as many. A realloc that moves takes RUNS_MOVING: growing buffers moved into runs
 *  grown at the top whenever that saved a page would take the top from the buffers that grow
 *  there in place, and with free runs only a growing buffer that finds none takes a whole new
 *  block of memory where most of it lies free at the top. */
// @ts-ignore: decorator
@inline export const RUNS_FREE: u32 = 1;

// @ts-ignore: decorator
@inline const RUNS_GROWN: u32 = 2;

// @ts-ignore: decorator
@inline const RUNS_HALF: u32 = 4;

// @ts-ignore: decorator
@inline export const RUNS_ANY: u32 = RUNS_FREE | RUNS_GROWN;

// @ts-ignore: decorator
@inline export const RUNS_MOVING: u32 = RUNS_ANY | RUNS_HALF;

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
    if (!growUnder(root, a, size, sizeOf(k, minLog), half)) return 0;
    // The new memory may have merged into a block of order k. (takeFree, not takeMerged: a
    // coalesce() could move the metadata down into the stretch.)
    if (getNonEmpty(root) & (<u32>-1 << k)) return takeFree(root, k, k);
  }
  let bytes = freeStretch(root, a, size, RUN_MIN_LOG - minLog, minLog);
  if (bytes < size || bytes > sizeOf(k, minLog)) return 0; // a new metadata area took the place
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

/** Grows run r in place to hold `size` bytes (more than it has): with the free blocks of
 *  64 KiB and up just above it, and past the top of a growable heap by growing memory (as
 *  TLSF's last block grows). false, the run unchanged, if that cannot make it, or would make
 *  it longer than a block of size's order (a run is never longer than the block it stands
 *  for). Memory may have grown even so, when a metadata move took the new pages' start. */
export function growRun(root: usize, r: u32, size: usize, minLog: u32): bool {
  let a = getRunStart(root, r);
  let e = getRunEnd(root, r);
  let limit = sizeOf(orderOf(size, minLog), minLog);
  let least = RUN_MIN_LOG - minLog;
  let more = freeStretch(root, e, size - (e - a), least, minLog);
  if (e - a + more < size) {
    if (e + more != topStretchEnd(root) || !growUnder(root, a, size, 0, false)) return false;
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
export function freeRun(root: usize, r: u32, minLog: u32): void {
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
    giveBack(root, q, o, minLog);
    q = next;
  }
}
