// Slab and runtime-block records: a slab's header and class tables (slab.ts), and the prefix
// of a runtime block (assembly/runtime).

import { CB_CLASS_INDEX, CB_CLASS_LOGS, CB_CLASS_SIZES, SLAB_LOG } from "./control";

// ── Slabs (slab.ts) ──────────────────────────────────────────────────────────────────────────
//
// A slab is an allocated buddy block, aligned to its size, cut into slots of one size class.
// Its size depends on its class (slabLogOf): 8 KiB for classes up to 1 KiB, 16 and 32 KiB
// from 1 to 4 KiB (8 to 15 slots), then 4 to 7 slots (32, 64 KiB); a power of two's is 15 of its slots and the header (7 of 16 KiB in the
// largest, 128 KiB). Each class is sized to fill its slab (scripts/size-classes.js), so little of a
// slab lies past its last slot (most for a power of two, whose slots are aligned). Its header
// sits in its first bytes (the slots start after it); the control block lists, per class, the
// slabs that have a free slot. The slab bitmap has one bit per SLAB_BYTES (the smallest slab)
// of the span, set only at a slab's first address.
//
// ╒═══════════ Slab header (u32 words) ═══════════╕
//   0 class     size class index (u8), slab log2 size (u8), slot size (u16): the class's
//   4 live      slots in use
//   8 scan      index of the first bitmap word that may have a clear bit (every word below
//               it is full): where takeSlot starts looking
//  12 (unused)  0
//  16 next     20 prev   links of the class's list of slabs with a free slot
//  24 slots     number of slots
//  28 first     offset of slot 0 from the slab start
//  32 bits      one bit per slot, set iff the slot is in use, up to `first`; the bits past
//               the last slot in its word are set
// ╘════════════════════════════════════════════════╛
// Free slots are found in the bitmap, not linked through the slots: taking and freeing a slot
// never read or write its memory (calloc's zeroing, realloc's copy and a runtime slot's
// 4-byte prefix are writes the caller asked for).
// Slot i is at slab + first + i * size. A power-of-two class's slots are aligned to their size
// (first is rounded up to it), every other class's to 16; in a runtime heap (FLAG_RT_SLOTS)
// every slot is at 12 mod 16 (first is 16-aligned plus 12).
//
// Which requests take a slot (slots.ts, slotFor): up to SLAB_MAX bytes. Outside a runtime heap,
// a class whose slab is larger than 8 KiB takes slots only once the heap holds 2^SLAB_HEAP_LOG
// such slabs, and a block before: a heap keeps a partly used slab per class in use, a fixed
// cost that only pays in a heap many times larger. A runtime heap keeps every class in slots: its blocks pay a 16-byte prefix where a
// slot pays 4, and its choice must not change as the heap grows (the runtime chooses the prefix
// before allocating).

// @ts-ignore: decorator
@inline export const SLAB_BYTES: usize = 1 << SLAB_LOG;
/** The largest slab (128 KiB): the 16 KiB class gets 7 slots in it. */
// @ts-ignore: decorator
@inline export const SLAB_TOP_LOG: u32 = 17;
/** The largest request a slot serves. */
// @ts-ignore: decorator
@inline export const SLAB_MAX: usize = 16384;
/** Outside a runtime heap, a class whose slab is 2^k bytes (k > SLAB_LOG) takes slots once the
 *  heap manages 2^(k + SLAB_HEAP_LOG) bytes (see above): 1 MiB for 16 KiB slabs, 8 MiB for
 *  128 KiB ones: larger keeps early blocks in the way of later slabs, smaller costs small heaps
 *  a partly used slab per class. */
// @ts-ignore: decorator
@inline export const SLAB_HEAP_LOG: u32 = 6;
/** Classes: every 16 B up to 128 B, then 160, 192, 224, 256, then eight per doubling up to
 *  4 KiB and five above (the slots per slab allow no more there),
 *  each sized to fill its slab (slab.ts, initClasses; scripts/size-classes.js says why, and
 *  tests/layout.test.js checks that a heap's tables are that script's output). */
// @ts-ignore: decorator
@inline export const SLAB_CLASSES: u32 = 54;
// @ts-ignore: decorator
@inline export const SLAB_HEADER: usize = 32;

/** Steps of the class index: a request of 1..SLAB_MAX bytes falls in step classIndexOf(size). */
// @ts-ignore: decorator
@inline export const CLASS_STEPS: u32 = 209;
/** The step of the class index that a request of 1..SLAB_MAX bytes falls in: 16 B steps up to
 *  1 KiB, 64 B up to 4 KiB, 128 B up to SLAB_MAX (class sizes are multiples of their step). */
// @ts-ignore: decorator
@inline export function classIndexOf(size: usize): usize {
  if (size <= 1024) return (size + 15) >> 4;
  if (size <= 4096) return 64 + ((size - 1024 + 63) >> 6);
  return 112 + ((size - 4096 + 127) >> 7);
}
/** The largest request size in step i of the class index. */
// @ts-ignore: decorator
@inline export function stepTop(i: u32): usize {
  return i <= 64 ? <usize>i << 4 : i <= 112 ? 1024 + (<usize>(i - 64) << 6) : 4096 + (<usize>(i - 112) << 7);
}
/** The class of a request of 1..SLAB_MAX bytes: the smallest whose slots hold it. */
// @ts-ignore: decorator
@inline export function classOf(root: usize, size: usize): u32 {
  return load<u8>(root + CB_CLASS_INDEX + classIndexOf(size));
}
/** The slot size of class c. */
// @ts-ignore: decorator
@inline export function classSize(root: usize, c: u32): usize {
  return load<u16>(root + CB_CLASS_SIZES + (<usize>c << 1));
}
/** log2 of the slab size of class c: 8 KiB up to 1 KiB slots, 2^(b+4) for the slots in
 *  (2^b, 2^(b+1)) from 1 to 4 KiB (8 to 15 slots), then 2^(b+3) (4 to 7 slots), and 2^(b+5) for the power of two 2^(b+1) (15 slots; 128 KiB
 *  at most: 7 slots of 16 KiB). */
