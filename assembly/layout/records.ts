// Records other modules read: the statistics record, the threads build's shared header and
// the C module's memory.

import { POOL_STATS_SIZE } from "./pools";

// ── Shared heaps (threads build) ─────────────────────────────────────────────────────────────
//
// With --enable threads, every instance on one shared memory finds the heap at the same place:
// __heap_base is the same for all instances of one module, and nothing lives in static data
// (which each instantiation rewrites). The first 16 bytes from __heap_base (rounded up to 16)
// hold the words the instances coordinate with; the control block follows.
//
// ╒═════ Shared header at __heap_base rounded up to 16 (u32 words) ═════╕
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
