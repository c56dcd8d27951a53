// realloc: in place when the new size takes the same slot class or block order, when a block
// shrinks (trimmed by splitting) or when the buddies above it are free (absorbed); else the
// allocation moves. A block that doubles is likely to double again, so it moves where it can
// next grow in place (takeRoomy).

import {
  Counter, ErrorCode, bumpCounter, getMaxOrder, getMinLog, getNonEmpty, getRunEnd, getSpanHi,
  getUsed, grownEntry, orderOf, setGrown, setUsed, sizeOf, slabClass, slabSlotSize,
} from "./layout";
import {
  LOW_SPLIT_LOG, giveBack, isFreeHead, isSplit, leafOrder, reject, removeFree, takeFree,
  trimBlock, unmarkSplit,
} from "./core";
import {
  growTo,
} from "./growth";
import {
  RUNS_FREE, RUNS_MOVING, extentOf, growRun, mayBeRun, runAt, takeLarge,
} from "./runs";
import {
  NO_SLOT, SLOT, freeLiveSlot, slabOf, slotFor,
} from "./slots";
import {
  allocAligned, freeFound, lookup, sizeFits,
} from "./alloc";

/** Blocks of 2^16 bytes and up that move in a growing realloc go to the largest free block. */
// @ts-ignore: decorator
@inline const REALLOC_ROOM_LOG: u32 = 16;

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
    freeLiveSlot(root, s, p);
  }
  else freeFound(root, p, leafOrder(root, p));
  return q;
}

/** A block of order k2 for an allocation that grows into it by a doubling (from p, a block or
 *  a slot), with room to grow again, and recorded in the grown table. A block that doubles is
 *  likely to double again, so it goes where it can do so in place: the lower half of a block
 *  twice its size. One that the grown table knows (it moved by a doubling before and has
 *  doubled past that room: a vector) and is large (64 KiB and up) goes to the lowest part of
 *  the largest free block, as TLSF's last block grows into the end of the heap. Not every large
 *  doubling: blocks that doubled once by chance would each take the bottom of a large free block
 *  and keep it from serving a large request. With no such block free, a run of free blocks for `size` if one holds it, or one
 *  grown at the top if that takes under half the pages a block would (takeLarge, RUNS_MOVING),
 *  else a block memory grows for; 0 if there is none even then. */
function takeRoomy(root: usize, p: usize, k2: u32, size: usize, minLog: u32): usize {
  let q: usize = 0;
  let nonEmpty = getNonEmpty(root);
  let largest: u32 = nonEmpty ? 31 - <u32>clz<u32>(nonEmpty) : 0;
  if (nonEmpty && largest > k2) {
    let vector = minLog + k2 >= REALLOC_ROOM_LOG && grownEntry(root, p) != 0;
    q = takeFree(root, k2, vector ? largest : k2 + 1);
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
  if (q) freeLiveSlot(root, s, p);
  return q;
}

/** Whether realloc shrinking the block of order k to order k2 moves it rather than trimming it
 *  in place: when the block is large (2^LOW_SPLIT_LOG bytes and up), it shrinks to a quarter
 *  or less, and a free block of an order from k2 to k - 1 can take it without growing memory
 *  or splitting a block as large. Trimmed in place, it would keep its large region from ever
 *  becoming one free block again. */
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
  let q = k2 < k ? takeFree(root, k2, k2) : k2 == k + 1 ? takeRoomy(root, p, k2, size, minLog) : takeLarge(root, size, k2, minLog, RUNS_FREE);
  if (!q) { reject(root, ErrorCode.OUT_OF_MEMORY, Counter.FAILED_ALLOCS); return 0; }
  memory.copy(q, p, sizeOf(k2 < k ? k2 : k, minLog));
  giveBack(root, p, k, minLog);
  setUsed(root, getUsed(root) - sizeOf(k, minLog) + extentOf(root, q, k2, minLog));
  bumpCounter(root, Counter.ALLOCS);
  bumpCounter(root, Counter.FREES);
  return q;
}
