// Specs of the core heap through its AssemblyScript API. Arenas come from the test runtime's own
// allocator (never __heap_base) and are aligned so that exact addresses can be asserted.
import { BuddyHeap, ErrorCode, CheckFailure, HeapStats, CB_SIZE, MAX_REGIONS } from "../../assembly/index";
import { getFreeBase, setBit, clearBit, getNext, setNext, getUsed, setUsed, metadataBytes } from "../../assembly/layout";

/** A fresh arena of `size` bytes aligned to `align`, never freed. */
function arena(size: usize, align: usize): usize {
  let p = heap.alloc(size + align);
  return (p + align - 1) & ~(align - 1);
}

/** Everything a rejected call must leave unchanged, as one comparable string. */
function snapshot(h: BuddyHeap): string {
  let s = h.stats();
  let out = s.totalBytes.toString() + "/" + s.usedBytes.toString() + "/" + s.freeBytes.toString() + "/" +
    s.metaBytes.toString() + "/" + s.largestFree.toString() + "/" + s.regionCount.toString() + "/" +
    s.allocs.toString() + "/" + s.frees.toString() + "/" + s.splits.toString() + "/" + s.merges.toString() + ":";
  for (let k = 0; k < 32; ++k) out += s.freeBlocks[k].toString() + ",";
  return out;
}

/** An eager (textbook) heap over [A, A + 8192) with a 4 KiB largest block. */
function small(a: usize, defer: u32 = 0): BuddyHeap {
  return BuddyHeap.init(a, 8192, 16, 8, 0, defer, true)!;
}

/** Allocates every free block of an order below `order`, so the next small request splits a
 *  block of at least that order (the carve leaves small blocks after the metadata). */
function drainBelow(h: BuddyHeap, order: u32): void {
  for (let k: u32 = 0; k < order; ++k) {
    while (h.stats().freeBlocks[k] > 0) h.alloc(<usize>16 << k);
  }
}

/** Expected free blocks per order when [a, e) is carved into aligned blocks (max order 8). */
function carvedCounts(a: usize, e: usize, maxOrder: u32): StaticArray<u32> {
  let counts = new StaticArray<u32>(32);
  while (a < e) {
    let j = <u32>ctz<u32>(<u32>a) - 4;
    if (j > maxOrder) j = maxOrder;
    while ((<usize>16 << j) > e - a) --j;
    counts[j] += 1;
    a += <usize>16 << j;
  }
  return counts;
}