// @ts-ignore: decorator
@inline export function slabLogOf(root: usize, c: u32): u32 {
  return load<u8>(root + CB_CLASS_LOGS + <usize>c);
}
// @ts-ignore: decorator
@inline export function setClass(root: usize, c: u32, size: usize, log: u32): void {
  store<u16>(root + CB_CLASS_SIZES + (<usize>c << 1), <u16>size);
  store<u8>(root + CB_CLASS_LOGS + <usize>c, <u8>log);
}
/** The class in step i of the class index. */
// @ts-ignore: decorator
@inline export function classAt(root: usize, i: u32): u32 { return load<u8>(root + CB_CLASS_INDEX + <usize>i); }
// @ts-ignore: decorator
@inline export function setClassAt(root: usize, i: u32, c: u32): void {
  store<u8>(root + CB_CLASS_INDEX + <usize>i, <u8>c);
}

// @ts-ignore: decorator
@inline export function slabClass(s: usize): u32 { return load<u32>(s, 0) & 0xFF; }
/** log2 of the slab's size (a copy of its class's, so that finding a slab needs no root). */
// @ts-ignore: decorator
@inline export function slabLog(s: usize): u32 { return (load<u32>(s, 0) >> 8) & 0xFF; }
/** The slab's slot size (a copy of its class's). */
// @ts-ignore: decorator
@inline export function slabSlotSize(s: usize): usize { return load<u32>(s, 0) >> 16; }
// @ts-ignore: decorator
@inline export function slabLive(s: usize): u32 { return load<u32>(s, 4); }
// @ts-ignore: decorator
@inline export function setSlabLive(s: usize, v: u32): void { store<u32>(s, v, 4); }
// @ts-ignore: decorator
@inline export function slabScan(s: usize): u32 { return load<u32>(s, 8); }
// @ts-ignore: decorator
@inline export function setSlabScan(s: usize, w: u32): void { store<u32>(s, w, 8); }
// @ts-ignore: decorator
@inline export function slabNext(s: usize): usize { return load<u32>(s, 16); }
// @ts-ignore: decorator
@inline export function setSlabNext(s: usize, v: usize): void { store<u32>(s, v, 16); }
// @ts-ignore: decorator
@inline export function slabPrev(s: usize): usize { return load<u32>(s, 20); }
// @ts-ignore: decorator
@inline export function setSlabPrev(s: usize, v: usize): void { store<u32>(s, v, 20); }
// @ts-ignore: decorator
@inline export function slabSlots(s: usize): u32 { return load<u32>(s, 24); }
// @ts-ignore: decorator
@inline export function slabFirst(s: usize): usize { return load<u32>(s, 28); }
/** Writes a new slab's header: its class and geometry, every slot free (the bits past the last
 *  slot set: takeSlot's scan stops only at a slot's), no links. */
export function setSlabHeader(s: usize, c: u32, log: u32, size: usize, slots: u32, first: usize): void {
  memory.fill(s, 0, first);
  store<u32>(s, c | (log << 8) | (<u32>size << 16), 0);
  store<u32>(s, slots, 24);
  store<u32>(s, first, 28);
  if (slots & 31) store<u32>(slabBits(s) + (<usize>(slots >> 5) << 2), slabTailBits(slots));
}
/** The bits past the last of `slots` slots in its bitmap word (set in every slab). */
// @ts-ignore: decorator
@inline export function slabTailBits(slots: u32): u32 { return <u32>0xFFFFFFFF << (slots & 31); }
/** The slab's bitmap of slots in use. */
// @ts-ignore: decorator
@inline export function slabBits(s: usize): usize { return s + SLAB_HEADER; }

// ── Runtime blocks (assembly/runtime) ────────────────────────────────────────────────────────
//
// AssemblyScript's GC and standard library need, for every block the runtime hands out, a
// 16-byte aligned pointer with the usable size ("mmInfo", low 2 bits flags, 0 here) in the u32
// just before it. A runtime heap's slots start at 12 mod 16 (FLAG_RT_SLOTS), so a slot gives
// out slot + 4; a buddy block starts 16-aligned, so it gives out block + 16:
//
// ╒═══════════ Runtime slot (a request up to SLAB_MAX - 4 bytes) ═══════════╕
//    0  mmInfo  u32 = class size - 4, the usable size          (at 12 mod 16)
//    4  ptr ─►  payload (for a GC object: gcInfo, gcInfo2, rtId, rtSize, then data)
// ╘═══════════════════════════════════════════════════════════════════════════╛
// ╒═══════════ Runtime block (larger requests) ═══════════╕
//    0  unused (12 bytes)
//   12  mmInfo  u32 = size(k) - 16, the usable size
//   16  ptr ─►  payload
// ╘═══════════════════════════════════════════════════════╛

/** Bytes between a runtime block's start and the pointer handed out. */
// @ts-ignore: decorator
@inline export const RT_HEADER: usize = 16;
/** Bytes between a runtime slot's start and the pointer handed out. */
// @ts-ignore: decorator
@inline export const RT_SLOT_HEADER: usize = 4;
/** Stores the usable size at ptr - 4, for a slot or a block alike. */
// @ts-ignore: decorator
@inline export function setRtUsable(ptr: usize, v: usize): void { store<u32>(ptr - 4, v); }
// @ts-ignore: decorator
@inline export function rtUsable(ptr: usize): usize { return load<u32>(ptr - 4); }
