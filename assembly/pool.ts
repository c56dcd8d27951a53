// BuddyPool: the buddy algorithm for a range as-buddy never reads or writes (buddy_pool parity).
//
// What it is. A pool manages [base, base + size) of some address space that need not be linear
// memory: a GPU buffer, a file, another memory, I/O space. Addresses are u64 up to 2^53, so that
// every address is exact as a JavaScript number. The range is counted in units of minBuddy (a
// power of two); blocks are minBuddy << k bytes, aligned to their size relative to base.
//
// How. All metadata lives in linear memory, taken from a BuddyHeap (layout.ts, "Pools"): a
// shadow array of 16 bytes per unit, and a header with the control block and bitmaps of a
// detached heap (heap.ts, initDetached) whose range is the shadow array. Pool unit u is shadow
// unit u, so a pool block of order k is the detached heap's block of order k, and alloc, free,
// split, merge, the free lists and check() are the heap's own code; this file only translates
// addresses, validates, and keeps buddy_pool's statistics. The pool's range is never touched.
// The shadow is aligned to its largest block, so that the heap's absolute natural alignment
// is alignment relative to base in the pool.
//
// Configuration: buddy_pool's rules (BuddyPool::new), with 2^53 where it has usize::MAX / 2.
// Checked in this order, INVALID_PARAMETER unless noted:
//   maxAlloc   1 .. 2^53;  minAlloc  0 .. 2^53;  minBuddy  1 .. 2^53.
//   minSize    minBuddy rounded down to a power of two: the pool's unit.
//   maxSize    maxAlloc rounded up to a power of two: the largest block.
//   poolSize   size rounded down to whole units: 0 is EMPTY_POOL (buddy_pool says
//              InvalidParameter for it). The bytes past poolSize are not managed.
//   base       base + poolSize <= 2^53.
//   then       maxAlloc <= poolSize, minAlloc <= maxAlloc, minBuddy <= maxSize,
//              maxSize <= poolSize, and fewer than 2^27 units (the shadow must fit a 2 GiB
//              detached heap; buddy_pool's IndexTypeOverflow).
// The range is carved into the largest blocks that fit from base up, so a pool whose size is
// not a multiple of maxSize still uses every unit.
//
// Handles (beyond buddy_pool). allocHandle returns (gen + 1) * 2^35 + tag * 2^27 + unit, where
// gen is the generation stored in the block's first shadow unit and bumped by every free of a
// block that starts there, and tag (1..255) names the pool. A freed handle no longer matches its
// unit's generation: using it is STALE_HANDLE, found in O(1); another pool's handle is
// INVALID_HANDLE. A generation wraps after 2^18 - 1 frees of blocks starting at the same unit.

import * as core from "./heap";
import { check as checkHeap } from "./check";
import { ErrorCode, PoolError } from "./errors";
import {
  Counter, CB_DETACHED_SIZE, SHADOW_LOG, POOL_MAGIC, POOL_HEADER, PoolCounter, POOL_COUNTER_COUNT, ListStat,
  MAGIC, getMagic, setMagic, getNonEmpty, getCount, getCounter, getUsed, getTotal, orderOf,
  metadataBytes, poolMagic, setPoolMagic, poolMinLog, poolUnits, poolMaxOrder, poolShadow,
  poolHeap, poolMetaBytes, poolBase, poolSize, poolMinAlloc, poolMaxAlloc, poolTree,
  setPoolHeader, poolTag, setPoolTag, poolCounter, bumpPoolCounter, listStat, setListStat, bumpListStat, shadowGen, setShadowGen,
  POOL_STATS_SIZE, PS_COUNTERS, PS_LISTS, setPoolStat64, setPoolStat32, PS_TOTAL, PS_USED, PS_FREE,
  PS_LARGEST, PS_MIN_BUDDY, PS_MAX_BUDDY, PS_MAX_ORDER, PS_META, PS_SPLITS, PS_MERGES, PS_LIST_BYTES, DEBUG,
} from "./layout";

