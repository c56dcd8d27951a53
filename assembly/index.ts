// as-buddy's AssemblyScript API: `import { BuddyHeap, ErrorCode } from "as-buddy/assembly"`.
//
// A BuddyHeap is its own control block: the object pointer *is* the heap's root, in the memory
// it manages, so creating one allocates nothing from the module's own runtime. Every method
// validates its input and answers misuse with an ErrorCode, leaving the heap unchanged.

import * as core from "./heap";
import { check as checkHeap } from "./check";
import { ErrorCode, CheckFailure, PoolError } from "./errors";
import * as pools from "./pool";
import {
  DEFAULT_DEFER, DEFAULT_MIN_LOG, AUTO_ORDER as AUTO_ORDER_U32, DEFAULT_FEATURES, STATS_SIZE, ST_SLACK, Counter,
  getLastError, setLastError, getCheckDetail, getMinLog, getMaxOrder, getStat, getStat64,
  getStatFree, POOL_STATS_SIZE, PS_COUNTERS, PS_LISTS, PoolCounter, getPoolStat64, getPoolStat32,
  PS_TOTAL, PS_USED, PS_FREE, PS_LARGEST, PS_MIN_BUDDY, PS_MAX_BUDDY, PS_MAX_ORDER, PS_META, PS_SPLITS,
  PS_MERGES, PS_LIST_BYTES,
  poolBase, poolSize, poolMinAlloc, poolMaxAlloc, poolMinLog, poolMaxOrder,
} from "./layout";

export { ErrorCode, CheckFailure, errorMessage, PoolError, poolErrorMessage } from "./errors";
export { computeBuddySize, POOL_LIMIT } from "./pool";
export { Counter, CB_SIZE, STATS_SIZE, MAX_REGIONS, DEFAULT_DEFER } from "./layout";

/** Use the largest maximum order the minimum block allows (largest block 2 GiB). */
export const AUTO_ORDER: i32 = -1;

let lastInitError: u32 = ErrorCode.OK;
const statsScratch = memory.data(<i32>STATS_SIZE, 16);

/** A snapshot of a heap's statistics. Bytes are exact; counters count since init. */
export class HeapStats {
  /** Bytes in all regions (the control block excluded). */
  totalBytes: usize = 0;
  /** Bytes handed out (slot and block sizes, not requested sizes). */
  usedBytes: usize = 0;
  /** Bytes in free blocks. totalBytes = usedBytes + freeBytes + metaBytes + slackBytes. */
  freeBytes: usize = 0;
  /** Bytes in slabs that no live slot holds: slab headers and free slots. */
  slackBytes: usize = 0;
  /** Bytes of the metadata area (bitmaps), inside the regions. */
  metaBytes: usize = 0;
  /** The largest free block, 0 if none (more may appear after coalesce()). */
  largestFree: usize = 0;
  minBlock: usize = 0;
  maxOrder: u32 = 0;
  regionCount: u32 = 0;
  allocs: u64 = 0;
  frees: u64 = 0;
  splits: u64 = 0;
  merges: u64 = 0;
  failedAllocs: u64 = 0;
  rejectedFrees: u64 = 0;
  grows: u64 = 0;
  inPlaceReallocs: u64 = 0;
  /** Free blocks of each order 0..maxOrder. */
  freeBlocks: StaticArray<u32> = new StaticArray<u32>(32);
}

@final @unmanaged
export class BuddyHeap {
  /** Why the last BuddyHeap.init returned null. */
  static get initError(): ErrorCode { return <ErrorCode>lastInitError; }

  /** Initialises a heap over [base, base + size) of linear memory: the control block at base
   *  (rounded up to 16), then the first region with its metadata. base and size may be
   *  anything; nothing outside the range is read or written.
   *  - minBlock: the smallest block, a power of two from 8 to 65536 (default 16).
   *  - maxOrder: largest block = minBlock << maxOrder, at most 2^31 (default: that).
   *  - growPages: if > 0, the heap grows with memory.grow, when it ends at the top of memory,
   *    until memory has this many pages (at most 65535).
   *  - deferLimit: free-list length below which frees skip coalescing (0: always coalesce).
   *  - textbook: power-of-two blocks only (no size classes) and LIFO free lists, the buddy
   *    system as the textbooks and buddy_pool have it (default false).
   *  Returns null, with BuddyHeap.initError set, on a bad region or configuration. */
  static init(
    base: usize, size: usize, minBlock: u32 = 1 << DEFAULT_MIN_LOG, maxOrder: i32 = AUTO_ORDER,
    growPages: u32 = 0, deferLimit: u32 = DEFAULT_DEFER, textbook: bool = false,
  ): BuddyHeap | null {
    if (!minBlock || (minBlock & (minBlock - 1))) { lastInitError = ErrorCode.BAD_CONFIG; return null; }
    let minLog = <u32>ctz<u32>(minBlock);
    let code = core.init(base, size, minLog, maxOrder < 0 ? AUTO_ORDER_U32 : <u32>maxOrder, growPages, deferLimit,
      textbook ? 0 : DEFAULT_FEATURES);
    lastInitError = code;
    if (code) return null;
    return changetype<BuddyHeap>(core.rootOf(base));
  }

