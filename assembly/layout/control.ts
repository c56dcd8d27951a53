// The heap's own records: configuration limits, the control block, free blocks, the metadata
// area's bitmaps and orders (the vocabulary is in ../layout.ts).

// ── Configuration limits ─────────────────────────────────────────────────────────────────────

/** Free blocks hold two u32 links, so the minimum block is at least 8 bytes. */
// @ts-ignore: decorator
@inline export const MIN_LOG_LOWEST: u32 = 3;
/** 64 KiB minimum blocks are the largest that make sense (a wasm page). */
// @ts-ignore: decorator
@inline export const MIN_LOG_HIGHEST: u32 = 16;
/** Orders are tracked in a u32 bitmap, and sizes in u32: minLog + maxOrder <= 31. */
// @ts-ignore: decorator
@inline export const MAX_SIZE_LOG: u32 = 31;
/** maxOrder meaning "the largest the minimum block allows" (MAX_SIZE_LOG - minLog): what
 *  BuddyHeap.init's -1 and buddy_init's 0xFFFFFFFF become. */
// @ts-ignore: decorator
@inline export const AUTO_ORDER: u32 = 0xFFFFFFFF;
/** Default minimum block: 16 bytes, wasm32's max_align_t (v128). */
// @ts-ignore: decorator
@inline export const DEFAULT_MIN_LOG: u32 = 4;
/** Default free-list length below which a free skips coalescing (see core.ts, "Deferred coalescing"). */
// @ts-ignore: decorator
@inline export const DEFAULT_DEFER: u32 = 16;
/** Regions are few in practice: adjacent ones merge into one entry. */
// @ts-ignore: decorator
@inline export const MAX_REGIONS: u32 = 16;
/** wasm32 addresses are u32: the last page of a 4 GiB memory is never managed, so that
 *  every region end fits in a u32. */
// @ts-ignore: decorator
@inline export const ADDRESS_LIMIT: usize = 0xFFFF0000;
// @ts-ignore: decorator
@inline export const PAGE_LOG: u32 = 16;
// @ts-ignore: decorator
@inline export const MAX_PAGES: u32 = 65535;
/** "BUDY" in little-endian ASCII: marks an initialised control block. */
// @ts-ignore: decorator
@inline export const MAGIC: u32 = 0x59445542;

// ── Control block ────────────────────────────────────────────────────────────────────────────
//
// The heap is a pointer to this block ("root"), 16-byte aligned, placed at the start of the
// first region it was given and never part of any region. All state lives here or in the
// metadata area, none in globals, so several heaps can coexist and threads can share one.
//
// ╒══════════════════════ Control block (u32 words unless noted) ══════════════════════╕
//   0 magic        4 minLog       8 maxOrder    12 flags
//  16 nonEmpty    20 lastError   24 deferLimit  28 regionCount
//  32 spanLo      36 spanHi      40 capHi       44 metaPtr
//  48 metaSize    52 growPages   56 usedBytes   60 totalBytes
//  64 freeBase    68 checkDetail 72 runCount    76 grownUsed
//  80 u64 counters: allocs, frees, splits, merges, failedAllocs, rejectedFrees, grows,
//                   inPlaceReallocs                                            (80..143)
// 144 heads[32]   first free block of each order, 0 when empty                 (144..271)
// 272 counts[32]  free blocks in each list                                    (272..399)
// 400 splitBase[32] biased base address of each order's split bitmap          (400..527)
// 528 regions[16] (start, end) pairs, sorted by start, never adjacent         (528..655)
// 656 tails[32]   last free block of each order, 0 when empty                  (656..783)
// 784 slabs[54]   first slab of each size class with a free slot, 0 if none    (784..999)
// 1000 slackBytes bytes of slabs not in a live slot (headers and free slots)
// 1004 slabBase   biased base of the slab bitmap (one bit per SLAB_BYTES)
// 1008 dirty      bit k set iff a free of order k skipped merging since the last coalesce()
// 1016 grown[16]  the last 16 blocks that moved by a doubling realloc (realloc.ts, takeRoomy: a
//                 block found here again is a growing vector); a placement hint only: an
//                 entry may name a block freed since                            (1016..1079)
// 1080 grownNext  the entry the next block goes to (round robin)
// 1088 classSizes[54]  u16: the slot size of each size class                    (1088..1195)
// 1196 classLogs[54]   u8: log2 of each class's slab size                        (1196..1249)
// 1250 classIndex[209] u8: the class of each step of request sizes (classIndexOf) (1250..1458)
//                 Written at init (slab.ts, initClasses) by the rule scripts/size-classes.js
//                 states: the C module has no static data to hold them.
// 1464 runs[8]    (start, end) of each live run, runCount of them, unordered: an allocation
//                 made of adjacent blocks (runs.ts)                     (1464..1527)
// 1528 u64 emptyClasses  bit c set when class c kept a slab that became empty (slab.ts,
//                 freeSlot): the classes coalesce() looks at, not all of them  (1528..1535)
// ╘═════════════════════════════════════════════════════════════════════════════════════╛
//   nonEmpty   bit k set iff heads[k] != 0, so the smallest usable order is one ctz away.
//   grownUsed  usedBytes when memory last grew for a block (growth.ts, grow): the step's limit.
//   span       [spanLo, spanHi) covers every region; the metadata has room up to capHi.
//   freeBase / splitBase: base pointers pre-biased by the span start, so that the word holding
//              node n is simply base + (n >> 5) * 4 (see "Bitmaps" below).

