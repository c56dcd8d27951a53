// as-buddy memory layout: every constant, diagram and raw accessor of the allocator lives here.
// No other file calls load/store with a literal offset.
//
// Vocabulary
//   unit       the minimum block, MIN = 1 << minLog bytes (16 by default: wasm32's max_align_t).
//   order k    a block of order k is MIN << k bytes and starts at an address that is a multiple
//              of its size (natural alignment, in absolute linear-memory addresses).
//   node       the slot (k, p) of the implicit buddy tree: the aligned range [p, p + size(k)).
//   leaf       a node that is a block: it is not split, and its parent is (or it is a top node).
//   top node   a node of the maximum order; it has no parent and is never merged further.
//   phantom    a leaf outside every region: never free, never handed out, only there so that
//              the tree of a partly covered top node is well formed.
//
// ╒═══════════════════ Buddy tree cheat-sheet (addresses, MIN = 16) ═══════════════════╕
//   size(k)        = MIN << k                      order 2 = 64 bytes
//   buddyOf(p, k)  = p ^ size(k)                   buddy of 0x1040 at order 2 is 0x1000,
//                                                   and of 0x1000 it is 0x1040
//   parent(p, k)   = p & ~size(k)                  the order-3 parent of both is 0x1000
//   node index     = p >> (minLog + k)             0x1040 at order 2 is node 65
// ╘═════════════════════════════════════════════════════════════════════════════════════╛

import { ErrorCode } from "./errors";

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
/** Default free-list length below which a free skips coalescing (see heap.ts, "Deferred coalescing"). */
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
// metadata run, none in globals, so several heaps can coexist and threads can share one.
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
// 1016 grown[16]  the last 16 blocks that moved by a doubling realloc (heap.ts, takeRoomy: a
//                 block found here again is a growing vector); a placement hint only: an
//                 entry may name a block freed since                            (1016..1079)
// 1080 grownNext  the entry the next block goes to (round robin)
// 1088 classSizes[54]  u16: the slot size of each size class                    (1088..1195)
// 1196 classLogs[54]   u8: log2 of each class's slab size                        (1196..1249)
// 1250 classIndex[209] u8: the class of each step of request sizes (classIndexOf) (1250..1458)
//                 Written at init (slab.ts, initClasses) by the rule scripts/size-classes.js
//                 states: the C module has no static data to hold them.
// 1464 runs[8]    (start, end) of each live run, runCount of them, unordered: an allocation
//                 made of adjacent blocks (heap.ts, "Runs")                     (1464..1527)
// 1528 u64 emptyClasses  bit c set when class c kept a slab that became empty (slab.ts,
//                 freeSlot): the classes coalesce() looks at, not all of them  (1528..1535)
// ╘═════════════════════════════════════════════════════════════════════════════════════╛
//   nonEmpty   bit k set iff heads[k] != 0, so the smallest usable order is one ctz away.
//   grownUsed  usedBytes when memory last grew for a block (heap.ts, grow): the step's limit.
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
@inline const CB_CLASS_SIZES: usize = 1088;
// @ts-ignore: decorator
@inline const CB_CLASS_LOGS: usize = 1196;
// @ts-ignore: decorator
@inline const CB_CLASS_INDEX: usize = 1250;
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
/** flags bit: runs (heap.ts, "Runs"): a large request that no free block holds takes adjacent
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

// ── Bitmaps (the metadata run) ───────────────────────────────────────────────────────────────
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
// ╒═══════════ Metadata run (u32 words) ═══════════╕
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

/** Bytes of the whole metadata run that covers [lo, hi), with the bitmaps `flags` asks for. */
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

// ── Slabs (slab.ts) ──────────────────────────────────────────────────────────────────────────
//
// A slab is an allocated buddy block, aligned to its size, cut into slots of one size class.
// Its size depends on its class (slabLogOf): 8 KiB for classes up to 1 KiB, 16 and 32 KiB
// from 1 to 4 KiB (8 to 15 slots), then 4 to 7 slots (32, 64 KiB); a power of two's is 15 of its slots and the header (7 of 16 KiB in the
// largest, 128 KiB). Each class is sized to fill its slab (scripts/size-classes.js): at most
// 4% of a slab lies past its last slot, 6.3% for a power of two, 12.5% for 16 KiB. Its header
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
// Which requests take a slot (heap.ts, slotFor): up to SLAB_MAX bytes. Outside a runtime heap,
// a class whose slab is larger than 8 KiB takes slots only once the heap holds 2^SLAB_HEAP_LOG
// such slabs, and a block before: a heap keeps a partly used slab per class in use, a fixed
// cost that only pays in a heap many times larger (the powerlaw workload, 2 MiB, has a few
// live blocks in each class from 2 to 16 KiB, and lost a fifth of its efficiency to their
// slabs). A runtime heap keeps every class in slots: its blocks pay a 16-byte prefix where a
// slot pays 4, and its choice must not change as the heap grows (the runtime chooses the prefix
// before allocating).