describe("init", () => {
  test("puts the control block at the base rounded up to 16 and manages the rest", () => {
    let a = arena(8192, 65536);
    let h = BuddyHeap.init(a + 3, 8189, 16, 8)!;
    expect<usize>(h.root).toBe(a + 16, "root is base rounded up to 16");
    let s = h.stats();
    let start = (a + 16 + CB_SIZE + 15) & ~15;
    expect<usize>(s.totalBytes).toBe(a + 8192 - start, "the region is what follows the control block");
    expect<usize>(s.usedBytes).toBe(0);
    expect<usize>(s.freeBytes + s.metaBytes).toBe(s.totalBytes, "all but metadata is free");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("carves the region into the largest naturally aligned blocks", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let s = h.stats();
    let freeStart = ((a + CB_SIZE + 15) & ~15) + s.metaBytes;
    let want = carvedCounts(freeStart, a + 8192, 8);
    for (let k = 0; k <= 8; ++k) expect<u32>(s.freeBlocks[k]).toBe(want[k], "free blocks of order " + k.toString());
    expect<usize>(s.largestFree).toBe(4096, "[A+4096, A+8192) is one top block");
  });

  test("keeps metadata at about 1/64 of the region with 16-byte blocks", () => {
    let size: usize = 1 << 20;
    let a = arena(size, 65536);
    let h = BuddyHeap.init(a, size)!;
    let meta = h.stats().metaBytes;
    expect<bool>(meta <= size / 60).toBe(true, "metadata " + meta.toString() + " of " + size.toString());
    expect<bool>(meta >= size / 70).toBe(true, "two bits per unit are really there");
  });

  test("rejects bad configurations with BAD_CONFIG", () => {
    let a = arena(8192, 16);
    expect<bool>(BuddyHeap.init(a, 8192, 0) == null).toBe(true);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "minBlock 0");
    BuddyHeap.init(a, 8192, 24);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "minBlock not a power of two");
    BuddyHeap.init(a, 8192, 4);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "minBlock below 8");
    BuddyHeap.init(a, 8192, 1 << 17);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "minBlock above 64 KiB");
    BuddyHeap.init(a, 8192, 16, 28);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "largest block above 2^31");
    BuddyHeap.init(a, 8192, 16, 8, 65536);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_CONFIG, "growth limit above 65535 pages");
    expect<bool>(BuddyHeap.init(a, 8192, 8, 28) != null).toBe(true, "8 << 28 = 2^31 is allowed");
  });

  test("rejects bad regions with BAD_REGION and writes nothing", () => {
    let a = arena(4096, 16);
    memory.fill(a, 0xAB, 4096);
    BuddyHeap.init(a, 0);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "empty");
    BuddyHeap.init(a, CB_SIZE);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "no room after the control block");
    BuddyHeap.init(a, CB_SIZE + 48);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "no room for the metadata");
    BuddyHeap.init(<usize>memory.size() << 16, 4096);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "beyond the end of memory");
    BuddyHeap.init(0xFFFFFF00, 0x200);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "end wraps around");
    let low = load<u64>(0);
    expect<bool>(BuddyHeap.init(0, 65536) == null).toBe(true);
    expect<ErrorCode>(BuddyHeap.initError).toBe(ErrorCode.BAD_REGION, "address 0 (the null pointer)");
    expect<u64>(load<u64>(0)).toBe(low, "nothing written at address 0");
    let intact = true;
    for (let p = a; p < a + 4096; ++p) if (load<u8>(p) != 0xAB) intact = false;
    expect<bool>(intact).toBe(true, "a failed init leaves the range untouched");
  });

  test("BuddyHeap.at recognises initialised heaps only, without trapping", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    expect<bool>(BuddyHeap.at(h.root) != null).toBe(true);
    expect<bool>(BuddyHeap.at(h.root + 16) == null).toBe(true, "not a control block");
    expect<bool>(BuddyHeap.at(0) == null).toBe(true, "null");
    expect<bool>(BuddyHeap.at(0xFFFFFFF0) == null).toBe(true, "outside memory");
    let bogus = changetype<BuddyHeap>(h.root + 32);
    expect<usize>(bogus.alloc(16)).toBe(0, "methods of a non-heap do nothing");
    expect<ErrorCode>(bogus.free(a)).toBe(ErrorCode.NOT_INITIALIZED);
    expect<ErrorCode>(bogus.check()).toBe(ErrorCode.NOT_INITIALIZED);
  });
});

