// Pool records (pool.ts): the pool header, its shadow units and its statistics record.

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
//   0 next   4 prev     list links while a free block starts here (core.ts)
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