/** Addresses and sizes go up to 2^53 (exact JavaScript numbers). */
// @ts-ignore: decorator
@inline export const POOL_LIMIT: u64 = <u64>1 << 53;
/** Bits of a handle that hold the unit; the units of a pool are fewer than 2^27. */
// @ts-ignore: decorator
@inline const UNIT_BITS: u32 = 27;
// @ts-ignore: decorator
@inline export const MAX_UNITS: u32 = (<u32>1 << UNIT_BITS) - 1;
/** Bits of a handle that name its pool (a tag 1..255), above the unit. */
// @ts-ignore: decorator
@inline const TAG_BITS: u32 = 8;
// @ts-ignore: decorator
@inline const TAG_MAX: u32 = (<u32>1 << TAG_BITS) - 1;
/** Handles carry gen + 1 in 1..GEN_LIMIT above the tag, so that a handle stays below 2^53. */
// @ts-ignore: decorator
@inline const GEN_LIMIT: u32 = (<u32>1 << (53 - UNIT_BITS - TAG_BITS)) - 1;

// @ts-ignore: decorator
@inline function isPow2(x: u64): bool { return x != 0 && (x & (x - 1)) == 0; }
// @ts-ignore: decorator
@inline function shadowOf(pool: usize, u: u64): usize { return poolShadow(pool) + (<usize>u << SHADOW_LOG); }
// @ts-ignore: decorator
@inline function unitOfShadow(pool: usize, v: usize): u64 { return <u64>((v - poolShadow(pool)) >> SHADOW_LOG); }
// @ts-ignore: decorator
@inline function addressOf(pool: usize, u: u64): u64 { return poolBase(pool) + (u << poolMinLog(pool)); }
// @ts-ignore: decorator
@inline function blockBytes(pool: usize, k: u32): u64 { return <u64>1 << (poolMinLog(pool) + k); }

/** buddy_pool's compute_buddy_size: the size of the buddy block that serves `bytes`, minBuddy
 *  for anything up to minBuddy (0 included), else bytes rounded up to a power of two; or
 *  -INVALID_PARAMETER when minBuddy or maxBuddy is not a power of two (up to 2^53) or minBuddy >
 *  maxBuddy, -INVALID_SIZE when bytes > maxBuddy. */
export function computeBuddySize(bytes: u64, minBuddy: u64, maxBuddy: u64): i64 {
  if (!isPow2(minBuddy) || !isPow2(maxBuddy) || minBuddy > maxBuddy || maxBuddy > POOL_LIMIT) return -PoolError.INVALID_PARAMETER;
  if (bytes > maxBuddy) return -PoolError.INVALID_SIZE;
  if (bytes <= minBuddy) return <i64>minBuddy;
  return <i64>1 << (64 - clz<u64>(bytes - 1));
}

/** The largest power of two <= x (x >= 1). */
// @ts-ignore: decorator
@inline function floorPow2(x: u64): u64 { return <u64>1 << (63 - clz<u64>(x)); }
/** The smallest power of two >= x (1 <= x <= 2^63). */
// @ts-ignore: decorator
@inline function ceilPow2(x: u64): u64 { return x <= 1 ? 1 : <u64>1 << (64 - clz<u64>(x - 1)); }

/** Checks a pool configuration (the rules above); OK, INVALID_PARAMETER or EMPTY_POOL. */
export function validatePoolConfig(base: u64, size: u64, minAlloc: u64, maxAlloc: u64, minBuddy: u64): u32 {
  if (maxAlloc == 0 || maxAlloc > POOL_LIMIT || minAlloc > POOL_LIMIT) return PoolError.INVALID_PARAMETER;
  if (minBuddy == 0 || minBuddy > POOL_LIMIT || size > POOL_LIMIT) return PoolError.INVALID_PARAMETER;
  let minSize = floorPow2(minBuddy);
  let maxSize = ceilPow2(maxAlloc);
  let poolSize = size & ~(minSize - 1);
  if (poolSize == 0) return PoolError.EMPTY_POOL;
  if (base > POOL_LIMIT - poolSize) return PoolError.INVALID_PARAMETER;
  if (maxAlloc > poolSize || minAlloc > maxAlloc || minBuddy > maxSize || maxSize > poolSize) return PoolError.INVALID_PARAMETER;
  if (poolSize / minSize > <u64>MAX_UNITS) return PoolError.INVALID_PARAMETER;
  return PoolError.OK;
}