// @ts-ignore: decorator
@inline const CB_MAGIC: usize = 0;
// @ts-ignore: decorator
@inline const CB_MIN_LOG: usize = 4;
// @ts-ignore: decorator
@inline const CB_MAX_ORDER: usize = 8;
// @ts-ignore: decorator
@inline const CB_FLAGS: usize = 12;
// @ts-ignore: decorator
@inline const CB_NONEMPTY: usize = 16;
// @ts-ignore: decorator
@inline const CB_LAST_ERROR: usize = 20;
// @ts-ignore: decorator
@inline const CB_DEFER: usize = 24;
// @ts-ignore: decorator
@inline const CB_REGION_COUNT: usize = 28;
// @ts-ignore: decorator
@inline const CB_SPAN_LO: usize = 32;
// @ts-ignore: decorator
@inline const CB_SPAN_HI: usize = 36;
// @ts-ignore: decorator
@inline const CB_CAP_HI: usize = 40;
// @ts-ignore: decorator
@inline const CB_META_PTR: usize = 44;
// @ts-ignore: decorator
@inline const CB_META_SIZE: usize = 48;
// @ts-ignore: decorator
@inline const CB_GROW_PAGES: usize = 52;
// @ts-ignore: decorator
@inline const CB_USED: usize = 56;
// @ts-ignore: decorator
@inline const CB_TOTAL: usize = 60;
// @ts-ignore: decorator
@inline const CB_FREE_BASE: usize = 64;
// @ts-ignore: decorator
@inline const CB_CHECK_DETAIL: usize = 68;
// @ts-ignore: decorator
@inline const CB_RUN_COUNT: usize = 72;
// @ts-ignore: decorator
@inline const CB_GROWN_USED: usize = 76;
// @ts-ignore: decorator
@inline const CB_COUNTERS: usize = 80;
// @ts-ignore: decorator
@inline const CB_HEADS: usize = 144;
// @ts-ignore: decorator
@inline const CB_COUNTS: usize = 272;
// @ts-ignore: decorator
@inline const CB_SPLIT_BASE: usize = 400;
// @ts-ignore: decorator
@inline const CB_REGIONS: usize = 528;
// @ts-ignore: decorator
@inline const CB_TAILS: usize = 656;
// @ts-ignore: decorator
@inline const CB_SLABS: usize = 784;
// @ts-ignore: decorator
@inline const CB_SLACK: usize = 1000;
// @ts-ignore: decorator
@inline const CB_SLAB_BASE: usize = 1004;
// @ts-ignore: decorator
@inline const CB_DIRTY: usize = 1008;
// @ts-ignore: decorator
@inline const CB_GROWN: usize = 1016;
// @ts-ignore: decorator
@inline const CB_GROWN_NEXT: usize = 1080;
// @ts-ignore: decorator
@inline export const CB_CLASS_SIZES: usize = 1088;
// @ts-ignore: decorator
@inline export const CB_CLASS_LOGS: usize = 1196;
// @ts-ignore: decorator
@inline export const CB_CLASS_INDEX: usize = 1250;
// @ts-ignore: decorator
@inline const CB_RUNS: usize = 1464;
// @ts-ignore: decorator
@inline const CB_EMPTY_CLASSES: usize = 1528;
/** A run's blocks are of 2^RUN_MIN_LOG bytes and up (so only such a block's free or lookup
 *  reads the run table), for requests of more than that. */