/** The smallest slab (8 KiB), and the granule of the slab bitmap. Measured against 64 and 16
 *  KiB for every class: a slab per class in use is the least a heap holds, and 24 classes of
 *  64 KiB slabs took 1.5 MiB in a 2.5 MiB heap (powerlaw: 34% against 46% efficiency). */
// @ts-ignore: decorator
@inline export const SLAB_LOG: u32 = 13;
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
 *  128 KiB ones. Measured with scripts/bench/efficiency.js, 3 seeds: 2^8 kept churn at 68%
 *  efficiency (its first blocks, taken while the heap was small, were in the way of the
 *  slabs), 2^5 took powerlaw from 54% to 49%; 2^6 gives 78% and 54%. */
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

// ── Shared heaps (threads build) ─────────────────────────────────────────────────────────────
//
// With --enable threads, every instance on one shared memory finds the heap at the same place:
// __heap_base is the same for all instances of one module, and nothing lives in static data
// (which each instantiation rewrites). The first 16 bytes above __heap_base hold the words the
// instances coordinate with; the control block follows.
//
// ╒═══════════ Shared header at __heap_base (u32 words) ═══════════╕
//   0  state   0 = not set up, 1 = being set up, 2 = ready, 3 = setup failed
//   4  lock    0 = free, 1 = held, 2 = held with waiters (futex protocol)
//   8  error   the ErrorCode of a failed setup
//  12  seq     threads build with caches: odd while a locked call changes the heap
//  16  control block
// ╘═════════════════════════════════════════════════════════════════╛

// @ts-ignore: decorator
@inline export const SHARED_HEADER: usize = 16;
// @ts-ignore: decorator
@inline export const SHARED_STATE: usize = 0;
// @ts-ignore: decorator
@inline export const SHARED_LOCK: usize = 4;
// @ts-ignore: decorator
@inline export const SHARED_ERROR: usize = 8;
// @ts-ignore: decorator
@inline export const SHARED_SEQ: usize = 12;

// ── Statistics record ────────────────────────────────────────────────────────────────────────
//
// What statsInto() writes, and what the C module's buddy_stats() points at (bindings read it).
// ╒══════════════════════════ Statistics (STATS_SIZE = 240 bytes) ═══════════════════════════╕
//   0 totalBytes     4 usedBytes      8 freeBytes     12 metaBytes       (u32, bytes)
//  16 largestFree   20 minBlock      24 maxOrder      28 regionCount
//  32 u64 counters in Counter order: allocs, frees, splits, merges, failedAllocs,
//     rejectedFrees, grows, inPlaceReallocs                                   (32..95)
//  96 freeBlocks[32] u32: free blocks of each order                           (96..223)
// 224 slackBytes    u32: bytes in slabs that no live slot holds (headers, free slots)
// 228 (reserved, 12 bytes)
// ╘═══════════════════════════════════════════════════════════════════════════════════════════╛
//   totalBytes = usedBytes + freeBytes + metaBytes + slackBytes (check() verifies it).

// @ts-ignore: decorator
@inline export const STATS_SIZE: usize = 240;
/** Index of slackBytes for setStat/getStat. */
// @ts-ignore: decorator
@inline export const ST_SLACK: u32 = 56;
// @ts-ignore: decorator
@inline const ST_COUNTERS: usize = 32;
// @ts-ignore: decorator
@inline const ST_FREE_BLOCKS: usize = 96;