/** Why the last createPool of this instance returned 0. */
let createError: u32 = PoolError.OK;
/** The tag of this instance's last pool: pools made one after another get different tags. */
let lastTag: u32 = 0;

/** Sets the tag a pool's handles carry (1..255): the bindings give each pool of a JavaScript
 *  realm its own, across heaps. Only while the pool has no block allocated (handles out would
 *  change meaning): INVALID_PARAMETER otherwise, or for a tag out of range. */
export function poolSetTag(pool: usize, tag: u32): u32 {
  if (tag == 0 || tag > TAG_MAX || getUsed(poolTree(pool)) != 0) return PoolError.INVALID_PARAMETER;
  setPoolTag(pool, tag);
  return PoolError.OK;
}
export function poolCreateError(): u32 { return createError; }

/** Creates a pool, its metadata taken from the heap at `heap`. Returns the pool pointer, or 0
 *  with poolCreateError() saying why (the heap is then as it was, but for its counters). */
export function createPool(heap: usize, base: u64, size: u64, minAlloc: u64, maxAlloc: u64, minBuddy: u64): usize {
  if (!core.isHeap(heap)) { createError = PoolError.INVALID_PARAMETER; return 0; }
  let code = validatePoolConfig(base, size, minAlloc, maxAlloc, minBuddy);
  if (code) { createError = code; return 0; }
  let minLog = <u32>ctz<u64>(floorPow2(minBuddy));
  let units = <u32>(size >> minLog);
  let maxBuddy = ceilPow2(maxAlloc);
  let order = <u32>ctz<u64>(maxBuddy) - minLog; // maxBuddy <= poolSize: a block of this order fits
  let shadowBytes = <usize>units << SHADOW_LOG;
  let shadow = core.allocAligned(heap, shadowBytes, <usize>1 << (SHADOW_LOG + order));
  if (!shadow) { createError = PoolError.NO_METADATA_MEMORY; return 0; }
  let bits = metadataBytes(shadow, shadow + shadowBytes, SHADOW_LOG, order, false);
  let pool = core.allocAligned(heap, POOL_HEADER + CB_DETACHED_SIZE + bits, 16);
  if (!pool) {
    core.free(heap, shadow);
    createError = PoolError.NO_METADATA_MEMORY;
    return 0;
  }
  memory.fill(shadow, 0, shadowBytes);
  memory.fill(pool, 0, POOL_HEADER);
  core.initDetached(poolTree(pool), pool + POOL_HEADER + CB_DETACHED_SIZE, shadow, shadow + shadowBytes, SHADOW_LOG, order);
  let metaBytes = core.usableSize(heap, shadow) + core.usableSize(heap, pool);
  setPoolHeader(pool, minLog, units, order, shadow, heap, metaBytes, base, size, minAlloc, maxAlloc, maxBuddy);
  lastTag = lastTag % TAG_MAX + 1;
  setPoolTag(pool, lastTag);
  // The carved blocks are the lists' first enqueues.
  for (let k: u32 = 0; k <= order; ++k) setListStat(pool, ListStat.ENQUEUES, k, getCount(poolTree(pool), k));
  createError = PoolError.OK;
  return pool;
}

/** Whether `pool` points at a live pool; reads nothing outside memory. */
export function isPool(pool: usize): bool {
  let top = core.memoryTop();
  if (!pool || (pool & 15) || pool >= top || top - pool < POOL_HEADER + CB_DETACHED_SIZE) return false;
  return poolMagic(pool) == POOL_MAGIC && getMagic(poolTree(pool)) == MAGIC;
}

