// Type-checked with `tsc --strict --noEmit` during the build: the published .d.ts as a
// TypeScript user sees them. A mistake in these types fails the build.
import { BuddyHeap, BuddyError, ErrorCode, CheckFailure, type HeapStats, type BuddyHeapOptions } from "../../bindings/dist/index.js";

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