// @ts-ignore: decorator
@inline export function setStat(out: usize, i: u32, v: usize): void { store<u32>(out + (<usize>i << 2), v); }
// @ts-ignore: decorator
@inline export function getStat(out: usize, i: u32): usize { return load<u32>(out + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline export function setStat64(out: usize, c: u32, v: u64): void { store<u64>(out + (<usize>c << 3), v, ST_COUNTERS); }
// @ts-ignore: decorator
@inline export function getStat64(out: usize, c: u32): u64 { return load<u64>(out + (<usize>c << 3), ST_COUNTERS); }
// @ts-ignore: decorator
@inline export function setStatFree(out: usize, k: u32, v: u32): void { store<u32>(out + (<usize>k << 2), v, ST_FREE_BLOCKS); }
// @ts-ignore: decorator
@inline export function getStatFree(out: usize, k: u32): u32 { return load<u32>(out + (<usize>k << 2), ST_FREE_BLOCKS); }

/** Re-exported so entry files need only this module for layout and codes. */
export { ErrorCode };

// ── Pools (pool.ts) ──────────────────────────────────────────────────────────────────────────
//
// A BuddyPool manages a range [base, base + size) it never reads or writes, counted in units of
// its minimum block (minBuddy, a power of two). Its metadata, all in linear memory and taken from
// a BuddyHeap, is two blocks:
//   shadow   16 bytes per unit. Unit u of the pool is shadow + 16u, and the pool's buddy tree is
//            a detached heap (heap.ts, initDetached) over the shadow with 16-byte minimum
//            blocks: a pool block of order k is the shadow block of order k, so the same code
//            splits, merges and checks both. A free block's links sit in its first shadow unit.
//   header   the pool header below, then the detached heap's control block, then its bitmaps.
// The pool pointer is the header's address.
//
// ╒═══════════ Shadow unit (16 bytes, one per minimum block of the pool) ═══════════╕
//   0 next   4 prev     list links while a free block starts here (heap.ts "Free blocks")
//   8 gen    u32        generation: bumped by every free of a block starting here
//  12 (spare)
// ╘══════════════════════════════════════════════════════════════════════════════════╛
//
// ╒═════════════════════ Pool header (POOL_HEADER = 912 bytes) ═════════════════════╕
//   0 magic "POOL"   4 minBuddyLog   8 units       12 maxOrder (effective)
//  16 shadow         20 heap (where the metadata came from)   24 metaBytes  28 tag (1..255, in handles)
//  32 u64 base       40 u64 size     48 u64 minAlloc   56 u64 maxAlloc  64 u64 maxBuddy
//  72 (reserved)
//  80 u64 counters in PoolCounter order                                   (80..143)
// 144 u64 enqueues[32]   per free list (order)                           (144..399)
// 400 u64 dequeues[32]   blocks taken from a list's head by alloc       (400..655)
// 656 u64 removes[32]    blocks unlinked from a list to merge           (656..911)
// 912 control block of the detached heap (CB_DETACHED_SIZE), then its bitmaps
// ╘═════════════════════════════════════════════════════════════════════════════════╛

/** 16-byte shadow units: log2 of the detached heap's minimum block. */
// @ts-ignore: decorator
@inline export const SHADOW_LOG: u32 = 4;
/** "POOL" in little-endian ASCII. */
// @ts-ignore: decorator
@inline export const POOL_MAGIC: u32 = 0x4C4F4F50;
// @ts-ignore: decorator
@inline export const POOL_HEADER: usize = 912;

// @ts-ignore: decorator
@inline const PH_MAGIC: usize = 0;
// @ts-ignore: decorator
@inline const PH_MIN_LOG: usize = 4;
// @ts-ignore: decorator
@inline const PH_UNITS: usize = 8;
// @ts-ignore: decorator
@inline const PH_MAX_ORDER: usize = 12;
// @ts-ignore: decorator
@inline const PH_SHADOW: usize = 16;
// @ts-ignore: decorator
@inline const PH_HEAP: usize = 20;
// @ts-ignore: decorator
@inline const PH_META_BYTES: usize = 24;
// @ts-ignore: decorator
@inline const PH_TAG: usize = 28;
// @ts-ignore: decorator
@inline const PH_BASE: usize = 32;
// @ts-ignore: decorator
@inline const PH_SIZE: usize = 40;
// @ts-ignore: decorator
@inline const PH_MIN_ALLOC: usize = 48;
// @ts-ignore: decorator
@inline const PH_MAX_ALLOC: usize = 56;
// @ts-ignore: decorator
@inline const PH_MAX_BUDDY: usize = 64;
// @ts-ignore: decorator
@inline const PH_COUNTERS: usize = 80;
// @ts-ignore: decorator
@inline const PH_ENQUEUES: usize = 144;
// @ts-ignore: decorator
@inline const PH_DEQUEUES: usize = 400;
// @ts-ignore: decorator
@inline const PH_REMOVES: usize = 656;

/** Pool counters, in the order they are stored. */
export enum PoolCounter {
  ALLOCS = 0,
  FREES = 1,
  OUT_OF_MEMORY = 2,
  FREEING_FREE = 3,
  INVALID_ADDRESSES = 4,
  OVERSIZE = 5,
  UNDERSIZE = 6,
  STALE_HANDLES = 7,
}
// @ts-ignore: decorator
@inline export const POOL_COUNTER_COUNT: u32 = 8;
/** Per-list statistics, in the order of the header arrays. */
export enum ListStat { ENQUEUES = 0, DEQUEUES = 1, REMOVES = 2 }

// @ts-ignore: decorator
@inline export function poolMagic(pool: usize): u32 { return load<u32>(pool, PH_MAGIC); }
// @ts-ignore: decorator
@inline export function setPoolMagic(pool: usize, v: u32): void { store<u32>(pool, v, PH_MAGIC); }
// @ts-ignore: decorator
@inline export function poolMinLog(pool: usize): u32 { return load<u32>(pool, PH_MIN_LOG); }
// @ts-ignore: decorator
@inline export function poolUnits(pool: usize): u32 { return load<u32>(pool, PH_UNITS); }
// @ts-ignore: decorator
@inline export function poolMaxOrder(pool: usize): u32 { return load<u32>(pool, PH_MAX_ORDER); }
// @ts-ignore: decorator
@inline export function poolShadow(pool: usize): usize { return load<u32>(pool, PH_SHADOW); }
// @ts-ignore: decorator
@inline export function poolHeap(pool: usize): usize { return load<u32>(pool, PH_HEAP); }
// @ts-ignore: decorator
@inline export function poolMetaBytes(pool: usize): usize { return load<u32>(pool, PH_META_BYTES); }
// @ts-ignore: decorator
@inline export function poolBase(pool: usize): u64 { return load<u64>(pool, PH_BASE); }
// @ts-ignore: decorator
@inline export function poolSize(pool: usize): u64 { return load<u64>(pool, PH_SIZE); }
// @ts-ignore: decorator
@inline export function poolMinAlloc(pool: usize): u64 { return load<u64>(pool, PH_MIN_ALLOC); }
// @ts-ignore: decorator
@inline export function poolMaxAlloc(pool: usize): u64 { return load<u64>(pool, PH_MAX_ALLOC); }
// @ts-ignore: decorator
@inline export function poolTag(pool: usize): u32 { return load<u32>(pool, PH_TAG); }
// @ts-ignore: decorator
@inline export function setPoolTag(pool: usize, tag: u32): void { store<u32>(pool, tag, PH_TAG); }
/** The detached heap's control block. */
// @ts-ignore: decorator
@inline export function poolTree(pool: usize): usize { return pool + POOL_HEADER; }

/** Writes every configuration field of a new pool header (the rest must be zero). */
export function setPoolHeader(
  pool: usize, minLog: u32, units: u32, maxOrder: u32, shadow: usize, heap: usize, metaBytes: usize,
  base: u64, size: u64, minAlloc: u64, maxAlloc: u64, maxBuddy: u64,
): void {
  store<u32>(pool, minLog, PH_MIN_LOG);
  store<u32>(pool, units, PH_UNITS);
  store<u32>(pool, maxOrder, PH_MAX_ORDER);
  store<u32>(pool, shadow, PH_SHADOW);
  store<u32>(pool, heap, PH_HEAP);
  store<u32>(pool, metaBytes, PH_META_BYTES);
  store<u64>(pool, base, PH_BASE);
  store<u64>(pool, size, PH_SIZE);
  store<u64>(pool, minAlloc, PH_MIN_ALLOC);
  store<u64>(pool, maxAlloc, PH_MAX_ALLOC);
  store<u64>(pool, maxBuddy, PH_MAX_BUDDY);
  store<u32>(pool, POOL_MAGIC, PH_MAGIC);
}

// @ts-ignore: decorator
@inline export function poolCounter(pool: usize, c: u32): u64 { return load<u64>(pool + (<usize>c << 3), PH_COUNTERS); }
// @ts-ignore: decorator
@inline export function bumpPoolCounter(pool: usize, c: u32): void {
  let p = pool + (<usize>c << 3);
  store<u64>(p, load<u64>(p, PH_COUNTERS) + 1, PH_COUNTERS);
}
// @ts-ignore: decorator
@inline function listStatAt(pool: usize, s: u32, k: u32): usize {
  return pool + PH_ENQUEUES + (<usize>s << 8) + (<usize>k << 3);
}
// @ts-ignore: decorator
@inline export function listStat(pool: usize, s: u32, k: u32): u64 { return load<u64>(listStatAt(pool, s, k)); }
// @ts-ignore: decorator
@inline export function setListStat(pool: usize, s: u32, k: u32, v: u64): void { store<u64>(listStatAt(pool, s, k), v); }
// @ts-ignore: decorator
@inline export function bumpListStat(pool: usize, s: u32, k: u32): void {
  let p = listStatAt(pool, s, k);
  store<u64>(p, load<u64>(p) + 1);
}

/** The generation word of shadow unit v. */
// @ts-ignore: decorator
@inline export function shadowGen(v: usize): u32 { return load<u32>(v, 8); }
// @ts-ignore: decorator
@inline export function setShadowGen(v: usize, g: u32): void { store<u32>(v, g, 8); }

// ── Pool statistics record ───────────────────────────────────────────────────────────────────
//
// What poolStatsInto() writes (the C module's buddy_pool_stats() points at it).
// ╒═════════════════════ Pool statistics (POOL_STATS_SIZE = 1160 bytes) ═════════════════════╕
//   0 u64 totalBytes (units * minBuddy)   8 u64 usedBytes   16 u64 freeBytes
//  24 u64 largestFree   32 u64 minBuddy   40 u64 maxBuddy (largest block)
//  48 u32 maxOrder      52 u32 metaBytes (linear memory the pool's metadata takes)
//  56 u64 counters in PoolCounter order                                          (56..119)
// 120 u64 splits       128 u64 merges
// 136 per order k = 0..31, 32 bytes each: u64 enqueues, u64 dequeues, u64 removes,
//     u32 size (free blocks on the list now), u32 (reserved)                    (136..1159)
// ╘═══════════════════════════════════════════════════════════════════════════════════════════╛

// @ts-ignore: decorator
@inline export const POOL_STATS_SIZE: usize = 1160;
// @ts-ignore: decorator
@inline export function setPoolStat64(out: usize, offset: usize, v: u64): void { store<u64>(out + offset, v); }
// @ts-ignore: decorator
@inline export function setPoolStat32(out: usize, offset: usize, v: u32): void { store<u32>(out + offset, v); }
// @ts-ignore: decorator
@inline export function getPoolStat64(out: usize, offset: usize): u64 { return load<u64>(out + offset); }
// @ts-ignore: decorator
@inline export function getPoolStat32(out: usize, offset: usize): u32 { return load<u32>(out + offset); }
// @ts-ignore: decorator
@inline export const PS_TOTAL: usize = 0;
// @ts-ignore: decorator
@inline export const PS_USED: usize = 8;
// @ts-ignore: decorator
@inline export const PS_FREE: usize = 16;
// @ts-ignore: decorator
@inline export const PS_LARGEST: usize = 24;
// @ts-ignore: decorator
@inline export const PS_MIN_BUDDY: usize = 32;
// @ts-ignore: decorator
@inline export const PS_MAX_BUDDY: usize = 40;
// @ts-ignore: decorator
@inline export const PS_MAX_ORDER: usize = 48;
// @ts-ignore: decorator
@inline export const PS_META: usize = 52;
// @ts-ignore: decorator
@inline export const PS_COUNTERS: usize = 56;
// @ts-ignore: decorator
@inline export const PS_SPLITS: usize = 120;
// @ts-ignore: decorator
@inline export const PS_MERGES: usize = 128;
// @ts-ignore: decorator
@inline export const PS_LISTS: usize = 136;
/** Bytes per free list in the pool statistics record: enqueues, dequeues, removes, size. */
// @ts-ignore: decorator
@inline export const PS_LIST_BYTES: usize = 32;

// ── The C module's memory (builds without threads) ──────────────────────────────────────────
//
// The C module (cabi.ts, abi/module.ts) has no static data: everything of its own sits at the start of its
// part of memory, so that a guest module sharing the memory (docs/other-modules.md) may
// have static data and a stack of any size below it. That part starts at the module's own
// __heap_base, or where the guest said with buddy_set_heap_start (its __heap_base).
//
// ╒════════ Module header at the start, 16-aligned (bytes) ════════╕
//      0  statistics record (STATS_SIZE), filled by buddy_stats
//    240  pool statistics record (POOL_STATS_SIZE), by buddy_pool_stats
//   1400  the heap: its control block at rootOf(start + MODULE_HEADER)
// ╘═════════════════════════════════════════════════════════════════╛

// @ts-ignore: decorator
@inline export const MODULE_STATS: usize = 0;
// @ts-ignore: decorator
@inline export const MODULE_POOL_STATS: usize = MODULE_STATS + STATS_SIZE;
// @ts-ignore: decorator
@inline export const MODULE_HEADER: usize = MODULE_POOL_STATS + POOL_STATS_SIZE;