/** Returns the pool's metadata to its heap. Addresses it handed out mean nothing afterwards. */
export function destroyPool(pool: usize): u32 {
  if (!isPool(pool)) return PoolError.NOT_A_POOL;
  let heap = poolHeap(pool);
  let shadow = poolShadow(pool);
  setPoolMagic(pool, 0);
  setMagic(poolTree(pool), 0);
  if (core.isHeap(heap)) {
    core.free(heap, shadow);
    core.free(heap, pool);
  }
  return PoolError.OK;
}

// ── Allocation ───────────────────────────────────────────────────────────────────────────────

/** Allocates a block for `bytes`: its address, or -PoolError. */
export function poolAlloc(pool: usize, bytes: u64): i64 {
  if (bytes > POOL_LIMIT) return -PoolError.INVALID_SIZE;
  // buddy_pool's order: oversize, then undersize (0 is undersize when minAlloc >= 1, and gets
  // the smallest block when minAlloc is 0).
  if (bytes > poolMaxAlloc(pool)) { bumpPoolCounter(pool, PoolCounter.OVERSIZE); return -PoolError.OVERSIZE_ALLOC; }
  if (bytes < poolMinAlloc(pool)) { bumpPoolCounter(pool, PoolCounter.UNDERSIZE); return -PoolError.UNDERSIZE_ALLOC; }
  let minLog = poolMinLog(pool);
  let units = bytes ? ((bytes - 1) >> minLog) + 1 : 1;
  let tree = poolTree(pool);
  let k: u32 = units > (<u64>1 << poolMaxOrder(pool)) ? 32 : orderOf(<usize>units << SHADOW_LOG, SHADOW_LOG);
  let mask = k < 32 ? getNonEmpty(tree) & (<u32>-1 << k) : 0;
  if (!mask) { bumpPoolCounter(pool, PoolCounter.OUT_OF_MEMORY); return -PoolError.OUT_OF_MEMORY; }
  // The heap takes the head of the smallest non-empty list j >= k and splits it down to k,
  // pushing one upper half on each list j-1 .. k.
  let j = <u32>ctz<u32>(mask);
  let v = core.allocUnchecked(tree, <usize>1 << (SHADOW_LOG + k));
  if (DEBUG) assert(v != 0);
  bumpListStat(pool, ListStat.DEQUEUES, j);
  for (let i = k; i < j; ++i) bumpListStat(pool, ListStat.ENQUEUES, i);
  bumpPoolCounter(pool, PoolCounter.ALLOCS);
  return <i64>addressOf(pool, unitOfShadow(pool, v));
}


/** The unit at `address`, or -PoolError (ADDRESS_OUTSIDE_POOL, UNALIGNED_ADDRESS). */
function unitAt(pool: usize, address: u64): i64 {
  let base = poolBase(pool);
  if (address < base) return -PoolError.ADDRESS_OUTSIDE_POOL;
  let off = address - base;
  let minLog = poolMinLog(pool);
  if ((off >> minLog) >= <u64>poolUnits(pool)) return -PoolError.ADDRESS_OUTSIDE_POOL;
  if (off & ((<u64>1 << minLog) - 1)) return -PoolError.UNALIGNED_ADDRESS;
  return <i64>(off >> minLog);
}

/** The order of the allocated block at unit u, or -PoolError (INVALID_ADDRESS or
 *  FREEING_FREE_MEMORY), counting the failure. */
function blockAt(pool: usize, u: u64): i32 {
  let k = core.lookup(poolTree(pool), shadowOf(pool, u));
  if (k >= 0) return k;
  if (-k == ErrorCode.DOUBLE_FREE) {
    bumpPoolCounter(pool, PoolCounter.FREEING_FREE);
    return -PoolError.FREEING_FREE_MEMORY;
  }
  bumpPoolCounter(pool, PoolCounter.INVALID_ADDRESSES);
  return -PoolError.INVALID_ADDRESS;
}

