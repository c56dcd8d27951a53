// Why memory grew. An allocation that finds no free block merges what deferred frees left
// (coalesce), then grows memory, in that order: takeBlock is the only place a plain block
// request grows. A growable heap grows only while its span ends at the top of memory, and only
// up to its page limit.
//
// How much: the fewest pages that make an aligned free block of the size asked for, counting
// free blocks at the top that the new memory merges with (growthStart) and a metadata area
// that must move when the span outgrows it (growthFits); but at least 1/GROW_STEP of memory,
// or twice what the bytes in use grew by since the last growth if that is less. Every
// memory.grow is costly (V8 replaces the buffer), so growth comes in steps; a heap whose live
// bytes hold steady grows by its drift, not by a growing heap's step.
//
// Runs (runs.ts) and realloc (realloc.ts) grow memory under free blocks at the top, by what
// they need: growUnder and growTo. All three end in addPages, which makes sure the new range
// can hold a metadata area that must move (withMetaRoom) before memory.grow.

import {
  Counter, ErrorCode, FLAG_GROWABLE, FLAG_SLABS, MAX_PAGES, PAGE_LOG, bumpCounter, getCapHi,
  getEmptyClasses, getFlags, getGrowPages, getGrownUsed, getMinLog, getNonEmpty, getRegionCount,
  getRegionStart, getSpanHi, getSpanLo, getUsed, orderOf, setEmptyClasses, setGrownUsed, sizeOf,
  slabLog,
} from "./layout";
import {
  emptySlab,
} from "./slab";
import {
  coalesceUp, isFreeHead, leafOrder, memoryTop, mergeDeferred, takeFree,
} from "./core";
import {
  NO_LIMIT, capacityFor, largestBelow, lowerMetadata, metaBytes,
} from "./metadata";
import {
  addRange,
} from "./regions";

/** takeFree, after merging what deferred frees left (coalesce) if there is no block. */
export function takeMerged(root: usize, k: u32, from: u32, low: bool = false): usize {
  let p = takeFree(root, k, from, low);
  if (!p && coalesce(root)) p = takeFree(root, k, from, low);
  return p;
}

/** takeMerged, then growing memory (grow) if there is still no block: 0 when even that fails. */
export function takeBlock(root: usize, k: u32, from: u32): usize {
  let p = takeMerged(root, k, from);
  if (!p && grow(root, from)) p = takeFree(root, k, from);
  return p;
}

/** Gives back the empty slab each class keeps, and merges every pair of free buddies left by
 *  deferred coalescing, from the smallest order up (a merged block is pushed on the next list,
 *  which is visited after). Returns the number of slabs given back and merges. O(free blocks
 *  of the orders deferred frees touched). */
export function coalesce(root: usize): u32 {
  let minLog = getMinLog(root);
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
  merges += mergeDeferred(root);
  if (lowerMetadata(root)) ++merges;
  return merges;
}

/** Grows linear memory so that a block of order k becomes free. Only a growable heap whose
 *  span ends at the top of memory grows, within its page limit: by the fewest pages that make
 *  the block, but at least 1/GROW_STEP of memory (or twice the growth of the bytes in use
 *  since the last growth, if less). Memory is what a program pays for, and a
 *  quarter of memory per step (as before) left up to a fifth of it unused; but every growth is
 *  a memory.grow, which engines make costly (V8 swaps the buffer), so growing a page at a time
 *  made a workload that grows to 180 MiB twice as slow. Metadata moves stay amortised by the
 *  run's headroom (capacityFor). memory.grow failing is out of memory. */
export function grow(root: usize, k: u32): bool {
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

/** Whether growing memory by `pages` from `top` makes a free block of `size` bytes: an aligned
 *  block from `low` (growthStart: below top when the blocks from there to top are free and
 *  stay so), else in the new range, which must then also hold any new metadata run (at its
 *  start, the worst case). */
function growthFits(root: usize, top: usize, pages: u32, size: usize, low: usize, lowRun: i32): bool {
  let newTop = top + (<usize>pages << PAGE_LOG);
  let meta: usize = 0;
  let from = low;
  if (newTop > getCapHi(root)) {
    meta = metaBytes(root, getSpanLo(root), capacityFor(root, getSpanLo(root), newTop));
    // addRange takes the run from a free block below `low` when one holds it (allocMeta; such a
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
    if (metaBytes(root, lo, capacityFor(root, lo, end)) <= end - top) break;
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
export function growTo(root: usize, end: usize, below: usize, metaAt: usize = 0): bool {
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

/** Grows memory so that [a, new top) holds `size` bytes, where [a, top) are free blocks (or a
 *  run with free blocks above it) that the new memory extends: by the pages that takes, but at
 *  least 1/GROW_STEP of memory. A metadata move goes to a free block below a, or else to new
 *  pages past those (at the new memory's start it would cut the stretch in two). When `block`
 *  is not 0, only if that takes fewer pages than a growth for a free block of `block` bytes
 *  (grow). false if memory did not grow. */
export function growUnder(root: usize, a: usize, size: usize, block: usize, minLog: u32, half: bool): bool {
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
    let bytes = metaBytes(root, lo, capacityFor(root, lo, end + (<usize>1 << PAGE_LOG)));
    if (largestBelow(root, a) < <i32>orderOf(bytes, minLog)) {
      let metaPages = <u32>((bytes + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG);
      while (metaBytes(root, lo, capacityFor(root, lo, end + (<usize>metaPages << PAGE_LOG))) > (<usize>metaPages << PAGE_LOG)) ++metaPages;
      if (pages - need < metaPages) end = metaAt + (<usize>metaPages << PAGE_LOG);
    }
  }
  return growTo(root, end, a, metaAt);
}
