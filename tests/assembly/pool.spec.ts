// Specs of BuddyPool through its AssemblyScript API: exact addresses of the buddy_pool example
// configuration, u64 ranges beyond any memory, handles, stats and errors.
import { BuddyHeap, BuddyPool, PoolError, PoolStats, computeBuddySize, poolErrorMessage } from "../../assembly/index";

const KiB: u64 = 1024;
const MiB: u64 = 1024 * KiB;

/** A heap for pool metadata over a fresh arena from the test runtime. */
function metaHeap(): BuddyHeap {
  let size: usize = 1 << 20;
  let p = heap.alloc(size);
  return BuddyHeap.init(p, size)!;
}

describe("BuddyPool", () => {
  it("serves buddy_pool's example configuration from the top of its carve, relative to base", () => {
    let h = metaHeap();
    let base: u64 = 0x1_0000_0123; // beyond 4 GiB, not aligned to anything
    let pool = BuddyPool.create(h, base, 2 * MiB, 1, 17 * KiB, 8192)!;
    expect(pool.maxBuddy).toBe(32 * KiB);
    // The carve pushes 64 blocks of 32 KiB in address order; LIFO lists serve the last first.
    let a = pool.alloc(17 * KiB);
    expect(a).toBe(<i64>(base + 2 * MiB - 32 * KiB));
    expect(pool.usableSize(<u64>a)).toBe(<i64>(32 * KiB));
    let b = pool.alloc(1); // splits the next 32 KiB block down to 8 KiB
    expect(b).toBe(<i64>(base + 2 * MiB - 64 * KiB));
    let s = pool.stats();
    expect(s.splits).toBe(2);
    expect(s.dequeues[2]).toBe(2);
    expect(s.enqueues[0]).toBe(1);
    expect(s.enqueues[1]).toBe(1);
    expect(s.sizes[2]).toBe(62);
    expect(pool.free(<u64>b)).toBe(PoolError.OK);
    s = pool.stats();
    expect(s.merges).toBe(2);
    expect(s.removes[0]).toBe(1);
    expect(s.removes[1]).toBe(1);
    expect(pool.free(<u64>b)).toBe(PoolError.FREEING_FREE_MEMORY);
    expect(pool.alloc(0)).toBe(-PoolError.UNDERSIZE_ALLOC);
    expect(pool.alloc(17 * KiB + 1)).toBe(-PoolError.OVERSIZE_ALLOC);
    expect(pool.free(base - 1)).toBe(PoolError.ADDRESS_OUTSIDE_POOL);
    expect(pool.free(<u64>a + 1)).toBe(PoolError.UNALIGNED_ADDRESS);
    expect(pool.free(<u64>a + 8192)).toBe(PoolError.INVALID_ADDRESS);
    expect(pool.check()).toBe(PoolError.OK);
    expect(pool.free(<u64>a)).toBe(PoolError.OK);
    let n = 0;
    while (pool.alloc(1) >= 0) ++n;
    expect(n).toBe(256);
    expect(pool.destroy()).toBe(PoolError.OK);
    expect(pool.alloc(1)).toBe(-PoolError.NOT_A_POOL);
    expect(h.check()).toBe(0);
  });

  it("rejects bad configurations with the documented error", () => {
    let h = metaHeap();
    expect(BuddyPool.create(h, 0, MiB, 1, 0, 4096)).toBeNull(); // maxAlloc 0
    expect(BuddyPool.createError).toBe(PoolError.INVALID_PARAMETER);
    expect(BuddyPool.create(h, 0, 768 * KiB, 1, 600 * KiB, 4096)).toBeNull(); // 1 MiB block > pool
    expect(BuddyPool.createError).toBe(PoolError.INVALID_PARAMETER);
    expect(BuddyPool.create(h, 0, 4095, 1, 100, 4096)).toBeNull();
    expect(BuddyPool.createError).toBe(PoolError.EMPTY_POOL);
    expect(BuddyPool.create(h, <u64>1 << 53, 4096, 1, 100, 4096)).toBeNull();
    expect(BuddyPool.createError).toBe(PoolError.INVALID_PARAMETER);
    expect(BuddyPool.create(h, 0, MiB, 1, KiB, 4096)).toBeNull(); // minBuddy above the largest block
    expect(BuddyPool.createError).toBe(PoolError.INVALID_PARAMETER);
    expect(BuddyPool.create(h, 0, MiB, 1, 2 * MiB, 4096)).toBeNull();
    expect(BuddyPool.createError).toBe(PoolError.INVALID_PARAMETER);
    expect(h.stats().usedBytes).toBe(0);
    let odd = BuddyPool.create(h, 0, MiB, 0, 64 * KiB, 3000)!; // minBuddy rounds down to 2048
    expect(odd.minBuddy).toBe(2048);
    expect(odd.usableSize(<u64>odd.alloc(0))).toBe(2048);
  });

  it("tags handles with a generation so stale ones are caught", () => {
    let h = metaHeap();
    let pool = BuddyPool.create(h, 0, 64 * KiB, 1, 4 * KiB, 4 * KiB)!;
    let h1 = pool.allocHandle(100);
    expect(h1).toBeGreaterThan(0);
    let addr = pool.handleAddress(<u64>h1);
    expect(pool.freeHandle(<u64>h1)).toBe(PoolError.OK);
    let h2 = pool.allocHandle(100);
    expect(pool.handleAddress(<u64>h2)).toBe(addr);
    expect(pool.freeHandle(<u64>h1)).toBe(PoolError.STALE_HANDLE);
    expect(pool.handleAddress(<u64>h1)).toBe(-PoolError.STALE_HANDLE);
    expect(pool.stats().staleHandles).toBe(2);
    expect(pool.check()).toBe(PoolError.OK);
  });

  it("names its pool in each handle: another pool's handle is INVALID_HANDLE", () => {
    let h = metaHeap();
    let a = BuddyPool.create(h, 0, 64 * KiB, 1, 4 * KiB, 4 * KiB)!;
    let b = BuddyPool.create(h, 0, 64 * KiB, 1, 4 * KiB, 4 * KiB)!;
    let ha = a.allocHandle(100);
    let hb = b.allocHandle(100);
    expect(a.handleAddress(<u64>ha)).toBe(b.handleAddress(<u64>hb));
    expect(ha).not.toBe(hb);
    expect(a.freeHandle(<u64>hb)).toBe(PoolError.INVALID_HANDLE);
    expect(a.freeHandle(<u64>ha)).toBe(PoolError.OK);
    expect(b.freeHandle(<u64>hb)).toBe(PoolError.OK);
    expect(a.check()).toBe(PoolError.OK);
  });

  it("computes buddy sizes like buddy_pool", () => {
    expect(computeBuddySize(1, 8192, 32768)).toBe(8192);
    expect(computeBuddySize(17 * 1024, 8192, 32768)).toBe(32768);
    expect(computeBuddySize(32769, 8192, 32768)).toBe(-PoolError.INVALID_SIZE);
    expect(computeBuddySize(1, 1023, 2048)).toBe(-PoolError.INVALID_PARAMETER);
    expect(computeBuddySize(0, 8192, 32768)).toBe(8192);
    expect(poolErrorMessage(PoolError.STALE_HANDLE)).toBe("handle is stale: its block was freed");
  });
});
