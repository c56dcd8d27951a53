// Why memory grew. An allocation that finds no free block merges what deferred frees left
// (coalesce), then grows memory, in that order: takeBlock is the only place a plain block
// request grows. A growable heap grows only while its span ends at the top of memory, and only
// up to its page limit.
//
// How much: one planner, planPages, answers "how many pages, and where does the metadata go"
// for every growth. A span that outgrows its metadata area needs a new one: in a free block
// below where the growth wants its memory if one holds it (allocMeta takes it there), else in
// the new range. The plan is the fewest pages that hold that area and what the growth is for:
// an aligned free block of the size asked for (grow, counting free blocks at the top that the
// new memory merges with: growthStart), or a given end (growTo: realloc in place, growUnder:
// runs). Then at least 1/GROW_STEP of memory, or twice what the bytes in use grew by since the
// last growth if that is less: every memory.grow is costly (V8 replaces the buffer), so growth
// comes in steps, and a heap whose live bytes hold steady grows by its drift.

import {
  Counter, ErrorCode, FLAG_GROWABLE, FLAG_SLABS, PAGE_LOG, bumpCounter, getCapHi,
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

/** Gives back the empty slab each class keeps, merges every pair of free buddies that deferred
 *  frees left (mergeDeferred) and moves the metadata area down if a lower block holds it.
 *  Returns how many of those it did: the caller retries its allocation when that is not 0. */
export function coalesce(root: usize): u32 {
  let minLog = getMinLog(root);
  let merges: u32 = 0;
  // Only the classes that kept an empty slab since the last call are looked at, so a full heap
  // that merges before every new slab does not walk every class's slabs each time.
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

/** Grows linear memory so that a block of order k becomes free: by the fewest pages that make
 *  it (planPages), but at least 1/GROW_STEP of memory, or twice what the bytes in use grew by
 *  since the last growth if that is less (a heap whose live bytes hold steady grows for the
 *  drift of its free slots, not by a growing heap's step). false if the heap cannot grow or
 *  memory.grow fails: out of memory. */
export function grow(root: usize, k: u32): bool {
  if (!(getFlags(root) & FLAG_GROWABLE)) return false;
  let top = memoryTop();
  if (getSpanHi(root) != top) return false;
  let size = sizeOf(k, getMinLog(root));
  let low = growthStart(root, top, size);
  let below = low < top ? low : NO_LIMIT;
  let least = planPages(root, top, 1, below, 0, size, low);
  if (!least) return false;
  let used = getUsed(root);
  let grown = used > getGrownUsed(root) ? <u32>((used - getGrownUsed(root)) >> (PAGE_LOG - 1)) : 0;
  setGrownUsed(root, used);
  let step = <u32>memory.size() / GROW_STEP;
  if (grown < step) step = grown;
  let pages = least < step ? planPages(root, top, step, below, 0, size, low) : least;
  return addPages(root, top, least, pages ? pages : least, below, 0);
}

/** Growth adds at least memory / GROW_STEP (grow, growBy). */
// @ts-ignore: decorator
@inline const GROW_STEP: u32 = 32;

/** The growth plan: the fewest pages from `pages` up by which memory can grow from `top` so
 *  that a metadata area the larger span needs has its place, and, when `block` is not 0, an
 *  aligned free block of `block` bytes fits above it. The area goes to a free block below
 *  `below` if one holds it (any free block when `below` is NO_LIMIT: allocMeta's choice), else
 *  into the new range at `metaAt` (its start when 0). The block starts at `low` when that is
 *  below `top` (free blocks up to top that the new memory merges with) and the area is not in
 *  the new range, else at the first multiple of `block` above the area. 0 past the heap's page
 *  limit. */
function planPages(root: usize, top: usize, pages: u32, below: usize, metaAt: usize, block: usize, low: usize): u32 {
  let have = <u32>(top >> PAGE_LOG);
  let limit = getGrowPages(root); // at most MAX_PAGES: every end below fits in a u32
  if (have >= limit) return 0;
  let lo = getSpanLo(root);
  let lowest = below != NO_LIMIT ? largestBelow(root, below) : -1; // the largest order below
  let from = metaAt ? metaAt : top;
  for (; pages <= limit - have; ++pages) {
    let end = top + (<usize>pages << PAGE_LOG);
    let meta: usize = 0; // bytes of a new area in the new range
    if (end > getCapHi(root)) {
      meta = metaBytes(root, lo, capacityFor(root, lo, end));
      let k = orderOf(meta, getMinLog(root));
      if (below == NO_LIMIT ? (getNonEmpty(root) >> k) != 0 : <i32>k <= lowest) meta = 0;
    }
    let free = meta ? from + meta : top; // the new range is free from here
    if (free > end) continue;
    if (!block) return pages;
    let start = low < top && !meta ? low : (free + block - 1) & ~(block - 1);
    if (start + block <= end && start + block > start) return pages;
  }
  return 0;
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

/** The fewest pages that grow() would add from `top` for a free block of `size` bytes, or 0
 *  if none would do. */
function blockGrowth(root: usize, top: usize, size: usize): u32 {
  let low = growthStart(root, top, size);
  return planPages(root, top, 1, low < top ? low : NO_LIMIT, 0, size, low);
}

/** Grows memory from `top` by at least `need` pages, by 1/GROW_STEP of memory when that is
 *  more, each as planPages makes room for a metadata area (below `below`, else at `metaAt`).
 *  false if the heap cannot grow that far. */
function growBy(root: usize, top: usize, need: u32, below: usize, metaAt: usize): bool {
  let least = planPages(root, top, need, below, metaAt, 0, top);
  if (!least) return false;
  let step = <u32>memory.size() / GROW_STEP;
  let pages = least < step ? planPages(root, top, step, below, metaAt, 0, top) : least;
  return addPages(root, top, least, pages ? pages : least, below, metaAt);
}

/** memory.grow by `pages` (by `least` if that fails; both planned) and the new range added to
 *  the heap, a new metadata area below `below` if a free block there holds it, else at
 *  `metaAt` or the range's start. false if memory could not grow or the range not be added
 *  (memory then grew regardless). */
function addPages(root: usize, top: usize, least: u32, pages: u32, below: usize, metaAt: usize): bool {
  if (memory.grow(<i32>pages) < 0) {
    if (pages == least || memory.grow(<i32>least) < 0) return false;
    pages = least;
  }
  if (addRange(root, top, top + (<usize>pages << PAGE_LOG), below, metaAt) != ErrorCode.OK) return false;
  bumpCounter(root, Counter.GROWS);
  return true;
}

/** Grows memory so that the heap's span reaches `end`, past the top of memory (growInPlace):
 *  as growBy. A new metadata area goes below `below` if a free block there holds it, else at
 *  `metaAt` or the new range's start (and the memory there is not free). false if the heap
 *  cannot grow that far: the heap is unchanged (memory too, unless adding the range failed
 *  after memory.grow). */
export function growTo(root: usize, end: usize, below: usize, metaAt: usize = 0): bool {
  if (!(getFlags(root) & FLAG_GROWABLE)) return false;
  let top = memoryTop();
  if (getSpanHi(root) != top || end <= top) return false;
  return growBy(root, top, <u32>((end - top + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG), below, metaAt);
}

/** Grows memory so that [a, new top) holds `size` bytes, where [a, top) are free blocks (or a
 *  run with free blocks above it) that the new memory extends. A metadata move goes to a free
 *  block below a, or else to new pages past those the stretch needs (at the new memory's start
 *  it would cut the stretch in two). When `block` is not 0, only if that takes fewer pages
 *  (with `half`, fewer than half as many) than a growth for a free block of `block` bytes
 *  (grow). false if memory did not grow. */
export function growUnder(root: usize, a: usize, size: usize, block: usize, half: bool): bool {
  if (!(getFlags(root) & FLAG_GROWABLE)) return false;
  let top = memoryTop();
  if (getSpanHi(root) != top) return false;
  let need = <u32>((size - (top - a) + (<usize>1 << PAGE_LOG) - 1) >> PAGE_LOG);
  if (block) {
    let least = blockGrowth(root, top, block);
    if (least && (half ? need << 1 : need) >= least) return false;
  }
  return growBy(root, top, need, a, top + (<usize>need << PAGE_LOG));
}
