// The C-ABI module (build/as-buddy.wasm) under C's contracts, growth, and misuse.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { load, stats, state, ErrorCode, BUILDS, CHECKED_RUN } from "./support.js";
import { CheckFailure, PoolError } from "../bindings/dist/index.js";

for (const build of ["release", "debug", "checked"]) {
  describe(`C module (${build})`, () => {
    test("imports nothing and exports its memory and the C names", () => {
      const mod = new WebAssembly.Module(readFileSync(BUILDS[build]));
      assert.deepEqual(WebAssembly.Module.imports(mod), []);
      const names = WebAssembly.Module.exports(mod).map((x) => x.name);
      for (const n of ["memory", "malloc", "free", "calloc", "realloc", "aligned_alloc", "malloc_usable_size",
        "buddy_init", "buddy_last_error", "buddy_check", "buddy_stats", "buddy_dealloc", "buddy_add_region"]) {
        assert.ok(names.includes(n), `exports ${n}`);
      }
    });

    test("malloc returns 16-byte aligned, disjoint blocks from __heap_base up", () => {
      const e = load(build);
      const seen = [];
      for (const size of [1, 15, 16, 17, 100, 4096, 5000, 65536]) {
        const p = e.malloc(size) >>> 0;
        assert.notEqual(p, 0, `malloc(${size})`);
        assert.equal(p % 16, 0, `malloc(${size}) is 16-byte aligned`);
        assert.ok(p > e.buddy_root() >>> 0, "above the control block");
        const usable = e.malloc_usable_size(p) >>> 0;
        assert.ok(usable >= size && usable < 2 * Math.max(size, 16), `usable ${usable} for ${size}`);
        for (const [q, n] of seen) assert.ok(p + usable <= q || q + n <= p, "blocks do not overlap");
        seen.push([p, usable]);
      }
      assert.equal(e.buddy_check(), ErrorCode.OK);
    });

    test("malloc(0) returns a unique block and free(0) does nothing", () => {
      const e = load(build);
      const a = e.malloc(0) >>> 0;
      const b = e.malloc(0) >>> 0;
      assert.ok(a && b && a !== b);
      const before = state(e);
      e.free(0);
      assert.deepEqual(state(e), before);
      assert.equal(stats(e).rejectedFrees, 0, "free(0) is not an error");
    });

    test("calloc zeroes, and rejects a count * size overflow", () => {
      const e = load(build);
      const p = e.malloc(4096) >>> 0;
      new Uint8Array(e.memory.buffer, p, 4096).fill(0xee);
      e.free(p);
      const q = e.calloc(64, 64) >>> 0;
      assert.equal(q, p, "the dirty block comes back");
      assert.ok(new Uint8Array(e.memory.buffer, q, 4096).every((x) => x === 0));
      const before = state(e);
      const failed = stats(e).failedAllocs;
      assert.equal(e.calloc(0x10000, 0x10001), 0);
      assert.equal(e.buddy_last_error(), ErrorCode.TOO_LARGE);
      assert.deepEqual(state(e), before);
      assert.equal(stats(e).failedAllocs, failed + 1, "counted as a failed allocation");
    });

    test("realloc keeps contents across moves; realloc(p, 0) frees; realloc(0, n) allocates", () => {
      const e = load(build);
      let p = e.realloc(0, 10) >>> 0;
      assert.notEqual(p, 0);
      new Uint8Array(e.memory.buffer, p, 10).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const blocker = e.malloc(16) >>> 0; // p's buddy: growth must move
      p = e.realloc(p, 3000) >>> 0;
      assert.deepEqual([...new Uint8Array(e.memory.buffer, p, 10)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(e.realloc(p, 0), 0);
      assert.equal(e.malloc_usable_size(p), 0, "freed");
      e.free(blocker);
      assert.equal(e.buddy_check(), ErrorCode.OK);
    });

    test("aligned_alloc honours any power-of-two alignment and rejects others", () => {
      const e = load(build);
      for (const align of [16, 64, 4096, 65536, 1 << 20]) {
        const p = e.aligned_alloc(align, 24) >>> 0;
        assert.equal(p % align, 0, `aligned to ${align}`);
        // 24 bytes take 32, a slot or a block, but a block is never below the minimum block
        // (64 bytes in the module's own heap).
        assert.equal(e.malloc_usable_size(p), Math.max(32, align > 32 ? stats(e).minBlock : 0), "not inflated by the alignment");
      }
      const before = state(e);
      const failed = stats(e).failedAllocs;
      assert.equal(e.aligned_alloc(24, 24), 0);
      assert.equal(e.buddy_last_error(), ErrorCode.BAD_ALIGN);
      assert.equal(e.aligned_alloc(0, 24), 0);
      assert.equal(e.buddy_last_error(), ErrorCode.BAD_ALIGN);
      assert.deepEqual(state(e), before);
      assert.equal(stats(e).failedAllocs, failed + 2, "both counted as failed allocations");
    });

    test("bad pointers are rejected without harm", () => {
      const e = load(build);
      const p = e.malloc(256) >>> 0;
      const q = e.malloc(64) >>> 0;
      e.free(q);
      const before = state(e);
      const cases = [
        [p + 16, ErrorCode.NOT_BLOCK_START], [p + 3, ErrorCode.NOT_BLOCK_START], [q, ErrorCode.DOUBLE_FREE],
        [8, ErrorCode.NOT_IN_HEAP], [0xfffffff0, ErrorCode.NOT_IN_HEAP], [e.buddy_root() >>> 0, ErrorCode.NOT_IN_HEAP],
      ];
      for (const [ptr, code] of cases) {
        e.free(ptr);
        assert.equal(e.buddy_last_error(), code, `free(${ptr})`);
        assert.equal(e.realloc(ptr, 32), 0, `realloc(${ptr})`);
        assert.equal(e.malloc_usable_size(ptr), 0, `malloc_usable_size(${ptr})`);
      }
      assert.equal(e.buddy_dealloc(p, 100, 16), ErrorCode.SIZE_MISMATCH);
      assert.deepEqual(state(e), before);
      assert.equal(stats(e).rejectedFrees, 2 * cases.length + 1);
      assert.equal(e.buddy_check(), ErrorCode.OK);
      assert.equal(e.buddy_dealloc(p, 256, 16), ErrorCode.OK);
    });

    test("batch calls reject arrays that do not fit in memory instead of trapping", () => {
      const e = load(build);
      const p = e.malloc(64) >>> 0;
      const before = state(e);
      const top = e.memory.buffer.byteLength;
      assert.equal(e.buddy_alloc_many(top - 4, 2, 16), ErrorCode.BAD_REGION, "sizes past the end");
      assert.equal(e.buddy_alloc_many(16, 2, 0xfffffffc), ErrorCode.BAD_REGION, "out wraps around");
      assert.equal(e.buddy_alloc_many(16, 0x40000000, 16), ErrorCode.BAD_REGION, "count far too large");
      assert.equal(e.buddy_last_error(), ErrorCode.BAD_REGION);
      new Uint32Array(e.memory.buffer, top - 4, 1)[0] = p;
      assert.equal(e.buddy_free_many(top - 4, 2), 0, "ptrs past the end: nothing freed");
      assert.equal(e.buddy_last_error(), ErrorCode.BAD_REGION);
      assert.deepEqual(state(e), before);
      assert.equal(e.malloc_usable_size(p), 64, "p is still live");
      assert.equal(e.buddy_check(), ErrorCode.OK);
    });

    test("buddy_init configures before first use, and only then", () => {
      const e = load(build);
      assert.equal(e.buddy_init(24, 20, 100, 0), ErrorCode.BAD_CONFIG, "min block not a power of two");
      assert.equal(e.buddy_init(8, 20, 100, 0), ErrorCode.BAD_CONFIG, "below the C alignment");
      assert.equal(e.buddy_init(16, 28, 100, 0), ErrorCode.BAD_CONFIG, "largest block above 2^31");
      assert.equal(e.buddy_init(16, 12, 100, 0), ErrorCode.OK);
      assert.equal(stats(e).maxOrder, 12);
      assert.equal(e.malloc((16 << 12) + 1), 0);
      assert.equal(e.buddy_last_error(), ErrorCode.TOO_LARGE);
      assert.equal(e.buddy_init(16, 12, 100, 0), ErrorCode.ALREADY_INITIALIZED);
    });

    test("grows memory on demand, and up to its page limit only", () => {
      const e = load(build);
      assert.equal(e.buddy_init(16, 27, 40, 0), ErrorCode.OK);
      const pages0 = e.memory.buffer.byteLength / 65536;
      const blocks = [];
      for (let p; (p = e.malloc(65536) >>> 0); ) blocks.push(p);
      assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
      const s = stats(e);
      assert.ok(s.grows > 0, "it grew");
      assert.ok(e.memory.buffer.byteLength / 65536 <= 40, "within the limit");
      assert.ok(blocks.length >= 40 - pages0 - 4, `${blocks.length} blocks of 64 KiB`);
      assert.equal(e.buddy_check(), ErrorCode.OK);
      for (const p of blocks) e.free(p);
      assert.equal(stats(e).usedBytes, 0);
      assert.equal(e.buddy_check(), ErrorCode.OK);
    });

    test("a heap with a limit of 0 pages never grows", () => {
      const e = load(build);
      assert.equal(e.buddy_init(16, 27, 0, 0), ErrorCode.OK);
      const bytes = e.memory.buffer.byteLength;
      while (e.malloc(4096)) {}
      assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
      assert.equal(e.memory.buffer.byteLength, bytes);
      assert.equal(stats(e).grows, 0);
    });

    test("the module's own heap: 64-byte minimum blocks, slots from 16 bytes; buddy_init's minimum block bounds its slots", () => {
      const e = load(build);
      const p = e.malloc(1) >>> 0;
      assert.equal(stats(e).minBlock, 64);
      assert.equal(e.malloc_usable_size(p) >>> 0, 16, "a 1-byte request takes a 16-byte slot");
      assert.equal(e.malloc_usable_size(e.malloc(40) >>> 0) >>> 0, 48);
      const f = load(build);
      assert.equal(f.buddy_init(64, -1, 65535, 16, 0), ErrorCode.OK);
      assert.equal(f.malloc_usable_size(f.malloc(1) >>> 0) >>> 0, 64, "configured: never below the minimum block");
      const g = load(build);
      assert.equal(g.buddy_init(0, -1, 100, 16, 0), ErrorCode.OK, "0: the module's own minimum block");
      assert.deepEqual([stats(g).minBlock, g.malloc_usable_size(g.malloc(1) >>> 0) >>> 0], [64, 16]);
      const t = load(build);
      assert.equal(t.buddy_init(0, -1, 100, 16, 1), ErrorCode.OK);
      assert.deepEqual([stats(t).minBlock, t.malloc_usable_size(t.malloc(1) >>> 0) >>> 0], [16, 16], "the textbook buddy's default: 16");
      assert.equal(e.buddy_check(), ErrorCode.OK);
      assert.equal(f.buddy_check(), ErrorCode.OK);
    });

    test("before memory grows for a new slab, a request takes a free slot of a class up to 5/4 its own", () => {
      const e = load(build);
      assert.equal(e.buddy_init(16, 27, 0, 0), ErrorCode.OK); // never grows
      const big = e.malloc(128) >>> 0;  // a slab of the 128-byte class, with free slots
      const odd = e.malloc(72) >>> 0;   // and one of the 80-byte class
      const held = [];
      for (let q; (q = e.malloc(100) >>> 0); ) held.push(q); // class 112, then what it may borrow
      assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
      const sizes = new Set(held.map((q) => e.malloc_usable_size(q) >>> 0));
      assert.ok(sizes.has(112) && sizes.has(128), `took 112-byte slots, then 128-byte ones: ${[...sizes]}`);
      assert.ok([...sizes].every((n) => n <= 140), "never past 5/4 of its class");
      // Freed: the one free slot in the heap is a 128-byte one, and a 100-byte request takes it.
      e.free(big);
      const q = e.malloc(100) >>> 0;
      assert.equal(q, big);
      assert.equal(e.malloc_usable_size(q) >>> 0, 128);
      // A sized free takes any size that could have borrowed the slot, and no other.
      const before = state(e);
      for (const n of [96, 129]) assert.equal(e.buddy_dealloc(q, n, 0), ErrorCode.SIZE_MISMATCH, `a 128-byte slot freed as ${n} bytes`);
      assert.deepEqual(state(e), before, "nothing changed");
      assert.equal(e.buddy_dealloc(q, 100, 0), ErrorCode.OK, "a sized free with the size asked for matches");
      // A power of two must be aligned to itself: the 80-byte slot is not a 64-byte one's.
      e.free(odd);
      const r = e.malloc(64) >>> 0;
      assert.notEqual(r, odd);
      assert.ok(r && r % 64 === 0, "a new 64-byte slab, where the emptied 80-byte one was (coalesce gave it back)");
      assert.equal(e.buddy_check(), ErrorCode.OK);
    });
  });
}

test("memory grows by 1/32 while the bytes in use grow, and by what a request needs when they did not", () => {
  // growth.ts, grow: the step is at most twice what usedBytes grew by since the last growth.
  const e = load("release");
  const K = 1024;
  const live = new Set();
  let steps = 0;
  while (e.memory.buffer.byteLength < 64 << 20 || stats(e).largestFree >= 64 * K) {
    const before = e.memory.buffer.byteLength;
    const p = e.malloc(64 * K) >>> 0;
    assert.ok(p, "a growing heap has room");
    live.add(p);
    const grew = e.memory.buffer.byteLength - before;
    if (before >= 32 << 20 && grew) {
      assert.ok(grew >= before / 32 - 65536, `growing: ${grew} bytes from ${before}`);
      steps++;
    }
  }
  assert.ok(steps > 0, "it grew past 32 MiB");
  // Half the blocks freed, each beside a live buddy: 64 KiB free blocks that no 128 KiB request
  // can use, and fewer bytes in use than at the last growth.
  for (const p of [...live]) if (p % (128 * K) === 0 && live.has(p + 64 * K)) { e.free(p); live.delete(p); }
  const before = e.memory.buffer.byteLength;
  const q = e.malloc(128 * K) >>> 0;
  assert.ok(q);
  const grew = e.memory.buffer.byteLength - before;
  assert.ok(grew > 0 && grew <= 192 * K, `grew by ${grew} bytes for 128 KiB (1/32 of memory would be ${before / 32})`);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("growth stops cleanly where memory.grow fails (module maximum 32 pages)", () => {
  const e = load("limited");
  const blocks = [];
  for (let p; (p = e.malloc(16384) >>> 0); ) blocks.push(p);
  assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
  assert.equal(e.memory.buffer.byteLength, 32 * 65536, "memory reached the module's maximum");
  assert.ok(blocks.length * 16384 > 24 * 65536, `${blocks.length} blocks filled most of it`);
  let small = 0;
  while (e.malloc(16)) small++;
  assert.equal(e.buddy_check(), ErrorCode.OK);
  for (const p of blocks) e.free(p);
  e.buddy_coalesce();
  assert.equal(e.buddy_check(), ErrorCode.OK);
  assert.ok(e.malloc(16384), "freed memory is usable again");
});

test("where memory.grow refuses a growth step, growth falls back to the pages the request needs (module maximum 160 pages)", () => {
  const e = load("limitedLarge");
  let n = 0;
  let fellBack = false;
  for (;;) {
    const before = e.memory.buffer.byteLength >> 16;
    const p = e.malloc(65536) >>> 0;
    const after = e.memory.buffer.byteLength >> 16;
    // A step is 1/32 of memory: past 128 pages at least 4, more than what is left near 160.
    if (after > before && after - before < Math.floor(before / 32)) fellBack = true;
    if (!p) break;
    n++;
  }
  assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
  assert.ok(fellBack, "a growth came out smaller than its step (memory.grow refused the step)");
  assert.equal(e.memory.buffer.byteLength, 160 * 65536, "memory reached the module's maximum");
  assert.ok(n >= 155, `${n} blocks of 64 KiB in 160 pages`);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("a realloc that must grow memory past the module's maximum fails with OUT_OF_MEMORY, the block intact (block and run at the top)", () => {
  for (const [first, grown] of [[4 << 20, 8 << 20], [700 * 1024, (10 << 20) - 10000]]) {
    const e = load("limitedLarge");
    const p = e.malloc(first) >>> 0;
    assert.ok(p, `malloc(${first})`);
    const usable = e.buddy_usable_size(p);
    assert.ok(p + usable === e.memory.buffer.byteLength || first % 65536 !== 0, "the block ends at the top of memory");
    new Uint8Array(e.memory.buffer, p, first).fill(0x5a);
    const pages = e.memory.buffer.byteLength;
    assert.equal(e.realloc(p, grown), 0, `realloc(${first} -> ${grown})`);
    assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
    assert.equal(e.buddy_usable_size(p), usable, "the block is still live, its size unchanged");
    assert.ok(new Uint8Array(e.memory.buffer, p, first).every((x) => x === 0x5a), "its contents intact");
    assert.ok(e.memory.buffer.byteLength <= 160 * 65536 && e.memory.buffer.byteLength >= pages);
    assert.equal(e.buddy_check(), ErrorCode.OK);
  }
});

test("the 17th separate region is TOO_MANY_REGIONS through the C module and the bindings, nothing changed; an adjacent one still merges", async () => {
  const { BuddyHeap, BuddyError } = await import("../bindings/dist/index.js");
  const e = load("release");
  const heap = BuddyHeap.fromInstance(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(BUILDS.release)), {}));
  for (const [add, grow, mem, check, st] of [
    [(a, n) => e.buddy_add_region(a, n) >>> 0, (n) => e.memory.grow(n), () => e.memory, () => e.buddy_check(), () => state(e)],
    [(a, n) => { try { heap.addRegion(a, n); return ErrorCode.OK; } catch (x) { assert.ok(x instanceof BuddyError); return x.code; } },
      (n) => heap.memory.grow(n), () => heap.memory, () => heap.exports.buddy_check(), () => JSON.stringify(heap.stats())],
  ]) {
    // Regions of one page with a page between them, so that none is adjacent to another, above
    // the heap set up first (it takes the memory there is when it is set up).
    check();
    let count = 1;
    let a = grow(32) * 65536 + 65536;
    for (; count < 16; count++, a += 2 * 65536) assert.equal(add(a, 65536), ErrorCode.OK, `region ${count + 1}`);
    const before = st();
    assert.equal(add(a, 65536), ErrorCode.TOO_MANY_REGIONS, "the 17th");
    assert.deepEqual(st(), before, "nothing changed");
    assert.equal(add(a - 65536, 65536), ErrorCode.OK, "a region adjacent to one in the table merges into it");
    assert.equal(check(), ErrorCode.OK);
    assert.ok(mem().buffer.byteLength >= a);
  }
});

test("a heap that cannot be set up answers every entry point with the setup's error, and memory does not grow", () => {
  // The limited build (32 pages at most) told to start its heap in the last page: the control
  // block and a first metadata area do not fit, so every call's setup fails with OUT_OF_MEMORY.
  const e = load("limited");
  assert.equal(e.buddy_set_heap_start(31 * 65536 + 61440), ErrorCode.OK);
  const pages = e.memory.buffer.byteLength;
  const zero = {
    malloc: () => e.malloc(16), calloc: () => e.calloc(2, 8), realloc: () => e.realloc(0, 16),
    aligned_alloc: () => e.aligned_alloc(64, 64), malloc_usable_size: () => e.malloc_usable_size(4096),
    buddy_alloc: () => e.buddy_alloc(16, 0), buddy_alloc_zeroed: () => e.buddy_alloc_zeroed(16, 0),
    buddy_realloc: () => e.buddy_realloc(0, 16), buddy_usable_size: () => e.buddy_usable_size(4096),
    buddy_stats: () => e.buddy_stats(), buddy_pool_create: () => e.buddy_pool_create(0, 1 << 20, 16, 0, 256),
  };
  for (const [name, call] of Object.entries(zero)) {
    assert.equal(call() >>> 0, 0, `${name} gives nothing`);
    assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY, `${name}: the setup's error`);
  }
  assert.equal(e.buddy_pool_create_error(), PoolError.NO_METADATA_MEMORY, "the pool has no heap for its metadata");
  for (const [name, call] of Object.entries({
    buddy_free: () => e.buddy_free(4096), buddy_dealloc: () => e.buddy_dealloc(4096, 16, 0),
    buddy_check: () => e.buddy_check(), buddy_add_region: () => e.buddy_add_region(4096, 4096),
  })) assert.equal(call() >>> 0, ErrorCode.OUT_OF_MEMORY, `${name} returns the setup's error`);
  e.free(4096); // C's free has no result: it must not trap
  assert.equal(e.buddy_root(), 0, "no heap");
  assert.equal(e.memory.buffer.byteLength, pages, "memory did not grow");
});

test("memory grown by the heap is a region it can use across the old top", () => {
  const e = load("release");
  const pages0 = e.memory.buffer.byteLength / 65536;
  const p = e.malloc(8 << 20) >>> 0; // larger than all initial memory
  assert.notEqual(p, 0);
  assert.ok(e.memory.buffer.byteLength / 65536 > pages0);
  assert.equal(stats(e).regionCount, 1, "grown memory joins the one region");
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("growing to the 4 GiB limit: blocks from 1 GiB down to 64 KiB fill memory up to its last managed page, then OUT_OF_MEMORY; all of it merges back", () => {
  // Pages are only reserved, not touched: the blocks are never written. (The metadata's
  // headroom once wrapped around u32 past 3.2 GiB of span, and growth stopped 62 pages short.)
  const e = load(CHECKED_RUN ? "checked" : "release");
  const blocks = [];
  for (let size = 2 ** 30; size >= 65536; size /= 2) {
    for (let p; (p = e.buddy_alloc(size, size) >>> 0); ) {
      assert.equal(p % size, 0, "aligned to its size");
      blocks.push([p, size]);
    }
    assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
  }
  assert.equal(e.memory.buffer.byteLength, 65535 * 65536, "memory grew to its last page but one");
  assert.ok(blocks.some(([p, n]) => p + n === 0xffff0000), "a block ends at the last managed byte");
  assert.equal(e.buddy_check(), ErrorCode.OK);
  for (const [p] of blocks) assert.equal(e.buddy_free(p), ErrorCode.OK);
  e.buddy_coalesce();
  assert.equal(e.buddy_check(), ErrorCode.OK);
  assert.equal(stats(e).usedBytes, 0);
  assert.ok(e.buddy_alloc(2 ** 30, 2 ** 30), "a 1 GiB block again, without growing");
});

test("a block no 4 GiB memory can hold fails at once with OUT_OF_MEMORY, nothing changed", () => {
  // A 2 GiB block must start at 2 GiB and so end at 4 GiB, past the last page the heap may use.
  // (This once looped for ever: the page count to grow wrapped around u32 before the limit.)
  // A power of two, or a request aligned to 2 GiB: a size that is neither could take a run,
  // which need not be aligned (runs.ts).
  const e = load("release");
  const before = state(e);
  const pages = e.memory.buffer.byteLength;
  for (const [size, align] of [[2 ** 31, 0], [2 ** 31 - 16, 2 ** 31], [2 ** 30 + 1, 2 ** 31]]) {
    assert.equal(e.buddy_alloc(size, align), 0);
    assert.equal(e.buddy_last_error(), ErrorCode.OUT_OF_MEMORY);
  }
  assert.equal(e.memory.buffer.byteLength, pages, "memory did not grow for a request that cannot fit");
  assert.deepEqual(state(e), before);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

// Size classes (assembly/slab.ts): a request up to 16 KiB takes a slot of its class, but for
// the classes whose slab is above 8 KiB until the heap is 64 times their slab.
import { classSize, takesSlot, slabBytes, mayBorrow } from "./model.js";

test("every size from 1 to 16384 takes its class's slot or its block, as the model says, aligned as it says", () => {
  const e = load("release");
  const ptrs = [];
  const seen = { slot: 0, gated: 0, borrowed: 0 };
  const minBlock = stats(e).minBlock;
  for (let size = 1; size <= 16384; size++) {
    const total = stats(e).totalBytes;
    const p = e.malloc(size) >>> 0;
    const c = classSize(size);
    const pow2 = (c & (c - 1)) === 0;
    const slot = takesSlot(size, 0, total);
    let want = slot ? c : Math.max(minBlock, 2 ** Math.ceil(Math.log2(size)));
    const usable = e.malloc_usable_size(p) >>> 0;
    ptrs.push(p);
    if (usable !== want && mayBorrow(size, 0, total, usable, p)) { // slots.ts, borrowSlab: checked there
      seen.borrowed++;
      continue;
    }
    assert.equal(usable, want, `malloc(${size}) in a heap of ${total} bytes: ${slot ? "a slot" : "a block"} of ${want} bytes`);
    assert.equal(p % (pow2 || !slot ? want : 16), 0, `malloc(${size}) aligned`);
    if (slot) seen.slot++;
    else seen.gated++;
  }
  assert.ok(seen.gated > 0 && seen.slot > 0, `both sides of the heap-size rule were met: ${JSON.stringify(seen)}`);
  assert.equal(stats(e).usedBytes, ptrs.reduce((n, p) => n + (e.malloc_usable_size(p) >>> 0), 0));
  assert.equal(e.buddy_check(), ErrorCode.OK);
  assert.equal(e.malloc_usable_size(e.malloc(16385) >>> 0) >>> 0, 32768, "past 16 KiB: a block");
  for (const p of ptrs) e.free(p);
  e.buddy_coalesce();
  const s = stats(e);
  assert.equal(s.slackBytes, 0, "coalesce gave every empty slab back");
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("a pointer into a slab that is not a live slot is rejected in O(1), nothing changed", () => {
  const e = load("release");
  const a = e.malloc(48) >>> 0;
  const b = e.malloc(48) >>> 0;
  assert.equal(b - a, 48, "consecutive 48-byte slots");
  const slab = a & ~8191;
  const before = state(e);
  const bad = [[slab, ErrorCode.NOT_BLOCK_START, "the slab header"], [a + 16, ErrorCode.NOT_BLOCK_START, "inside a slot"],
    [a + 8, ErrorCode.NOT_BLOCK_START, "misaligned"], [b + 48, ErrorCode.DOUBLE_FREE, "a slot never handed out"]];
  for (const [p, code, what] of bad) {
    assert.equal(e.buddy_free(p), code, what);
    assert.deepEqual(state(e), before, `${what}: nothing changed`);
  }
  assert.equal(e.buddy_dealloc(a, 100, 0), ErrorCode.SIZE_MISMATCH, "another class");
  assert.equal(e.buddy_dealloc(a, 40, 0), ErrorCode.OK, "the same class");
  assert.equal(e.buddy_free(a), ErrorCode.DOUBLE_FREE);
  assert.equal(e.realloc(b, 40) >>> 0, b, "a realloc within the class stays");
  const c = e.realloc(b, 200) >>> 0;
  assert.notEqual(c, b, "to another class it moves");
  assert.equal(e.malloc_usable_size(c) >>> 0, 224);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("a slab finds free slots in its bitmap: a freed slot keeps its bytes, and the lowest free slot is taken first", () => {
  const e = load("release");
  const bytes = () => new Uint8Array(e.memory.buffer);
  const kept = (p, n, v) => bytes().subarray(p, p + n).every((b) => b === v);
  for (const size of [16, 48, 64, 800, 1000]) { // classes in 8 KiB slabs: slots in any heap
    const ps = Array.from({ length: 40 }, () => e.malloc(size) >>> 0);
    ps.forEach((p, i) => bytes().fill(i + 1, p, p + size)); // each slot its own pattern
    const freed = [17, 3, 30, 5];
    for (const i of freed) e.free(ps[i]);
    assert.equal(e.buddy_check(), ErrorCode.OK);
    for (const i of freed) assert.ok(kept(ps[i], size, i + 1), `${size} B: free left slot ${i}'s bytes alone`);
    const again = freed.map(() => e.malloc(size) >>> 0);
    const oneSlab = ps.every((p) => (p & ~8191) === (ps[0] & ~8191));
    if (oneSlab) assert.deepEqual(again, freed.map((i) => ps[i]).sort((a, b) => a - b), `${size} B: lowest free slot first`);
    else assert.deepEqual([...again].sort((a, b) => a - b), freed.map((i) => ps[i]).sort((a, b) => a - b), `${size} B: the freed slots again`);
    for (const i of freed) assert.ok(kept(ps[i], size, i + 1), `${size} B: malloc left slot ${i}'s bytes alone`);
    for (const p of ps) e.free(p);
    assert.equal(e.buddy_check(), ErrorCode.OK);
  }
});

test("every class's slab: its size as layout.ts says, misuse of its slots rejected in O(1), nothing changed", () => {
  const e = load("release");
  const big = e.malloc(8 << 20) >>> 0; // the heap past 8 MiB: every class takes slots (64 slabs of 128 KiB)
  assert.ok(big);
  const classes = [...new Set(Array.from({ length: 16384 }, (_, i) => classSize(i + 1)))];
  assert.equal(classes.length, 54, "54 classes up to 16 KiB");
  for (const c of classes) {
    const slabBefore = stats(e).slackBytes;
    const a = e.malloc(c) >>> 0;
    const b = e.malloc(c) >>> 0;
    const bytes = slabBytes(c);
    // A new slab of its class: two slots taken, the rest of the slab is slack.
    assert.equal(stats(e).slackBytes - slabBefore, bytes - 2 * c, `class ${c}: a ${bytes}-byte slab`);
    assert.equal(b - a, c, `class ${c}: consecutive slots`);
    const slab = a - (a % bytes);
    const slots = Math.floor((bytes - (a - slab)) / c);
    // scripts/size-classes.js: at most 4% past the last slot, 1/16 for a power of two, 1/8 for 16 KiB.
    const pow2 = (c & (c - 1)) === 0;
    assert.ok(slots * c >= bytes * (c === 16384 ? 7 / 8 : pow2 ? 15 / 16 : 0.96), `class ${c}: ${slots} slots fill the slab`);
    const before = state(e);
    const bad = [[slab, ErrorCode.NOT_BLOCK_START, "the slab header"], [a + c / 2, ErrorCode.NOT_BLOCK_START, "inside a slot"],
      [b + c, ErrorCode.DOUBLE_FREE, "a slot never handed out"]];
    const tail = a + slots * c; // past the last slot, when the slots do not fill the slab exactly
    if (tail < slab + bytes) bad.push([tail, ErrorCode.NOT_BLOCK_START, "the tail past the last slot"]);
    for (const [p, code, what] of bad) {
      assert.equal(e.buddy_free(p), code, `class ${c}: ${what}`);
      assert.deepEqual(state(e), before, `class ${c}, ${what}: nothing changed`);
    }
    assert.equal(e.buddy_free(a), ErrorCode.OK);
    assert.equal(e.buddy_free(a), ErrorCode.DOUBLE_FREE, `class ${c}: a double free`);
    assert.equal(e.buddy_free(b), ErrorCode.OK);
  }
  assert.equal(e.buddy_check(), ErrorCode.OK);
  e.free(big);
  e.buddy_coalesce();
  assert.equal(stats(e).slackBytes, 0, "every slab given back");
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("textbook option: power-of-two blocks only, no slabs; other option bits are BAD_CONFIG", () => {
  const e = load("release");
  assert.equal(e.buddy_init(16, -1, 65535, 16, 2), ErrorCode.BAD_CONFIG);
  assert.equal(e.buddy_init(16, -1, 65535, 16, 1), ErrorCode.OK);
  const p = e.malloc(100) >>> 0;
  assert.equal(e.malloc_usable_size(p) >>> 0, 128);
  assert.equal(p % 128, 0);
  assert.equal(stats(e).slackBytes, 0);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("after everything is freed, a quarter of memory is one request away, without growing", () => {
  const e = load("release");
  const live = [];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  while (e.memory.buffer.byteLength < 32 << 20) {
    live.push(e.malloc(1 + Math.floor(rnd() ** 3 * 65536)) >>> 0);
    if (rnd() < 0.3 && live.length) e.free(live.splice(Math.floor(rnd() * live.length), 1)[0]);
  }
  for (const p of live) e.free(p);
  const memory = e.memory.buffer.byteLength;
  const grows = stats(e).grows;
  for (const share of [4, 8, 16]) {
    const p = e.malloc(memory / share) >>> 0;
    assert.notEqual(p, 0, `1/${share} of memory`);
    assert.equal(stats(e).grows, grows, `1/${share} of memory without memory.grow`);
    e.free(p);
  }
  assert.equal(e.memory.buffer.byteLength, memory);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("growth takes what the request needs, at least 1/32 of memory, not a fixed quarter", () => {
  const e = load("release");
  let before = e.memory.buffer.byteLength;
  const steps = [];
  for (let i = 0; i < 400; i++) {
    e.malloc(60000);
    const now = e.memory.buffer.byteLength;
    if (now !== before) { steps.push((now - before) / before); before = now; }
  }
  assert.ok(steps.length > 10, `grew ${steps.length} times`);
  const late = steps.slice(-5);
  for (const f of late) assert.ok(f > 0.025 && f < 0.1, `step ${(f * 100).toFixed(1)}% of memory`);
  assert.equal(e.buddy_check(), ErrorCode.OK);
});

test("a block that ends at the top of memory grows in place by growing memory", () => {
  // As TLSF's last block grows into the end of the heap. 62d0bec's module moved b to 4 MiB
  // (memory 6 MiB): its in-place growth looked only at buddies below the top.
  for (const build of ["release", "debug", "checked"]) {
    const e = load(build);
    stats(e); // its record is allocated at the first call: before the blocks, not at the top
    const a = e.malloc(1 << 20) >>> 0;
    const b = e.malloc(1 << 20) >>> 0;
    const top = e.memory.buffer.byteLength;
    assert.ok(a && b % (2 << 20) === 0 && b + (1 << 20) === top, `${build}: b (${b}) ends at the top (${top}), aligned to 2 MiB`);
    new Uint8Array(e.memory.buffer, b, 16).set([...Array(16).keys()]);
    const grows = stats(e).grows;
    const inPlace = stats(e).inPlaceReallocs;
    assert.equal(e.realloc(b, 2 << 20) >>> 0, b, `${build}: in place`);
    assert.deepEqual([...new Uint8Array(e.memory.buffer, b, 16)], [...Array(16).keys()], "contents kept");
    assert.equal(e.memory.buffer.byteLength, b + (2 << 20), "memory grew by what the block needed");
    assert.deepEqual([stats(e).grows, stats(e).inPlaceReallocs], [grows + 1, inPlace + 1]);
    assert.equal(e.malloc_usable_size(b) >>> 0, 2 << 20);
    assert.equal(e.buddy_check(), ErrorCode.OK);
    e.free(b);
    e.free(a);
    assert.equal(e.buddy_check(), ErrorCode.OK);
  }
});

/** A C module whose [1 MiB, 2 MiB) holds a 256 KiB block at 1 MiB and free blocks of 256 and
 *  512 KiB above it (768 KiB side by side, no free 1 MiB block in the heap): the first MiB is
 *  filled with 256 KiB blocks (metadata and all), memory ends at `top`. */
function stretchAt1MiB(build, top) {
  const e = load(build);
  stats(e); // its record is allocated at the first call
  const K = 1024;
  const a = e.malloc(1 << 20) >>> 0;
  assert.equal(a, 1 << 20, "the first 1 MiB block is at 1 MiB");
  if (top > 2 << 20) assert.equal(e.malloc(1 << 20) >>> 0, 2 << 20);
  e.free(a);
  const held = [];
  for (let x = 0; x !== a; ) held.push((x = e.malloc(256 * K) >>> 0)); // the last one is at a
  assert.equal(e.memory.buffer.byteLength, top);
  return e;
}

test("runs: a large request that no free block holds takes adjacent free blocks instead of growing", () => {
  // runs.ts: [1.25 MiB, 2 MiB) is free as 256 + 512 KiB, which no 1 MiB block
  // (needed for 700 KiB) can use; the run takes them and memory stays 3 MiB.
  const K = 1024;
  for (const build of ["release", "debug", "checked"]) {
    const e = stretchAt1MiB(build, 3 << 20);
    const before = stats(e);
    const p = e.malloc(700 * K) >>> 0;
    assert.equal(p, 1280 * K, `${build}: the run starts at the free 256 KiB block`);
    assert.equal(e.malloc_usable_size(p) >>> 0, 768 * K, "its usable size is the run's length");
    assert.equal(e.memory.buffer.byteLength, 3 << 20, "memory did not grow");
    assert.deepEqual([stats(e).usedBytes - before.usedBytes, stats(e).allocs - before.allocs], [768 * K, 1]);
    new Uint8Array(e.memory.buffer, p, 768 * K).fill(7); // all of it is the caller's
    assert.equal(e.buddy_check(), ErrorCode.OK);
    // A walk of the blocks (buddy_leaf: order | state << 8) shows the run's second block as
    // its continuation (state 4), the first as an allocated block (0).
    const order256K = Math.log2(256 * K / stats(e).minBlock);
    assert.deepEqual([e.buddy_leaf(p), e.buddy_leaf(p + 256 * K)].map((i) => [i & 0xff, (i >>> 8) & 7]), [[order256K, 0], [order256K + 1, 4]]);
    // (The checked build would trap in the next call; in the checked run, "release" is it.)
    if (build === "debug" || build === "release" && !CHECKED_RUN) {
      // check() holds the run table to the blocks (layout.ts: runCount at 72, runs at 1464):
      // the entry twice (two runs overlapping), then cut to its first block (one block is no run).
      const root = e.buddy_root() >>> 0;
      const table = new Uint32Array(e.memory.buffer, root + 1464, 4);
      const count = new Uint32Array(e.memory.buffer, root + 72, 1);
      assert.deepEqual([count[0], table[0], table[1]], [1, p, p + 768 * K], "the run's entry");
      table.set([p, p + 768 * K], 2);
      count[0] = 2;
      assert.deepEqual([e.buddy_check(), e.buddy_check_detail()], [ErrorCode.CORRUPT, CheckFailure.RUNS], "overlapping runs");
      table.set([0, 0], 2);
      count[0] = 1;
      table[1] = p + 256 * K;
      assert.deepEqual([e.buddy_check(), e.buddy_check_detail()], [ErrorCode.CORRUPT, CheckFailure.RUNS], "a run of one block");
      table[1] = p + 768 * K;
      assert.equal(e.buddy_check(), ErrorCode.OK);
    }
    // Misuse is caught with the heap unchanged: the second block's start is an interior
    // pointer, a size of another order does not match, nor does one larger than the run.
    const s = state(e);
    assert.equal(e.buddy_free(p + 256 * K), ErrorCode.NOT_BLOCK_START);
    assert.equal(e.malloc_usable_size(p + 256 * K) >>> 0, 0);
    assert.equal(e.buddy_dealloc(p, 300 * K, 0), ErrorCode.SIZE_MISMATCH);
    assert.equal(e.buddy_dealloc(p, 769 * K, 0), ErrorCode.SIZE_MISMATCH);
    assert.equal(e.realloc(p + 256 * K, 800 * K), 0);
    assert.deepEqual(state(e), s);
    // A size of the run's order that it holds stays in place.
    assert.equal(e.realloc(p, 760 * K) >>> 0, p);
    assert.equal(e.realloc(p, 520 * K) >>> 0, p);
    // A power of two never takes a run: its block is aligned to it.
    const q = e.malloc(512 * K) >>> 0;
    assert.equal(q % (512 * K), 0, `${build}: 512 KiB at ${q}`);
    e.free(q);
    // dealloc with the size asked for frees every block of the run, which merge again.
    assert.equal(e.buddy_dealloc(p, 700 * K, 0), ErrorCode.OK);
    assert.equal(stats(e).usedBytes, before.usedBytes);
    assert.equal(e.buddy_free(p), ErrorCode.DOUBLE_FREE);
    assert.equal(e.buddy_check(), ErrorCode.OK);
    e.free(1 << 20);
    assert.equal(e.malloc(1 << 20) >>> 0, 1 << 20, "the MiB is one free block again");
    assert.equal(e.buddy_check(), ErrorCode.OK);
  }
});

test("runs: memory grows under the free blocks at the top by what a run needs, and a run at the top grows in place", () => {
  // With 768 KiB free at the top of 2 MiB, a block for 900 KiB would grow memory to 3 MiB (it
  // must be aligned to 1 MiB); the run grows it by 192 KiB (three pages), as TLSF would by
  // what it needs. Then realloc grows the run in place by growing memory, as TLSF's last block.
  const K = 1024;
  for (const build of ["release", "debug", "checked"]) {
    const e = stretchAt1MiB(build, 2 << 20);
    const p = e.malloc(900 * K) >>> 0;
    assert.equal(p, 1280 * K, build);
    assert.deepEqual([e.malloc_usable_size(p) >>> 0, e.memory.buffer.byteLength], [960 * K, 2240 * K]);
    new Uint8Array(e.memory.buffer, p, 960 * K).fill(9);
    assert.equal(e.buddy_check(), ErrorCode.OK);
    const inPlace = stats(e).inPlaceReallocs;
    assert.equal(e.realloc(p, 1000 * K) >>> 0, p, "in place");
    assert.deepEqual([e.malloc_usable_size(p) >>> 0, e.memory.buffer.byteLength], [1024 * K, 2304 * K]);
    assert.equal(e.realloc(p, 1100 * K) >>> 0, p, "in place, past a power of two");
    assert.deepEqual([e.malloc_usable_size(p) >>> 0, e.memory.buffer.byteLength], [1152 * K, 2432 * K]);
    assert.equal(stats(e).inPlaceReallocs, inPlace + 2);
    const bytes = new Uint8Array(e.memory.buffer, p, 960 * K);
    assert.ok(bytes.every((b) => b === 9), "contents kept");
    assert.equal(e.buddy_check(), ErrorCode.OK);
    e.free(p);
    assert.equal(e.buddy_check(), ErrorCode.OK);
  }
});

test("runs: a realloc that moves grows memory for a run when that takes under half the pages a block would", () => {
  // runs.ts, RUNS_MOVING. A 512 KiB block at 512 KiB (the upper half of the first MiB, so it
  // cannot grow in place) is reallocated to 900 KiB, whose block (1 MiB) would be new memory
  // at 2 MiB: 16 pages. With 768 KiB free at the top of 2 MiB, a run there needs 3 pages, fewer
  // than half: the run is taken. With 256 KiB free at the top it needs 11, not fewer than half
  // of 16: the block is taken (growth for a run saves less than the moves it causes cost).
  const K = 1024;
  for (const build of ["release", "debug", "checked"]) {
    for (const [freeAtTop, at, usable, memory] of [[768, 1280, 960, 2240], [256, 2048, 1024, 3072]]) {
      const e = stretchAt1MiB(build, 2 << 20);
      const top = e.malloc(512 * K) >>> 0;
      assert.equal(top, 1536 * K, "the free 512 KiB at the top, held");
      e.free(512 * K);
      e.free(768 * K);
      const b = e.malloc(512 * K) >>> 0;
      assert.equal(b, 512 * K, "the two 256 KiB blocks freed, merged");
      e.free(top);
      if (freeAtTop === 256) assert.deepEqual([e.malloc(256 * K) >>> 0, e.malloc(256 * K) >>> 0], [1280 * K, 1536 * K]);
      new Uint8Array(e.memory.buffer, b, 512 * K).fill(3);
      const q = e.realloc(b, 900 * K) >>> 0;
      const what = `${build}, ${freeAtTop} KiB free at the top`;
      assert.deepEqual([q / K, e.malloc_usable_size(q) / K, e.memory.buffer.byteLength / K], [at, usable, memory], what);
      assert.ok(new Uint8Array(e.memory.buffer, q, 512 * K).every((x) => x === 3), `${what}: contents moved`);
      assert.equal(e.buddy_free(b), ErrorCode.DOUBLE_FREE, `${what}: the old block was freed`);
      assert.equal(e.buddy_check(), ErrorCode.OK, what);
    }
  }
});

test("the checked build runs check() after every call: a corruption traps in the next call", () => {
  // In the checked run build/as-buddy.wasm is the checked build: its release half is moot.
  for (const build of CHECKED_RUN ? ["checked"] : ["release", "checked"]) {
    const e = load(build);
    const p = e.malloc(4096) >>> 0;
    const keep = e.malloc(4096) >>> 0; // p's buddy stays allocated: p stays a free block of its own
    e.free(p);
    new Uint32Array(e.memory.buffer, p, 2).set([0xdead0, 0xdead0]); // p's free-list links
    if (build === "release") {
      assert.notEqual(e.malloc(16), 0, "the release build does not look");
      assert.equal(e.buddy_check(), ErrorCode.CORRUPT, "check() finds it when asked");
    } else {
      assert.throws(() => e.malloc(16), WebAssembly.RuntimeError, "the next call traps");
    }
    assert.ok(keep);
  }
});
