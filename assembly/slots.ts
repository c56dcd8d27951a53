// Size classes: a request of up to SLAB_MAX bytes takes a slot of its class in a slab (slab.ts
// owns the slab's record; this file decides which class a request takes and where a new slab
// comes from). Before memory grows for a new slab, a request may borrow a free slot of a
// slightly larger class (borrowSlab).

import {
  Counter, ErrorCode, FLAG_FINE_SLOTS, FLAG_RT_SLOTS, FLAG_SLABS, SLAB_CLASSES, SLAB_HEAP_LOG,
  SLAB_LOG, SLAB_MAX, bumpCounter, classOf, classSize, getFlags, getMaxOrder, getMinLog,
  getNonEmpty, getSlabHead, getSpanHi, getSpanLo, getTotal, getUsed, orderOf, setUsed, sizeOf,
  slabClass, slabLog, slabLogOf,
} from "./layout";
import {
  freeSlot, makeSlab, slabAt, slotIndex, slotOf, takeSlot,
} from "./slab";
import {
  giveBack, reject, takeFree,
} from "./core";
import {
  grow, takeMerged,
} from "./growth";

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
@inline export const NO_SLOT: u32 = 0xFFFFFFFF;

/** The class whose slot alloc(size, align) takes, or NO_SLOT: on a heap with slabs, for a
 *  request (raised to the minimum block) of up to SLAB_MAX bytes whose class's slab is a block
 *  this heap can have, and whose slot's alignment (16, or its size for a power of two; 4 in a
 *  runtime heap) meets `align`. Outside a runtime heap, a class whose slab is larger than the
 *  smallest takes slots only in a heap of at least 2^SLAB_HEAP_LOG such slabs (layout.ts,
 *  "Slabs"). An 8 KiB slab always fits (init keeps slabs only in heaps whose largest block
 *  holds one). */
// @ts-ignore: decorator
@inline export function slotFor(root: usize, size: usize, align: usize): u32 {
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
@inline export function slabOf(root: usize, p: usize): usize {
  return (getFlags(root) & FLAG_SLABS) ? slabAt(root, p) : 0;
}

/** Whether p lies in a slab of this heap (a slot, or a slab's header): the runtime tells its
 *  slots (4-byte prefix) from its blocks (16-byte prefix) by this. Reads only metadata. */
export function inSlab(root: usize, p: usize): bool {
  return p >= getSpanLo(root) && p < getSpanHi(root) && slabOf(root, p) != 0;
}

/** A slot of class c, from a slab with a free one, else as allocSlotNew finds one; 0 when
 *  there is none. `borrow`: may the request (its size, BORROW_POW2 if it needs an alignment
 *  of more than 16) take a larger class's slot (borrowSlab); 0: no. Counts the allocation.
 *  Inline: malloc's common case is this and slotFor, without a call. */
// @ts-ignore: decorator
@inline export function allocSlot(root: usize, c: u32, minLog: u32, borrow: usize = 0): usize {
  let s = getSlabHead(root, c);
  if (!s) return allocSlotNew(root, c, minLog, borrow);
  bumpCounter(root, Counter.ALLOCS);
  return takeSlot(root, s, c);
}


/** allocSlot when class c has no slab with a free slot: a new slab from a free block; else,
 *  when `borrow` allows, a slot of a larger class (borrowSlab) or a free block smaller than a
 *  slab that holds the request (its power of two, aligned to it, as a block request gets; at
 *  most twice its class); else a new slab memory grows for. 0 when there is none. */
function allocSlotNew(root: usize, c: u32, minLog: u32, borrow: usize): usize {
  let order = slabLogOf(root, c) - minLog;
  let s = takeMerged(root, order, order, true);
  if (!s && borrow && !(getFlags(root) & FLAG_RT_SLOTS)) { // mm.ts: the usable size is its class's
    let b = borrowSlab(root, c, borrow);
    if (b) {
      bumpCounter(root, Counter.ALLOCS);
      return takeSlot(root, b, slabClass(b));
    }
    let k = orderOf(borrow & ~BORROW_POW2, minLog);
    // Below the slab's order (takeMerged found none there), and at most twice its class: a
    // minimum block of 64 bytes would be four times a 16-byte slot.
    if (sizeOf(k, minLog) <= classSize(root, c) << 1 && (getNonEmpty(root) & (<u32>-1 << k))) {
      let q = takeFree(root, k, k);
      setUsed(root, getUsed(root) + sizeOf(k, minLog));
      bumpCounter(root, Counter.ALLOCS);
      return q;
    }
  }
  if (!s && grow(root, order)) s = takeFree(root, order, order, true);
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
@inline export function borrowFor(size: usize, align: usize): usize {
  return size | ((size & (size - 1)) == 0 || align > 16 ? BORROW_POW2 : 0);
}

/** Whether a slot of class d could have been allocated for `size` aligned to `align`: d is
 *  its class, or one it may borrow from (borrowSlab). */
export function slotHolds(root: usize, size: usize, align: usize, d: u32): bool {
  let c = slotClass(root, size);
  if (c == d) return true;
  if (c > d || d - c > BORROW_CLASSES || (getFlags(root) & FLAG_RT_SLOTS)) return false;
  let cs = classSize(root, c);
  let ds = classSize(root, d);
  return ds <= cs + (cs >> 2) && (!(borrowFor(size, align) & BORROW_POW2) || !(ds & (ds - 1)));
}

/** Frees the live slot p, index i, of slab s (slotIndex said so); a slab left empty goes back
 *  to the heap (freeSlab). Inline in free (its common case, without a call; freeRt goes
 *  through free), through freeLiveSlot elsewhere. */
// @ts-ignore: decorator
@inline function dropSlot(root: usize, s: usize, p: usize, i: u32): void {
  let empty = freeSlot(root, s, p, i);
  bumpCounter(root, Counter.FREES);
  if (empty) freeSlab(root, empty);
}

/** Frees the slot p of slab s, which the caller knows is live (lookup said so). */
export function freeLiveSlot(root: usize, s: usize, p: usize): void { dropSlot(root, s, p, slotOf(s, p)); }

/** Gives the empty slab s (unmarked by freeSlot) back to the buddy heap. */
function freeSlab(root: usize, s: usize): void {
  let minLog = getMinLog(root);
  giveBack(root, s, slabLog(s) - minLog, minLog); // the header outlives unmarkSlab
}

/** free(p) for a p inside the slab s: OK, or the error with the heap unchanged. */
// @ts-ignore: decorator
@inline export function freeInSlab(root: usize, s: usize, p: usize): u32 {
  let i = slotIndex(s, p);
  if (i < 0) return reject(root, <u32>-i, Counter.REJECTED_FREES);
  dropSlot(root, s, p, <u32>i);
  return ErrorCode.OK;
}