/** Frees the allocated block (u, k): merges as far as it goes, bumps the unit's generation. */
function freeUnit(pool: usize, u: u64, k: u32): void {
  let tree = poolTree(pool);
  let v = shadowOf(pool, u);
  let merges = getCounter(tree, Counter.MERGES);
  core.freeUnchecked(tree, v);
  let top = k + <u32>(getCounter(tree, Counter.MERGES) - merges);
  for (let i = k; i < top; ++i) bumpListStat(pool, ListStat.REMOVES, i); // each merge unlinks a buddy
  bumpListStat(pool, ListStat.ENQUEUES, top);
  let g = shadowGen(v) + 1;
  setShadowGen(v, g >= GEN_LIMIT ? 0 : g);
  bumpPoolCounter(pool, PoolCounter.FREES);
}

/** Frees the block at `address`. Returns OK or the PoolError (the pool is then unchanged). */
export function poolFree(pool: usize, address: u64): u32 {
  let u = unitAt(pool, address);
  if (u < 0) { bumpPoolCounter(pool, PoolCounter.INVALID_ADDRESSES); return <u32>-u; }
  let k = blockAt(pool, <u64>u);
  if (k < 0) return <u32>-k;
  freeUnit(pool, <u64>u, <u32>k);
  return PoolError.OK;
}

/** The size of the block at `address` (a power of two >= minBuddy), or -PoolError. */
export function poolUsableSize(pool: usize, address: u64): i64 {
  let u = unitAt(pool, address);
  if (u < 0) return u;
  let k = core.lookup(poolTree(pool), shadowOf(pool, <u64>u));
  if (k < 0) return -ErrorCode.DOUBLE_FREE == k ? -PoolError.FREEING_FREE_MEMORY : -PoolError.INVALID_ADDRESS;
  return <i64>blockBytes(pool, <u32>k);
}

// ── Handles ──────────────────────────────────────────────────────────────────────────────────

/** alloc, returning a generation-tagged handle instead of the address, or -PoolError. */
export function poolAllocHandle(pool: usize, bytes: u64): i64 {
  let a = poolAlloc(pool, bytes);
  if (a < 0) return a;
  let u = (<u64>a - poolBase(pool)) >> poolMinLog(pool);
  return <i64>(((<u64>shadowGen(shadowOf(pool, u)) + 1) << (UNIT_BITS + TAG_BITS)) | (<u64>poolTag(pool) << UNIT_BITS) | u);
}

/** The block of a live handle, packed as unit << 5 | order, or -PoolError: INVALID_HANDLE if
 *  it is no handle of this pool's shape or names no block start, STALE_HANDLE if its block was
 *  freed (found in O(1) from the generation). */
function handleBlock(pool: usize, handle: u64): i64 {
  let u = handle & <u64>MAX_UNITS;
  let tag = (handle >> UNIT_BITS) & <u64>TAG_MAX;
  let gen = handle >> (UNIT_BITS + TAG_BITS);
  if (tag != <u64>poolTag(pool)) return -PoolError.INVALID_HANDLE; // another pool's, or no handle
  if (gen == 0 || gen > <u64>GEN_LIMIT || u >= <u64>poolUnits(pool)) return -PoolError.INVALID_HANDLE;
  if (gen - 1 != <u64>shadowGen(shadowOf(pool, u))) return -PoolError.STALE_HANDLE;
  let k = core.lookup(poolTree(pool), shadowOf(pool, u));
  if (k == -ErrorCode.DOUBLE_FREE) return -PoolError.STALE_HANDLE;
  if (k < 0) return -PoolError.INVALID_HANDLE;
  return <i64>((u << 5) | <u64>k);
}

// @ts-ignore: decorator
@inline function countHandleError(pool: usize, code: u32): void {
  bumpPoolCounter(pool, code == PoolError.STALE_HANDLE ? PoolCounter.STALE_HANDLES : PoolCounter.INVALID_ADDRESSES);
}

/** The address of a live handle's block, or -PoolError. */
export function poolHandleAddress(pool: usize, handle: u64): i64 {
  let b = handleBlock(pool, handle);
  if (b < 0) { countHandleError(pool, <u32>-b); return b; }
  return <i64>addressOf(pool, <u64>b >> 5);
}

