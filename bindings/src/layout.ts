// The records that cross from the module into JavaScript, as assembly/layout.ts lays them out
// (its "Control block" and "Statistics record" diagrams). This is the one JavaScript copy:
// the bindings and the tests read them through it, and tests/layout.test.js holds it equal to
// assembly/layout.ts.

/** Bytes of a heap's control block (a heap's first region starts after it). */
export const CB_SIZE = 1536;

/** The statistics record buddy_stats() points at. */
export const STATS = {
  size: 240,
  /** u32 fields by index (byte offset / 4). */
  u32: { totalBytes: 0, usedBytes: 1, freeBytes: 2, metaBytes: 3, largestFree: 4, minBlock: 5, maxOrder: 6, regionCount: 7, slackBytes: 56 },
  /** Byte offset of the u64 counters, in this order (assembly/layout.ts, enum Counter). */
  counters: 32,
  counterNames: ["allocs", "frees", "splits", "merges", "failedAllocs", "rejectedFrees", "grows", "inPlaceReallocs"],
  /** Byte offset of the u32 free-block counts, one per order 0..31. */
  freeBlocks: 96,
} as const;

/** The statistics record at `at` in `buffer`, decoded; freeBlocks for orders 0..maxOrder. */
export function decodeStats(buffer: ArrayBufferLike, at: number) {
  const u32 = new Uint32Array(buffer, at, STATS.size >> 2);
  const u64 = new BigUint64Array(buffer, at + STATS.counters, STATS.counterNames.length);
  const out: Record<string, number | number[]> = {};
  for (const [name, i] of Object.entries(STATS.u32)) out[name] = u32[i];
  STATS.counterNames.forEach((name, i) => { out[name] = Number(u64[i]); });
  const first = STATS.freeBlocks >> 2;
  out.freeBlocks = Array.from(u32.subarray(first, first + u32[STATS.u32.maxOrder] + 1));
  return out as {
    [K in keyof typeof STATS.u32 | (typeof STATS.counterNames)[number]]: number;
  } & { freeBlocks: number[] };
}

/** The pool statistics record buddy_pool_stats() points at: byte offsets (u64 unless noted). */
export const POOL_STATS = {
  size: 1160,
  totalBytes: 0, usedBytes: 8, freeBytes: 16, largestFree: 24, minBuddy: 32, maxBuddy: 40,
  /** u32 */ maxOrder: 48,
  /** u32 */ metaBytes: 52,
  /** u64 counters, in this order (assembly/layout.ts, enum PoolCounter). */
  counters: 56,
  counterNames: ["allocs", "frees", "outOfMemory", "freeingFree", "invalidAddresses", "oversizeAllocs", "undersizeAllocs", "staleHandles"],
  splits: 120, merges: 128,
  /** Per free list k: u64 enqueues, dequeues, removes, then u32 size, at lists + k * listBytes. */
  lists: 136, listBytes: 32,
} as const;

/** The shared header of the threads build (assembly/layout.ts "Shared heaps"): u32 words at
 *  __heap_base, just below the control block (buddy_root() - size, as the control block is
 *  16-aligned). The tests hold the lock word through it. */
export const SHARED = { size: 16, state: 0, lock: 4, error: 8, seq: 12 } as const;

/** The C module's header (builds without threads; assembly/layout.ts "The C module's
 *  memory"): the statistics records before the control block. */
export const MODULE_HEADER = { stats: 0, poolStats: 240, size: 1400 } as const;