// @ts-ignore: decorator
@inline export const RUN_MIN_LOG: u32 = 16;
/** Entries of the run table: live runs at most (a large request past them grows memory). */
// @ts-ignore: decorator
@inline export const RUN_SLOTS: u32 = 8;
/** Entries of the grown table (a power of two). */
// @ts-ignore: decorator
@inline export const GROWN_SLOTS: u32 = 16;
/** Size of the control block, a multiple of 16. */
// @ts-ignore: decorator
@inline export const CB_SIZE: usize = 1536;
/** A detached heap's control block (a pool's): it has no slabs, so it ends where the class
 *  tables would begin, and a pool's metadata block does not carry them. */
// @ts-ignore: decorator
@inline export const CB_DETACHED_SIZE: usize = CB_CLASS_SIZES;
/** The control block is 16-byte aligned. */
// @ts-ignore: decorator
@inline export const CB_ALIGN: usize = 16;

/** Counters, in the order they are stored (index into the u64 array at CB_COUNTERS). */
export enum Counter {
  ALLOCS = 0,
  FREES = 1,
  SPLITS = 2,
  MERGES = 3,
  FAILED_ALLOCS = 4,
  REJECTED_FREES = 5,
  GROWS = 6,
  IN_PLACE_REALLOCS = 7,
}
// @ts-ignore: decorator
@inline export const COUNTER_COUNT: u32 = 8;

/** flags bit: the heap grows with memory.grow when it ends at the top of memory. */
// @ts-ignore: decorator
@inline export const FLAG_GROWABLE: u32 = 1;
/** flags bit: free lists lean to low addresses (a freed block above its list's head goes to
 *  the tail), so allocations gather low and high blocks stay whole. Off: LIFO lists, as
 *  buddy_pool's (BuddyPool keeps them). */
// @ts-ignore: decorator
@inline export const FLAG_LOW_FIRST: u32 = 2;
/** flags bit: size classes (slab.ts): requests up to SLAB_MAX bytes take a slot of their
 *  class in a slab, a block of slots of one size; the slab bitmap marks slabs. */
// @ts-ignore: decorator
@inline export const FLAG_SLABS: u32 = 8;
/** flags bit: a runtime heap's slots (assembly/runtime/mm.ts): they start 12 bytes past a
 *  16-byte boundary, so that the runtime's pointer, 4 bytes in, is 16-aligned with the usable
 *  size just before it: a GC object in a slot pays 4 bytes, as under TLSF, not 16. Such slots
 *  are aligned to 4 only. */
// @ts-ignore: decorator
@inline export const FLAG_RT_SLOTS: u32 = 16;
/** flags bit: runs (runs.ts): a large request that no free block holds takes adjacent
 *  free blocks of 64 KiB and up, before the heap grows or fails. */
// @ts-ignore: decorator
@inline export const FLAG_RUNS: u32 = 32;
/** flags bit: slots from the smallest class (16 B) whatever the minimum block, which then sets
 *  only the buddy's granule (blocks, and the metadata: two bits per minimum block). The C
 *  module's own heap (abi/module.ts) has it with 64-byte minimum blocks; without it a slot is
 *  never smaller than the minimum block a heap was configured with. */
// @ts-ignore: decorator
@inline export const FLAG_FINE_SLOTS: u32 = 64;
/** What init gives a heap unless asked for the textbook buddy (power-of-two blocks only, LIFO
 *  lists) or, in the threads build, whose per-instance caches hold whole blocks, no slabs. */
// @ts-ignore: decorator
@inline export const DEFAULT_FEATURES: u32 = FLAG_LOW_FIRST | FLAG_SLABS | FLAG_RUNS;