  /** The heap whose root is at `root` (as returned by `root` earlier), or null. */
  static at(root: usize): BuddyHeap | null {
    return core.isHeap(root) ? changetype<BuddyHeap>(root) : null;
  }

  /** The address of the control block. */
  get root(): usize { return changetype<usize>(this); }
  get minBlock(): usize { return <usize>1 << getMinLog(this.root); }
  get maxOrder(): u32 { return getMaxOrder(this.root); }
  get maxBlock(): usize { return <usize>1 << (getMinLog(this.root) + getMaxOrder(this.root)); }
  /** The error of the last call that failed (not reset by successes). */
  get lastError(): ErrorCode { return core.isHeap(this.root) ? <ErrorCode>getLastError(this.root) : ErrorCode.NOT_INITIALIZED; }
  /** Which invariant the last failing check() found broken. */
  get checkDetail(): CheckFailure { return core.isHeap(this.root) ? <CheckFailure>getCheckDetail(this.root) : CheckFailure.NONE; }

  /** A block of at least `size` bytes, aligned to its own (power-of-two) size; 0 on failure. */
  alloc(size: usize): usize {
    return core.isHeap(this.root) ? core.allocAligned(this.root, size, 0) : 0;
  }
  /** A block of at least `size` bytes aligned to `align` (a power of two up to maxBlock). */
  allocAligned(size: usize, align: usize): usize {
    return core.isHeap(this.root) ? core.allocAligned(this.root, size, align) : 0;
  }
  /** alloc, with the `size` bytes zeroed. */
  allocZeroed(size: usize, align: usize = 0): usize {
    return core.isHeap(this.root) ? core.allocZeroed(this.root, size, align) : 0;
  }
  /** free without a size. */
  free(ptr: usize): ErrorCode {
    return core.isHeap(this.root) ? <ErrorCode>core.free(this.root, ptr) : ErrorCode.NOT_INITIALIZED;
  }
  /** Sized free: size and align as allocated (or as last realloc'd). */
  dealloc(ptr: usize, size: usize, align: usize = 0): ErrorCode {
    return core.isHeap(this.root) ? <ErrorCode>core.dealloc(this.root, ptr, size, align) : ErrorCode.NOT_INITIALIZED;
  }
  /** Resizes in place when it can (shrink, or grow into free buddies), else moves. 0 on failure,
   *  and then ptr is still valid and unchanged. */
  realloc(ptr: usize, size: usize): usize {
    return core.isHeap(this.root) ? core.realloc(this.root, ptr, size) : 0;
  }
  /** The block size behind ptr, or 0 (with lastError) if ptr is not a live block. */
  usableSize(ptr: usize): usize {
    return core.isHeap(this.root) ? core.usableSize(this.root, ptr) : 0;
  }
  /** Adds [base, base + size) of linear memory; adjacent regions coalesce across the seam. */
  addRegion(base: usize, size: usize): ErrorCode {
    return core.isHeap(this.root) ? <ErrorCode>core.addRegion(this.root, base, size) : ErrorCode.NOT_INITIALIZED;
  }
  /** Merges every free buddy pair that deferred coalescing left; returns the merge count. */
  coalesce(): u32 {
    return core.isHeap(this.root) ? core.coalesce(this.root) : 0;
  }
  /** Verifies every invariant; OK, or CORRUPT with checkDetail saying which. */
  check(): ErrorCode {
    return core.isHeap(this.root) ? <ErrorCode>checkHeap(this.root) : ErrorCode.NOT_INITIALIZED;
  }
  /** Fills `out` (or a new HeapStats) with the heap's statistics. */
  stats(out: HeapStats = new HeapStats()): HeapStats {
    if (!core.isHeap(this.root)) return out;
    core.statsInto(this.root, statsScratch);
    out.totalBytes = getStat(statsScratch, 0);
    out.usedBytes = getStat(statsScratch, 1);
    out.freeBytes = getStat(statsScratch, 2);
    out.metaBytes = getStat(statsScratch, 3);
    out.largestFree = getStat(statsScratch, 4);
    out.minBlock = getStat(statsScratch, 5);
    out.maxOrder = <u32>getStat(statsScratch, 6);
    out.regionCount = <u32>getStat(statsScratch, 7);
    out.slackBytes = getStat(statsScratch, ST_SLACK);
    out.allocs = getStat64(statsScratch, Counter.ALLOCS);
    out.frees = getStat64(statsScratch, Counter.FREES);
    out.splits = getStat64(statsScratch, Counter.SPLITS);
    out.merges = getStat64(statsScratch, Counter.MERGES);
    out.failedAllocs = getStat64(statsScratch, Counter.FAILED_ALLOCS);
    out.rejectedFrees = getStat64(statsScratch, Counter.REJECTED_FREES);
    out.grows = getStat64(statsScratch, Counter.GROWS);
    out.inPlaceReallocs = getStat64(statsScratch, Counter.IN_PLACE_REALLOCS);
    for (let k: u32 = 0; k < 32; ++k) unchecked(out.freeBlocks[k] = getStatFree(statsScratch, k));
    return out;
  }
  /** Writes the raw statistics record (layout.ts) to `out`, STATS_SIZE bytes; BAD_REGION if
   *  that does not fit in memory. */
  statsInto(out: usize): ErrorCode {
    if (!core.isHeap(this.root)) return ErrorCode.NOT_INITIALIZED;
    if (<u64>out + <u64>STATS_SIZE > <u64>memory.size() << 16) return ErrorCode.BAD_REGION; // would trap
    core.statsInto(this.root, out);
    return ErrorCode.OK;
  }
  /** alloc without input checks: size must be 1..maxBlock. 0 only when out of memory. */
  allocUnchecked(size: usize): usize { return core.allocUnchecked(this.root, size); }
  /** free without checks: ptr must be a live block of this heap. */
  freeUnchecked(ptr: usize): void { core.freeUnchecked(this.root, ptr); }
}


