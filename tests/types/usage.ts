// Type-checked with `tsc --strict --noEmit` during the build: the published .d.ts as a
// TypeScript user sees them. A mistake in these types fails the build.
import { BuddyPool, BuddyPoolError, PoolError, computeBuddySize, type PoolStats, type ListStats, BuddyHeap, BuddyError, ErrorCode, CheckFailure, type HeapStats, type BuddyHeapOptions } from "../../bindings/dist/index.js";

export async function usage(bytes: Uint8Array): Promise<number> {
  const options: BuddyHeapOptions = { maxPages: 256, deferLimit: 0 };
  const heap: BuddyHeap = await BuddyHeap.create(bytes, options);
  const p: number = heap.alloc(100);
  const f64: Float64Array = heap.view(Float64Array, heap.allocAligned(64, 8), 8);
  f64[0] = 1.5;
  const code: ErrorCode = heap.tryFree(p);
  if (code !== ErrorCode.OK) return code;
  try {
    heap.free(p);
  } catch (e) {
    if (e instanceof BuddyError && e.code === ErrorCode.DOUBLE_FREE && e.detail === CheckFailure.NONE) return -1;
  }
  const s: HeapStats = heap.stats();
  const ptrs: Uint32Array = heap.allocMany([1, 2, 3]);
  heap.freeMany(ptrs);
  return s.usedBytes + s.freeBlocks.length;
}

export async function poolUsage(heap: BuddyHeap): Promise<number> {
  const pool: BuddyPool = BuddyPool.on(heap, { base: 2 ** 40, size: 1 << 30, minBuddy: 4096, maxAlloc: 1 << 20 });
  const own: BuddyPool = await BuddyPool.create({ size: 1 << 20, minBuddy: 256 });
  const offset: number = pool.alloc(5000);
  const code: PoolError = pool.tryFree(offset);
  try {
    pool.free(offset);
  } catch (e) {
    if (e instanceof BuddyPoolError && e.code === PoolError.FREEING_FREE_MEMORY) own.destroy();
  }
  const handle: number = pool.allocHandle(100);
  const lists: ListStats[] = pool.stats().lists;
  const stats: PoolStats = pool.stats();
  return code + handle + lists.length + stats.usedBytes + computeBuddySize(100, 256, 4096);
}