// @ts-ignore: decorator
@inline export function getMagic(root: usize): u32 { return load<u32>(root, CB_MAGIC); }
// @ts-ignore: decorator
@inline export function setMagic(root: usize, v: u32): void { store<u32>(root, v, CB_MAGIC); }
// @ts-ignore: decorator
@inline export function getMinLog(root: usize): u32 { return load<u32>(root, CB_MIN_LOG); }
// @ts-ignore: decorator
@inline export function setMinLog(root: usize, v: u32): void { store<u32>(root, v, CB_MIN_LOG); }
// @ts-ignore: decorator
@inline export function getMaxOrder(root: usize): u32 { return load<u32>(root, CB_MAX_ORDER); }
// @ts-ignore: decorator
@inline export function setMaxOrder(root: usize, v: u32): void { store<u32>(root, v, CB_MAX_ORDER); }
// @ts-ignore: decorator
@inline export function getFlags(root: usize): u32 { return load<u32>(root, CB_FLAGS); }
// @ts-ignore: decorator
@inline export function setFlags(root: usize, v: u32): void { store<u32>(root, v, CB_FLAGS); }
// @ts-ignore: decorator
@inline export function getNonEmpty(root: usize): u32 { return load<u32>(root, CB_NONEMPTY); }
// @ts-ignore: decorator
@inline export function setNonEmpty(root: usize, v: u32): void { store<u32>(root, v, CB_NONEMPTY); }
// @ts-ignore: decorator
@inline export function getLastError(root: usize): u32 { return load<u32>(root, CB_LAST_ERROR); }
// @ts-ignore: decorator
@inline export function setLastError(root: usize, v: u32): void { store<u32>(root, v, CB_LAST_ERROR); }
// @ts-ignore: decorator
@inline export function getDefer(root: usize): u32 { return load<u32>(root, CB_DEFER); }
// @ts-ignore: decorator
@inline export function setDefer(root: usize, v: u32): void { store<u32>(root, v, CB_DEFER); }
// @ts-ignore: decorator
@inline export function getRegionCount(root: usize): u32 { return load<u32>(root, CB_REGION_COUNT); }
// @ts-ignore: decorator
@inline export function setRegionCount(root: usize, v: u32): void { store<u32>(root, v, CB_REGION_COUNT); }
// @ts-ignore: decorator
@inline export function getSpanLo(root: usize): usize { return load<u32>(root, CB_SPAN_LO); }
// @ts-ignore: decorator
@inline export function setSpanLo(root: usize, v: usize): void { store<u32>(root, v, CB_SPAN_LO); }
// @ts-ignore: decorator
@inline export function getSpanHi(root: usize): usize { return load<u32>(root, CB_SPAN_HI); }
// @ts-ignore: decorator
@inline export function setSpanHi(root: usize, v: usize): void { store<u32>(root, v, CB_SPAN_HI); }
// @ts-ignore: decorator
@inline export function getCapHi(root: usize): usize { return load<u32>(root, CB_CAP_HI); }
// @ts-ignore: decorator
@inline export function setCapHi(root: usize, v: usize): void { store<u32>(root, v, CB_CAP_HI); }
// @ts-ignore: decorator
@inline export function getMetaPtr(root: usize): usize { return load<u32>(root, CB_META_PTR); }
// @ts-ignore: decorator
@inline export function setMetaPtr(root: usize, v: usize): void { store<u32>(root, v, CB_META_PTR); }
// @ts-ignore: decorator
@inline export function getMetaSize(root: usize): usize { return load<u32>(root, CB_META_SIZE); }
// @ts-ignore: decorator
@inline export function setMetaSize(root: usize, v: usize): void { store<u32>(root, v, CB_META_SIZE); }
// @ts-ignore: decorator
@inline export function getGrowPages(root: usize): u32 { return load<u32>(root, CB_GROW_PAGES); }
// @ts-ignore: decorator
@inline export function setGrowPages(root: usize, v: u32): void { store<u32>(root, v, CB_GROW_PAGES); }
// @ts-ignore: decorator
@inline export function getUsed(root: usize): usize { return load<u32>(root, CB_USED); }
// @ts-ignore: decorator
@inline export function setUsed(root: usize, v: usize): void { store<u32>(root, v, CB_USED); }
// @ts-ignore: decorator
@inline export function getTotal(root: usize): usize { return load<u32>(root, CB_TOTAL); }
// @ts-ignore: decorator
@inline export function setTotal(root: usize, v: usize): void { store<u32>(root, v, CB_TOTAL); }
// @ts-ignore: decorator
@inline export function getFreeBase(root: usize): usize { return load<u32>(root, CB_FREE_BASE); }
// @ts-ignore: decorator
@inline export function setFreeBase(root: usize, v: usize): void { store<u32>(root, v, CB_FREE_BASE); }
// @ts-ignore: decorator
@inline export function getSlabHead(root: usize, c: u32): usize { return load<u32>(root + (<usize>c << 2), CB_SLABS); }
// @ts-ignore: decorator
@inline export function setSlabHead(root: usize, c: u32, v: usize): void { store<u32>(root + (<usize>c << 2), v, CB_SLABS); }
// @ts-ignore: decorator
@inline export function getSlack(root: usize): usize { return load<u32>(root, CB_SLACK); }
// @ts-ignore: decorator
@inline export function setSlack(root: usize, v: usize): void { store<u32>(root, v, CB_SLACK); }
// @ts-ignore: decorator
@inline export function getDirty(root: usize): u32 { return load<u32>(root, CB_DIRTY); }
// @ts-ignore: decorator
@inline export function getEmptyClasses(root: usize): u64 { return load<u64>(root, CB_EMPTY_CLASSES); }
// @ts-ignore: decorator
@inline export function setEmptyClasses(root: usize, v: u64): void { store<u64>(root, v, CB_EMPTY_CLASSES); }
// @ts-ignore: decorator
@inline export function getGrownUsed(root: usize): usize { return load<u32>(root, CB_GROWN_USED); }
// @ts-ignore: decorator
@inline export function setGrownUsed(root: usize, v: usize): void { store<u32>(root, v, CB_GROWN_USED); }
// @ts-ignore: decorator
@inline export function setDirty(root: usize, v: u32): void { store<u32>(root, v, CB_DIRTY); }
/** The grown table's entry that holds p, or 0 (p != 0). Called only by a moving realloc. */
export function grownEntry(root: usize, p: usize): usize {
  for (let i: u32 = 0; i < GROWN_SLOTS; ++i) {
    let at = root + CB_GROWN + (<usize>i << 2);
    if (load<u32>(at) == <u32>p) return at;
  }
  return 0;
}
/** Records that the block at q moved there by a doubling realloc from p: in p's entry if p
 *  was recorded, else in the oldest entry. */