describe("alloc", () => {
  test("returns exact, naturally aligned blocks", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    expect<usize>(h.alloc(4096)).toBe(a + 4096, "the top block");
    expect<usize>(h.alloc(2048)).toBe(a + 2048, "the order-7 block before it");
    expect<usize>(h.alloc(1024)).toBe(0, "the control block (896 bytes) and the metadata fill [a, a + 1024)");
    expect<usize>(h.alloc(4096)).toBe(0, "nothing that large is left");
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.OUT_OF_MEMORY);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("splits a block and hands out its lower half first, the buddy next", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    drainBelow(h, 8); // leaves the 4 KiB top block as the only free block
    let splitsBefore = h.stats().splits;
    let p = h.alloc(16);
    expect<usize>(p).toBe(a + 4096, "lowest unit of the split top block");
    expect<usize>(h.alloc(16)).toBe(a + 4096 + 16, "its buddy");
    expect<usize>(h.alloc(32)).toBe(a + 4096 + 32, "the order-1 buddy");
    expect<usize>(h.alloc(64)).toBe(a + 4096 + 64, "the order-2 buddy");
    expect<u64>(h.stats().splits - splitsBefore).toBe(8, "eight splits from order 8 to order 0");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("rounds sizes up to the next power of two and no further", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    expect<usize>(h.usableSize(h.alloc(1))).toBe(16);
    expect<usize>(h.usableSize(h.alloc(16))).toBe(16);
    expect<usize>(h.usableSize(h.alloc(17))).toBe(32);
    expect<usize>(h.usableSize(h.alloc(100))).toBe(128);
    expect<usize>(h.usableSize(h.alloc(1024))).toBe(1024);
    expect<usize>(h.stats().usedBytes).toBe(16 + 16 + 32 + 128 + 1024);
  });

  test("allocAligned aligns without inflating the block", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.allocAligned(16, 1024);
    expect<usize>(p & 1023).toBe(0, "aligned to 1024");
    expect<usize>(h.usableSize(p)).toBe(16, "the block is still 16 bytes");
    expect<usize>(h.stats().usedBytes).toBe(16, "only 16 bytes are used");
    let q = h.allocAligned(100, 16);
    expect<usize>(h.usableSize(q)).toBe(128, "a small alignment changes nothing");
    expect<usize>(h.allocAligned(16, 4096) & 4095).toBe(0, "alignment up to the largest block");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("allocZeroed zeroes the bytes asked for", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(256);
    memory.fill(p, 0xFF, 256);
    h.free(p);
    let q = h.allocZeroed(256);
    expect<usize>(q).toBe(p, "the same block comes back");
    let zero = true;
    for (let i: usize = 0; i < 256; ++i) if (load<u8>(q + i) != 0) zero = false;
    expect<bool>(zero).toBe(true);
  });
});