// ── BuddyPool ────────────────────────────────────────────────────────────────────────────────

const poolScratch = memory.data(<i32>POOL_STATS_SIZE, 16);

/** A snapshot of a pool's statistics, with buddy_pool's fields. Bytes are of the pool's range. */
export class PoolStats {
  totalBytes: u64 = 0;
  usedBytes: u64 = 0;
  freeBytes: u64 = 0;
  largestFree: u64 = 0;
  minBuddy: u64 = 0;
  /** The largest block the pool can hold. */
  maxBuddy: u64 = 0;
  maxOrder: u32 = 0;
  /** Linear-memory bytes the pool's metadata takes from its heap. */
  metaBytes: u32 = 0;
  allocs: u64 = 0;
  frees: u64 = 0;
  outOfMemory: u64 = 0;
  freeingFree: u64 = 0;
  invalidAddresses: u64 = 0;
  oversizeAllocs: u64 = 0;
  undersizeAllocs: u64 = 0;
  staleHandles: u64 = 0;
  splits: u64 = 0;
  merges: u64 = 0;
  /** Per free list (order 0..maxOrder): blocks pushed, taken by alloc, unlinked to merge, and
   *  on the list now. */
  enqueues: StaticArray<u64> = new StaticArray<u64>(32);
  dequeues: StaticArray<u64> = new StaticArray<u64>(32);
  removes: StaticArray<u64> = new StaticArray<u64>(32);
  sizes: StaticArray<u32> = new StaticArray<u32>(32);
}

/** A buddy allocator for a range it never touches (pool.ts): addresses are u64 up to 2^53 in
 *  whatever address space the range belongs to. Calls that return an address or a size return
 *  a negative PoolError on failure. The object pointer is the pool's header, in the heap its
 *  metadata came from. */
@final @unmanaged
export class BuddyPool {
  /** Why the last BuddyPool.create returned null. */
  static get createError(): PoolError { return <PoolError>pools.poolCreateError(); }

  /** Creates a pool over [base, base + size) with buddy_pool's configuration; its metadata
   *  (16 bytes per minBuddy unit, plus about 1.6 KiB) comes from `heap`. Null on failure. */
  static create(heap: BuddyHeap, base: u64, size: u64, minAlloc: u64, maxAlloc: u64, minBuddy: u64): BuddyPool | null {
    let p = pools.createPool(changetype<usize>(heap), base, size, minAlloc, maxAlloc, minBuddy);
    return p ? changetype<BuddyPool>(p) : null;
  }
  /** The pool at `pointer`, or null. */
  static at(pointer: usize): BuddyPool | null {
    return pools.isPool(pointer) ? changetype<BuddyPool>(pointer) : null;
  }