export function setGrown(root: usize, p: usize, q: usize): void {
  let at = grownEntry(root, p);
  if (!at) {
    let i = load<u32>(root, CB_GROWN_NEXT) & (GROWN_SLOTS - 1); // in the table, whatever it holds
    store<u32>(root, (i + 1) & (GROWN_SLOTS - 1), CB_GROWN_NEXT);
    at = root + CB_GROWN + (<usize>i << 2);
  }
  store<u32>(at, <u32>q);
}
// @ts-ignore: decorator
@inline export function getRunCount(root: usize): u32 { return load<u32>(root, CB_RUN_COUNT); }
// @ts-ignore: decorator
@inline export function setRunCount(root: usize, v: u32): void { store<u32>(root, v, CB_RUN_COUNT); }
// @ts-ignore: decorator
@inline export function getRunStart(root: usize, i: u32): usize { return load<u32>(root + (<usize>i << 3), CB_RUNS); }
// @ts-ignore: decorator
@inline export function getRunEnd(root: usize, i: u32): usize { return load<u32>(root + (<usize>i << 3), CB_RUNS + 4); }
// @ts-ignore: decorator
@inline export function setRun(root: usize, i: u32, start: usize, end: usize): void {
  store<u32>(root + (<usize>i << 3), <u32>start, CB_RUNS);
  store<u32>(root + (<usize>i << 3), <u32>end, CB_RUNS + 4);
}
// @ts-ignore: decorator
@inline export function getSlabBase(root: usize): usize { return load<u32>(root, CB_SLAB_BASE); }
// @ts-ignore: decorator
@inline export function setSlabBase(root: usize, v: usize): void { store<u32>(root, v, CB_SLAB_BASE); }
// @ts-ignore: decorator
@inline export function getCheckDetail(root: usize): u32 { return load<u32>(root, CB_CHECK_DETAIL); }
// @ts-ignore: decorator
@inline export function setCheckDetail(root: usize, v: u32): void { store<u32>(root, v, CB_CHECK_DETAIL); }

// @ts-ignore: decorator
@inline export function getCounter(root: usize, c: u32): u64 { return load<u64>(root + (<usize>c << 3), CB_COUNTERS); }
// @ts-ignore: decorator
@inline export function bumpCounter(root: usize, c: u32): void {
  let p = root + (<usize>c << 3);
  store<u64>(p, load<u64>(p, CB_COUNTERS) + 1, CB_COUNTERS);
}
/** Takes back one count of counter c (a call that is the bindings' own bookkeeping, not the
 *  program's: api.ts buddy_scratch). */