describe("free and coalescing", () => {
  test("freeing every block of an eager heap merges them back into the top block", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    drainBelow(h, 8);
    let before = snapshot(h);
    let blocks = new StaticArray<usize>(256);
    for (let i = 0; i < 256; ++i) blocks[i] = h.alloc(16); // the 4 KiB top block, unit by unit
    let s = h.stats();
    expect<u32>(s.freeBlocks[8]).toBe(0, "the top block is split up");
    for (let i = 0; i < 256; ++i) expect<usize>(blocks[i]).toBe(a + 4096 + 16 * <usize>i, "units in address order");
    for (let i = 255; i >= 0; --i) expect<ErrorCode>(h.free(blocks[i])).toBe(ErrorCode.OK);
    s = h.stats();
    expect<u32>(s.freeBlocks[8]).toBe(1, "the top block is whole again");
    expect<usize>(s.largestFree).toBe(4096);
    expect<u64>(s.merges).toBe(s.splits, "every split was undone");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
    expect<bool>(snapshot(h).slice(snapshot(h).indexOf(":")) == before.slice(before.indexOf(":"))).toBe(true, "same free blocks per order");
  });

  test("deferred coalescing keeps recent frees unmerged until coalesce()", () => {
    let a = arena(8192, 65536);
    let h = small(a, 16);
    drainBelow(h, 8);
    let p = h.alloc(16);
    let q = h.alloc(16);
    h.free(p);
    h.free(q);
    let s = h.stats();
    expect<u32>(s.freeBlocks[0]).toBe(2, "both units sit on the order-0 list");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK, "unmerged buddies are legal when deferring");
    expect<usize>(h.alloc(16)).toBe(q, "the last freed is reused first, in O(1)");
    h.free(q);
    expect<u32>(h.coalesce()).toBe(8, "merged from order 0 up to the top block");
    s = h.stats();
    expect<u32>(s.freeBlocks[0]).toBe(0);
    expect<usize>(s.largestFree).toBe(4096);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("frees merge eagerly once a list is at its defer limit", () => {
    let a = arena(8192, 65536);
    let h = small(a, 1);
    drainBelow(h, 8);
    let p = h.alloc(16);
    let q = h.alloc(16);
    h.free(p); // the order-0 list is empty: deferred
    h.free(q); // the list has one block: merged with p at once, and up to the top
    let s = h.stats();
    expect<u32>(s.freeBlocks[0]).toBe(0);
    expect<u32>(s.freeBlocks[8]).toBe(1);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("alloc coalesces deferred blocks before it reports out of memory", () => {
    let a = arena(8192, 65536);
    let h = small(a, 1000);
    drainBelow(h, 8);
    let units = new StaticArray<usize>(256);
    for (let i = 0; i < 256; ++i) units[i] = h.alloc(16);
    for (let i = 0; i < 256; ++i) h.free(units[i]);
    expect<u32>(h.stats().freeBlocks[0]).toBe(256, "all deferred");
    expect<usize>(h.alloc(4096)).toBe(a + 4096, "merged on demand");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("dealloc checks the size against the block", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.allocAligned(100, 256);
    expect<ErrorCode>(h.dealloc(p, 65, 256)).toBe(ErrorCode.OK, "any size of the same block order");
    let q = h.alloc(100);
    expect<ErrorCode>(h.dealloc(q, 100, 16)).toBe(ErrorCode.OK);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });
});

describe("realloc", () => {
  test("shrinks in place by splitting", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(4096);
    expect<usize>(h.realloc(p, 100)).toBe(p);
    expect<usize>(h.usableSize(p)).toBe(128);
    let s = h.stats();
    expect<usize>(s.usedBytes).toBe(128);
    expect<u64>(s.inPlaceReallocs).toBe(1);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("grows in place by absorbing free buddies", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(4096);
    h.realloc(p, 1024);
    store<u64>(p + 1016, 0x0123456789ABCDEF);
    expect<usize>(h.realloc(p, 4000)).toBe(p, "the 1 KiB and 2 KiB buddies were free");
    expect<usize>(h.usableSize(p)).toBe(4096);
    expect<u64>(load<u64>(p + 1016)).toBe(0x0123456789ABCDEF, "contents stay");
    expect<u64>(h.stats().inPlaceReallocs).toBe(2);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("moves when the buddy is in use, keeping the contents", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(16);
    let q = h.alloc(16);
    expect<usize>(q).toBe(p + 16, "q is p's buddy");
    for (let i: usize = 0; i < 16; ++i) store<u8>(p + i, <u8>(i + 1));
    let r = h.realloc(p, 200);
    expect<bool>(r != p).toBe(true, "cannot grow over q");
    let same = true;
    for (let i: usize = 0; i < 16; ++i) if (load<u8>(r + i) != <u8>(i + 1)) same = false;
    expect<bool>(same).toBe(true, "the 16 bytes moved");
    expect<usize>(h.usableSize(r)).toBe(256);
    expect<usize>(h.usableSize(p)).toBe(0, "the old block is free");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("keeps the pointer when the order does not change, and allocates from null", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(100);
    expect<usize>(h.realloc(p, 128)).toBe(p);
    expect<usize>(h.realloc(p, 65)).toBe(p);
    let q = h.realloc(0, 64);
    expect<usize>(h.usableSize(q)).toBe(64);
  });

  test("out of memory leaves the old block valid and unchanged", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let big = h.alloc(4096);
    let p = h.alloc(1024);
    store<u32>(p, 0xCAFE);
    let before = snapshot(h);
    expect<usize>(h.realloc(p, 2049)).toBe(0, "no 4 KiB block is left");
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.OUT_OF_MEMORY);
    expect<string>(snapshot(h)).toBe(before);
    expect<u32>(load<u32>(p)).toBe(0xCAFE);
    expect<usize>(h.usableSize(p)).toBe(1024);
    expect<ErrorCode>(h.free(big)).toBe(ErrorCode.OK);
  });
});

describe("regions", () => {
  test("a region at address 0 is BAD_REGION and changes nothing", () => {
    let a = arena(16384, 65536);
    let h = BuddyHeap.init(a, 8192, 16, 10, 0, 0)!;
    let before = h.stats().totalBytes;
    expect<ErrorCode>(h.addRegion(0, 1024)).toBe(ErrorCode.BAD_REGION);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.BAD_REGION);
    expect<usize>(h.stats().totalBytes).toBe(before);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("adjacent regions coalesce across the seam", () => {
    let a = arena(16384, 65536);
    let h = BuddyHeap.init(a, 4096, 16, 10, 0, 0)!;
    expect<ErrorCode>(h.addRegion(a + 12288, 4096)).toBe(ErrorCode.OK);
    expect<u32>(h.stats().regionCount).toBe(2);
    expect<ErrorCode>(h.addRegion(a + 8192, 4096)).toBe(ErrorCode.OK);
    let s = h.stats();
    expect<u32>(s.regionCount).toBe(2, "the two new regions are one entry");
    expect<usize>(s.largestFree).toBe(8192, "their 4 KiB halves merged into an 8 KiB block");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
    expect<ErrorCode>(h.addRegion(a + 4096, 4096)).toBe(ErrorCode.OK);
    expect<u32>(h.stats().regionCount).toBe(1, "the gap filled: one region");
    expect<usize>(h.alloc(8192)).toBe(a + 8192, "a block across the seam");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("unaligned regions shrink inward to whole minimum blocks", () => {
    let a = arena(32768, 65536);
    let h = small(a);
    let before = h.stats().totalBytes;
    expect<ErrorCode>(h.addRegion(a + 16384 + 3, 1000)).toBe(ErrorCode.OK);
    expect<usize>(h.stats().totalBytes - before).toBe(976, "[+16, +992) of it");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("a region far from the heap moves the metadata and works", () => {
    let a = arena(8192, 65536);
    let far = arena(65536, 65536);
    let h = small(a);
    let keep = h.alloc(512);
    store<u32>(keep, 77);
    expect<ErrorCode>(h.addRegion(far, 65536)).toBe(ErrorCode.OK);
    let s = h.stats();
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
    expect<u32>(s.regionCount).toBe(2);
    let p = h.alloc(4096);
    expect<bool>(p >= far && p < far + 65536).toBe(true, "served from the new region");
    expect<u32>(load<u32>(keep)).toBe(77);
    expect<usize>(h.usableSize(keep)).toBe(512, "old blocks survive the move");
    expect<ErrorCode>(h.free(keep)).toBe(ErrorCode.OK);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("the region table holds 16 separate regions, then says TOO_MANY_REGIONS", () => {
    let a = arena(65536 * 3, 65536);
    let h = BuddyHeap.init(a, 8192, 16, 8, 0, 0)!;
    for (let i: usize = 1; i < <usize>MAX_REGIONS; ++i) {
      expect<ErrorCode>(h.addRegion(a + 8192 * i + 4096, 4096)).toBe(ErrorCode.OK, "region " + i.toString());
    }
    expect<u32>(h.stats().regionCount).toBe(MAX_REGIONS);
    let before = snapshot(h);
    expect<ErrorCode>(h.addRegion(a + 8192 * 16 + 4096, 4096)).toBe(ErrorCode.TOO_MANY_REGIONS);
    expect<string>(snapshot(h)).toBe(before);
    expect<ErrorCode>(h.addRegion(a + 8192 * 2, 4096)).toBe(ErrorCode.OK, "one that joins its neighbours still fits");
    expect<u32>(h.stats().regionCount).toBe(MAX_REGIONS - 1);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });
});

describe("every misuse returns its code and leaves the heap unchanged", () => {
  test("alloc errors", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    h.alloc(100);
    let before = snapshot(h);
    let failed = h.stats().failedAllocs;
    expect<usize>(h.alloc(0)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.ZERO_SIZE);
    expect<usize>(h.alloc(4097)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.TOO_LARGE);
    expect<usize>(h.alloc(0xFFFFFFFF)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.TOO_LARGE);
    expect<usize>(h.allocAligned(16, 3)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.BAD_ALIGN);
    expect<usize>(h.allocAligned(16, 8192)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.BAD_ALIGN, "alignment above the largest block");
    h.alloc(4096);
    before = snapshot(h);
    expect<usize>(h.alloc(4096)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.OUT_OF_MEMORY);
    expect<string>(snapshot(h)).toBe(before);
    expect<u64>(h.stats().failedAllocs).toBe(failed + 6, "each failure counted once");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("free errors", () => {
    let a = arena(8192, 65536);
    let outside = arena(64, 16);
    let h = small(a);
    let p = h.alloc(256);
    let q = h.alloc(64);
    h.free(q);
    let before = snapshot(h);
    let rejected = h.stats().rejectedFrees;
    let failed = h.stats().failedAllocs;
    expect<ErrorCode>(h.free(0)).toBe(ErrorCode.NOT_IN_HEAP, "null");
    expect<ErrorCode>(h.free(outside)).toBe(ErrorCode.NOT_IN_HEAP, "foreign pointer");
    expect<ErrorCode>(h.free(h.root)).toBe(ErrorCode.NOT_IN_HEAP, "the control block is not a region");
    expect<ErrorCode>(h.free(0xFFFFFFF0)).toBe(ErrorCode.NOT_IN_HEAP, "beyond memory");
    expect<ErrorCode>(h.free(p + 1)).toBe(ErrorCode.NOT_BLOCK_START, "misaligned");
    expect<ErrorCode>(h.free(p + 16)).toBe(ErrorCode.NOT_BLOCK_START, "interior");
    let metaStart = (h.root + CB_SIZE + 15) & ~15;
    expect<ErrorCode>(h.free(metaStart)).toBe(ErrorCode.NOT_BLOCK_START, "the metadata area");
    expect<ErrorCode>(h.free(q)).toBe(ErrorCode.DOUBLE_FREE, "double free");
    expect<ErrorCode>(h.dealloc(p, 100, 16)).toBe(ErrorCode.SIZE_MISMATCH, "smaller order");
    expect<ErrorCode>(h.dealloc(p, 257, 16)).toBe(ErrorCode.SIZE_MISMATCH, "larger order");
    expect<ErrorCode>(h.dealloc(p, 256, 3)).toBe(ErrorCode.SIZE_MISMATCH, "bad alignment");
    expect<ErrorCode>(h.dealloc(p, 0, 0)).toBe(ErrorCode.SIZE_MISMATCH, "zero size");
    expect<ErrorCode>(h.dealloc(q, 64, 0)).toBe(ErrorCode.DOUBLE_FREE, "sized double free");
    expect<usize>(h.realloc(q, 32)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.DOUBLE_FREE, "realloc of a freed block");
    expect<usize>(h.realloc(p + 16, 32)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.NOT_BLOCK_START);
    expect<usize>(h.realloc(p, 0)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.ZERO_SIZE);
    expect<usize>(h.realloc(p, 4097)).toBe(0);
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.TOO_LARGE);
    expect<usize>(h.usableSize(q)).toBe(0, "usableSize of a free block");
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.DOUBLE_FREE);
    expect<string>(snapshot(h)).toBe(before);
    expect<u64>(h.stats().rejectedFrees).toBe(rejected + 15, "bad pointers to free, dealloc, realloc");
    expect<u64>(h.stats().failedAllocs).toBe(failed + 2, "bad sizes to realloc");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("a freed block merged since is still a double free", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(16);
    let q = h.alloc(16);
    h.free(p);
    h.free(q); // p and q merged up to the top block
    expect<ErrorCode>(h.free(q)).toBe(ErrorCode.DOUBLE_FREE, "q is now inside a free block");
    expect<ErrorCode>(h.free(p)).toBe(ErrorCode.DOUBLE_FREE, "p starts a larger free block");
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("region errors", () => {
    let a = arena(16384, 65536);
    let h = small(a);
    let before = snapshot(h);
    expect<ErrorCode>(h.addRegion(a + 8192, 0)).toBe(ErrorCode.BAD_REGION, "empty");
    expect<ErrorCode>(h.addRegion(a + 8193, 14)).toBe(ErrorCode.BAD_REGION, "no whole block inside");
    expect<ErrorCode>(h.addRegion(<usize>memory.size() << 16, 4096)).toBe(ErrorCode.BAD_REGION, "outside memory");
    expect<ErrorCode>(h.addRegion(0xFFFFF000, 0x2000)).toBe(ErrorCode.BAD_REGION, "wraps around");
    expect<ErrorCode>(h.addRegion(a + 4096, 8192)).toBe(ErrorCode.REGION_OVERLAP, "overlaps the region");
    expect<ErrorCode>(h.addRegion(a + 2000, 16)).toBe(ErrorCode.REGION_OVERLAP, "inside the region");
    expect<ErrorCode>(h.addRegion(a - 64, 128)).toBe(ErrorCode.REGION_OVERLAP, "over the control block");
    expect<ErrorCode>(h.lastError).toBe(ErrorCode.REGION_OVERLAP);
    expect<string>(snapshot(h)).toBe(before);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });
});

describe("check()", () => {
  test("statsInto rejects a record that would not fit in memory", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    expect<ErrorCode>(h.statsInto(0xFFFFFF00)).toBe(ErrorCode.BAD_REGION);
    expect<ErrorCode>(h.statsInto((<usize>memory.size() << 16) - 16)).toBe(ErrorCode.BAD_REGION);
    let out = arena(256, 16);
    expect<ErrorCode>(h.statsInto(out)).toBe(ErrorCode.OK);
  });

  test("finds a stray free bit", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    let p = h.alloc(256);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
    setBit(getFreeBase(h.root), (p + 16) >> 4); // inside the block: no free block starts there
    expect<ErrorCode>(h.check()).toBe(ErrorCode.CORRUPT);
    expect<CheckFailure>(h.checkDetail).toBe(CheckFailure.FREE_BITS);
    clearBit(getFreeBase(h.root), (p + 16) >> 4);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("finds a broken free list", () => {
    let a = arena(8192, 65536);
    let h = small(a, 16);
    let p = h.alloc(16);
    let q = h.alloc(16);
    let r = h.alloc(16);
    h.free(p);
    h.free(q);
    h.free(r); // the order-0 list is r -> q -> p (LIFO)
    let saved = getNext(q);
    setNext(q, r); // a cycle
    expect<ErrorCode>(h.check()).toBe(ErrorCode.CORRUPT);
    expect<CheckFailure>(h.checkDetail).toBe(CheckFailure.LIST_LINKS);
    setNext(q, saved);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("finds wrong byte counters", () => {
    let a = arena(8192, 65536);
    let h = small(a);
    h.alloc(64);
    setUsed(h.root, getUsed(h.root) + 16);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.CORRUPT);
    expect<CheckFailure>(h.checkDetail).toBe(CheckFailure.USED_BYTES);
    setUsed(h.root, getUsed(h.root) - 16);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });

  test("finds unmerged buddies in an eager heap", () => {
    let a = arena(8192, 65536);
    let h = small(a, 0);
    drainBelow(h, 8);
    let p = h.alloc(16);
    let q = h.alloc(16);
    h.free(p);
    // Mark q free by hand without merging: the two order-0 buddies are both free leaves.
    setBit(getFreeBase(h.root), q >> 4);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.CORRUPT);
    expect<CheckFailure>(h.checkDetail).toBe(CheckFailure.UNMERGED_BUDDIES, "p's buddy q looks free");
    clearBit(getFreeBase(h.root), q >> 4);
    expect<ErrorCode>(h.check()).toBe(ErrorCode.OK);
  });
});

describe("metadataBytes", () => {
  test("is two bits per unit plus a word or two per order", () => {
    let bytes = metadataBytes(0, 1 << 20, 4, 16, 0);
    expect<bool>(bytes >= (1 << 20) / 64).toBe(true);
    expect<bool>(bytes <= (1 << 20) / 64 + 17 * 8).toBe(true);
  });
});