/** Frees the block of a live handle. Returns OK or the PoolError (the pool is then unchanged). */
export function poolFreeHandle(pool: usize, handle: u64): u32 {
  let b = handleBlock(pool, handle);
  if (b < 0) { countHandleError(pool, <u32>-b); return <u32>-b; }
  freeUnit(pool, <u64>b >> 5, <u32>(b & 31));
  return PoolError.OK;
}

// ── Statistics and check ─────────────────────────────────────────────────────────────────────

/** Bytes of the pool in allocated blocks. */
export function poolUsedBytes(pool: usize): u64 {
  return <u64>(getUsed(poolTree(pool)) >> SHADOW_LOG) << poolMinLog(pool);
}

/** Writes the pool statistics record (layout.ts, "Pool statistics"), POOL_STATS_SIZE bytes. */
export function poolStatsInto(pool: usize, out: usize): void {
  let tree = poolTree(pool);
  let minLog = poolMinLog(pool);
  let maxOrder = poolMaxOrder(pool);
  let total = <u64>poolUnits(pool) << minLog;
  let used = poolUsedBytes(pool);
  memory.fill(out, 0, POOL_STATS_SIZE);
  setPoolStat64(out, PS_TOTAL, total);
  setPoolStat64(out, PS_USED, used);
  setPoolStat64(out, PS_FREE, total - used);
  setPoolStat64(out, PS_LARGEST, <u64>(core.largestFree(tree) >> SHADOW_LOG) << minLog);
  setPoolStat64(out, PS_MIN_BUDDY, <u64>1 << minLog);
  setPoolStat64(out, PS_MAX_BUDDY, blockBytes(pool, maxOrder));
  setPoolStat32(out, PS_MAX_ORDER, maxOrder);
  setPoolStat32(out, PS_META, <u32>poolMetaBytes(pool));
  for (let c: u32 = 0; c < POOL_COUNTER_COUNT; ++c) setPoolStat64(out, PS_COUNTERS + (<usize>c << 3), poolCounter(pool, c));
  setPoolStat64(out, PS_SPLITS, getCounter(tree, Counter.SPLITS));
  setPoolStat64(out, PS_MERGES, getCounter(tree, Counter.MERGES));
  for (let k: u32 = 0; k <= maxOrder; ++k) {
    let at = PS_LISTS + <usize>k * PS_LIST_BYTES;
    setPoolStat64(out, at, listStat(pool, ListStat.ENQUEUES, k));
    setPoolStat64(out, at + 8, listStat(pool, ListStat.DEQUEUES, k));
    setPoolStat64(out, at + 16, listStat(pool, ListStat.REMOVES, k));
    setPoolStat32(out, at + 24, getCount(tree, k));
  }
}

/** Verifies the pool: the detached heap's invariants (lists, bitmaps, counts, eager merging),
 *  that it spans exactly the shadow, and that every list's enqueues minus dequeues and removes
 *  is its length. OK or CORRUPT. */
export function poolCheck(pool: usize): u32 {
  let tree = poolTree(pool);
  if (checkHeap(tree) != ErrorCode.OK) return PoolError.CORRUPT;
  if (getTotal(tree) != <usize>poolUnits(pool) << SHADOW_LOG) return PoolError.CORRUPT;
  if (poolTag(pool) == 0 || poolTag(pool) > TAG_MAX) return PoolError.CORRUPT; // handles name it
  let maxOrder = poolMaxOrder(pool);
  for (let k: u32 = 0; k <= maxOrder; ++k) {
    let n = listStat(pool, ListStat.ENQUEUES, k) - listStat(pool, ListStat.DEQUEUES, k) - listStat(pool, ListStat.REMOVES, k);
    if (n != <u64>getCount(tree, k)) return PoolError.CORRUPT;
  }
  return PoolError.OK;
}

/** What starts at unit u of the pool (heap.ts leafInfo: order | state << 8), or NOT_A_LEAF. */
export function poolLeaf(pool: usize, u: u64): u32 {
  if (u >= <u64>poolUnits(pool)) return core.NOT_A_LEAF;
  return core.leafInfo(poolTree(pool), shadowOf(pool, u));
}