// @ts-ignore: decorator
@inline export function unbumpCounter(root: usize, c: u32): void {
  let p = root + (<usize>c << 3);
  store<u64>(p, load<u64>(p, CB_COUNTERS) - 1, CB_COUNTERS);
}

// @ts-ignore: decorator
@inline export function getHead(root: usize, k: u32): usize { return load<u32>(root + (<usize>k << 2), CB_HEADS); }
// @ts-ignore: decorator
@inline export function setHead(root: usize, k: u32, v: usize): void { store<u32>(root + (<usize>k << 2), v, CB_HEADS); }
// @ts-ignore: decorator
@inline export function getTail(root: usize, k: u32): usize { return load<u32>(root + (<usize>k << 2), CB_TAILS); }
// @ts-ignore: decorator
@inline export function setTail(root: usize, k: u32, v: usize): void { store<u32>(root + (<usize>k << 2), v, CB_TAILS); }
// @ts-ignore: decorator
@inline export function getCount(root: usize, k: u32): u32 { return load<u32>(root + (<usize>k << 2), CB_COUNTS); }
// @ts-ignore: decorator
@inline export function setCount(root: usize, k: u32, v: u32): void { store<u32>(root + (<usize>k << 2), v, CB_COUNTS); }
// @ts-ignore: decorator
@inline export function getSplitBase(root: usize, k: u32): usize { return load<u32>(root + (<usize>k << 2), CB_SPLIT_BASE); }
// @ts-ignore: decorator
@inline export function setSplitBase(root: usize, k: u32, v: usize): void { store<u32>(root + (<usize>k << 2), v, CB_SPLIT_BASE); }
// @ts-ignore: decorator
@inline export function getRegionStart(root: usize, i: u32): usize { return load<u32>(root + (<usize>i << 3), CB_REGIONS); }
// @ts-ignore: decorator
@inline export function getRegionEnd(root: usize, i: u32): usize { return load<u32>(root + (<usize>i << 3), CB_REGIONS + 4); }
// @ts-ignore: decorator
@inline export function setRegion(root: usize, i: u32, start: usize, end: usize): void {
  let p = root + (<usize>i << 3);
  store<u32>(p, start, CB_REGIONS);
  store<u32>(p, end, CB_REGIONS + 4);
}

// ── Free blocks ──────────────────────────────────────────────────────────────────────────────
//
// A free block carries its list links in its first 8 bytes; an allocated block carries nothing
// (no header: a 4 KiB request takes exactly a 4 KiB block aligned to 4 KiB).
//
// ╒═══════════ Free block ═══════════╕
//   0 next   u32, 0 ends the list
//   4 prev   u32, 0 at the list head
//   8 ...    unused up to size(k)
// ╘══════════════════════════════════╛
//
// Threads build: a block in an instance's cache (abi/cache.ts) is allocated as far as the heap
// knows, and its word at offset 4 holds the cache's tag (CACHE_TAG_AT, the address xor a key),
// which marks it cached; it is cleared when the cache hands the block out, and a free list's
// prev link overwrites it once the block is free in the heap again.

/** Where a cached block's tag sits (threads build): the word of a free block's prev link. */
// @ts-ignore: decorator
@inline export const CACHE_TAG_AT: usize = 4;

// @ts-ignore: decorator
@inline export function getNext(block: usize): usize { return load<u32>(block, 0); }
// @ts-ignore: decorator
@inline export function setNext(block: usize, v: usize): void { store<u32>(block, v, 0); }
// @ts-ignore: decorator
@inline export function getPrev(block: usize): usize { return load<u32>(block, 4); }
// @ts-ignore: decorator
@inline export function setPrev(block: usize, v: usize): void { store<u32>(block, v, 4); }