  get pointer(): usize { return changetype<usize>(this); }
  get live(): bool { return pools.isPool(this.pointer); }
  get base(): u64 { return this.live ? poolBase(this.pointer) : 0; }
  get size(): u64 { return this.live ? poolSize(this.pointer) : 0; }
  get minAlloc(): u64 { return this.live ? poolMinAlloc(this.pointer) : 0; }
  get maxAlloc(): u64 { return this.live ? poolMaxAlloc(this.pointer) : 0; }
  get minBuddy(): u64 { return this.live ? <u64>1 << poolMinLog(this.pointer) : 0; }
  /** The largest block (maxAlloc rounded up, within what the pool holds). */
  get maxBuddy(): u64 { return this.live ? <u64>1 << (poolMinLog(this.pointer) + poolMaxOrder(this.pointer)) : 0; }

  /** The address of a block of at least `bytes`, aligned to its size relative to base; or
   *  -PoolError. */
  alloc(bytes: u64): i64 { return this.live ? pools.poolAlloc(this.pointer, bytes) : -PoolError.NOT_A_POOL; }
  free(address: u64): PoolError { return this.live ? <PoolError>pools.poolFree(this.pointer, address) : PoolError.NOT_A_POOL; }
  /** The block size at `address`, or -PoolError. */
  usableSize(address: u64): i64 { return this.live ? pools.poolUsableSize(this.pointer, address) : -PoolError.NOT_A_POOL; }
  /** alloc, returning a generation-tagged handle (positive, below 2^53), or -PoolError. */
  allocHandle(bytes: u64): i64 { return this.live ? pools.poolAllocHandle(this.pointer, bytes) : -PoolError.NOT_A_POOL; }
  /** The address behind a live handle, or -PoolError (STALE_HANDLE once it was freed). */
  handleAddress(handle: u64): i64 { return this.live ? pools.poolHandleAddress(this.pointer, handle) : -PoolError.NOT_A_POOL; }
  freeHandle(handle: u64): PoolError { return this.live ? <PoolError>pools.poolFreeHandle(this.pointer, handle) : PoolError.NOT_A_POOL; }
  check(): PoolError { return this.live ? <PoolError>pools.poolCheck(this.pointer) : PoolError.NOT_A_POOL; }
  /** Returns the metadata to the heap; the pool is gone (every call answers NOT_A_POOL). */
  destroy(): PoolError { return <PoolError>pools.destroyPool(this.pointer); }

  stats(out: PoolStats = new PoolStats()): PoolStats {
    if (!this.live) return out;
    let s = poolScratch;
    pools.poolStatsInto(this.pointer, s);
    out.totalBytes = getPoolStat64(s, PS_TOTAL);
    out.usedBytes = getPoolStat64(s, PS_USED);
    out.freeBytes = getPoolStat64(s, PS_FREE);
    out.largestFree = getPoolStat64(s, PS_LARGEST);
    out.minBuddy = getPoolStat64(s, PS_MIN_BUDDY);
    out.maxBuddy = getPoolStat64(s, PS_MAX_BUDDY);
    out.maxOrder = getPoolStat32(s, PS_MAX_ORDER);
    out.metaBytes = getPoolStat32(s, PS_META);
    out.allocs = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.ALLOCS << 3));
    out.frees = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.FREES << 3));
    out.outOfMemory = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.OUT_OF_MEMORY << 3));
    out.freeingFree = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.FREEING_FREE << 3));
    out.invalidAddresses = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.INVALID_ADDRESSES << 3));
    out.oversizeAllocs = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.OVERSIZE << 3));
    out.undersizeAllocs = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.UNDERSIZE << 3));
    out.staleHandles = getPoolStat64(s, PS_COUNTERS + (<usize>PoolCounter.STALE_HANDLES << 3));
    out.splits = getPoolStat64(s, PS_SPLITS);
    out.merges = getPoolStat64(s, PS_MERGES);
    for (let k: u32 = 0; k < 32; ++k) {
      let at = PS_LISTS + <usize>k * PS_LIST_BYTES;
      unchecked(out.enqueues[k] = getPoolStat64(s, at));
      unchecked(out.dequeues[k] = getPoolStat64(s, at + 8));
      unchecked(out.removes[k] = getPoolStat64(s, at + 16));
      unchecked(out.sizes[k] = getPoolStat32(s, at + 24));
    }
    return out;
  }
}