// ── Bitmaps (the metadata area) ───────────────────────────────────────────────────────────────
//
// Three kinds of bits, all indexed by absolute address, so they need no per-region offsets
// and a block's buddy across a region seam is found like any other:
//   free bit   one per unit: set iff a free block starts at that unit.
//   split bit  one per node of orders 1..maxOrder: set iff the node is split into two children.
//   slab bit   one per SLAB_BYTES of address space, heaps with slabs only (FLAG_SLABS): set iff
//              an allocated block starting there is a slab (slab.ts; its header says its size).
// A node is a leaf iff it is not split and its parent is (or it is a top node); a leaf is free
// iff its free bit is set, otherwise it is allocated (or a phantom, outside every region).
// Cost: units + units/2 + units/4 + ... = 2 bits per unit, 1/64 of the span with 16-byte units
// (and one bit per 8 KiB for slabs).
//
// ╒═══════════ Metadata area (u32 words) ═══════════╕
//   free bits     words for orders 0 (units)
//   split bits 1  words for order-1 nodes
//   split bits 2  ...
//   split bits M  words for top nodes (maxOrder)
//   slab bits     words for SLAB_BYTES granules (heaps with slabs only)
// ╘═════════════════════════════════════════════════╛
// Each order's words cover [spanLo, capHi). Word w of order k holds nodes 32w .. 32w+31; the
// first word is the one holding node spanLo >> (minLog + k). The base stored in the control block
// is biased by that first word, so the word of node n is at base + (n >> 5 << 2) with no
// subtraction (u32 arithmetic wraps, the sum is exact).

/** Bytes of bitmap words order k needs to cover [lo, hi) (hi > lo). */
// @ts-ignore: decorator
@inline export function bitmapBytes(lo: usize, hi: usize, shift: u32): usize {
  return ((((hi - 1) >> shift) >> 5) - ((lo >> shift) >> 5) + 1) << 2;
}

/** The smallest slab, 8 KiB, and the granule of the slab bitmap (one bit per 8 KiB of span). A
 *  heap with slabs holds at least one slab per class in use, so the smallest is kept small. */
// @ts-ignore: decorator
@inline export const SLAB_LOG: u32 = 13;

/** Bytes of the whole metadata area that covers [lo, hi), with the bitmaps `flags` asks for. */
export function metadataBytes(lo: usize, hi: usize, minLog: u32, maxOrder: u32, flags: u32): usize {
  let bytes: usize = flags & FLAG_SLABS ? bitmapBytes(lo, hi, SLAB_LOG) : 0;
  for (let k: u32 = 0; k <= maxOrder; ++k) bytes += bitmapBytes(lo, hi, minLog + k);
  return bytes;
}

/** Biased base pointer for a bitmap of shift `shift` that starts at `at` and covers from `lo`. */
// @ts-ignore: decorator
@inline export function biasedBase(at: usize, lo: usize, shift: u32): usize {
  return at - (((lo >> shift) >> 5) << 2);
}

// @ts-ignore: decorator
@inline export function testBit(base: usize, n: usize): bool {
  return ((load<u32>(base + ((n >> 5) << 2)) >>> <u32>(n & 31)) & 1) != 0;
}
// @ts-ignore: decorator
@inline export function setBit(base: usize, n: usize): void {
  let w = base + ((n >> 5) << 2);
  store<u32>(w, load<u32>(w) | (<u32>1 << <u32>(n & 31)));
}
// @ts-ignore: decorator
@inline export function clearBit(base: usize, n: usize): void {
  let w = base + ((n >> 5) << 2);
  store<u32>(w, load<u32>(w) & ~(<u32>1 << <u32>(n & 31)));
}

// ── Orders ───────────────────────────────────────────────────────────────────────────────────

/** The order of the smallest block that holds `size` bytes (size >= 1). With MIN = 16:
 *  1..16 -> 0, 17..32 -> 1, 4096 -> 8. */
// @ts-ignore: decorator
@inline export function orderOf(size: usize, minLog: u32): u32 {
  let bits = <u32>(32 - clz<u32>(<u32>(size - 1))); // ceil(log2(size)), 0 for size 1
  return bits > minLog ? bits - minLog : 0;
}
/** Debug builds (no --noAssert) assert internal invariants; release builds compile them out. */
// @ts-ignore: decorator
@inline export const DEBUG: bool = !ASC_NO_ASSERT;

/** The size of a block of order k: 16 << k with 16-byte minimum blocks. */
// @ts-ignore: decorator
@inline export function sizeOf(k: u32, minLog: u32): usize { return <usize>1 << (minLog + k); }
/** The buddy of the block at p of order k: 0x1040 <-> 0x1000 at order 2 (64 B). */
// @ts-ignore: decorator
@inline export function buddyOf(p: usize, k: u32, minLog: u32): usize {
  return p ^ sizeOf(k, minLog);
}
