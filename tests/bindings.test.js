// The TypeScript bindings (bindings/dist) over the release module.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import loader from "@assemblyscript/loader";
import { BuddyHeap, BuddyError, ErrorCode, CheckFailure, defaultWasmUrl } from "../bindings/dist/index.js";
import { CHECKED_RUN } from "./support.js";

const bytes = readFileSync(defaultWasmUrl);
assert.ok(defaultWasmUrl instanceof URL);

/** Asserts that fn throws a BuddyError with this code, and returns it. */
function throwsBuddy(fn, code, messagePart) {
  let error;
  try { fn(); } catch (e) { error = e; }
  assert.ok(error instanceof BuddyError, `expected a BuddyError, got ${error}`);
  assert.equal(error.code, code, error.message);
  if (messagePart) assert.ok(error.message.includes(messagePart), `"${error.message}" mentions ${messagePart}`);
  return error;
}

describe("creating a heap", () => {
  const sources = {
    "the packaged module (default)": () => undefined,
    "a file URL": () => defaultWasmUrl,
    "a path string": () => "build/as-buddy.wasm",
    "bytes": () => bytes,
    "a WebAssembly.Module": () => new WebAssembly.Module(bytes),
    "a Response": () => new Response(bytes, { headers: { "content-type": "application/wasm" } }),
    "a promise of a Response without the wasm content type": () => Promise.resolve(new Response(bytes)),
    "an instance": () => new WebAssembly.Instance(new WebAssembly.Module(bytes), {}),
  };
  for (const [name, source] of Object.entries(sources)) {
    test(`from ${name}`, async () => {
      const heap = await BuddyHeap.create(source());
      const p = heap.alloc(100);
      assert.equal(heap.usableSize(p), 112, "a slot of the 112-byte size class");
      heap.free(p);
      heap.check();
    });
  }

  test("options set the configuration and the memory limits", async () => {
    const heap = await BuddyHeap.create(undefined, { initialPages: 8, maxPages: 12, minBlock: 32, maxOrder: 10, deferLimit: 0 });
    assert.ok(heap.memory.buffer.byteLength >= 8 * 65536, "initial pages");
    const s = heap.stats();
    assert.equal(s.minBlock, 32);
    assert.equal(s.maxOrder, 10);
    assert.equal(heap.usableSize(heap.alloc(1)), 32, "nothing below minBlock, slots included");
    assert.equal(heap.usableSize(heap.alloc(33)), 48, "a size class");
    throwsBuddy(() => heap.alloc((32 << 10) + 1), ErrorCode.TOO_LARGE);
    while (heap.tryAlloc(32 << 10)) { /* fill to the page limit */ }
    assert.equal(heap.lastError, ErrorCode.OUT_OF_MEMORY);
    assert.ok(heap.memory.buffer.byteLength <= 12 * 65536, "never beyond maxPages");
  });

  test("bad options throw BAD_CONFIG, and a non-as-buddy instance a TypeError", async () => {
    await assert.rejects(BuddyHeap.create(undefined, { minBlock: 24 }), (e) => e instanceof BuddyError && e.code === ErrorCode.BAD_CONFIG);
    await assert.rejects(BuddyHeap.create(undefined, { maxOrder: -1 }), (e) => e instanceof BuddyError && /maxOrder must be an integer/.test(e.message));
    const other = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), {});
    assert.throws(() => BuddyHeap.fromInstance(other), TypeError);
  });

  test("create(options) is create(undefined, options): an options object is told apart from a source", async () => {
    const heap = await BuddyHeap.create({ maxPages: 10, minBlock: 64 });
    assert.equal(heap.stats().minBlock, 64);
    while (heap.tryAlloc(64 << 10)) { /* fill to the page limit */ }
    assert.equal(heap.lastError, ErrorCode.OUT_OF_MEMORY);
    assert.equal(heap.memory.buffer.byteLength, 10 * 65536, "maxPages was applied");
    const nullProto = Object.assign(Object.create(null), { minBlock: 32 });
    assert.equal((await BuddyHeap.create(nullProto)).stats().minBlock, 32);
  });

  test("textbook: true gives power-of-two blocks, no slots", async () => {
    const heap = await BuddyHeap.create({ textbook: true });
    const p = heap.alloc(100);
    assert.equal(heap.usableSize(p), 128);
    assert.equal(p % 128, 0);
    assert.equal(heap.stats().slackBytes, 0);
    const classes = await BuddyHeap.create({ textbook: false });
    assert.equal(classes.usableSize(classes.alloc(100)), 112, "the default: a slot of the 112-byte class");
  });

  test("without maxOrder, every valid minBlock works and gets the largest order it allows", async () => {
    for (let log = 4; log <= 16; log++) {
      const heap = await BuddyHeap.create(undefined, { minBlock: 2 ** log });
      const s = heap.stats();
      assert.equal(s.minBlock, 2 ** log);
      assert.equal(s.maxOrder, 31 - log, `minBlock 2^${log}: largest block 2^31`);
      heap.free(heap.alloc(1));
      heap.check();
    }
    // The C export takes the same rule from 0xFFFFFFFF.
    const e = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports;
    assert.equal(e.buddy_init(256, -1, 100, 16), ErrorCode.OK);
    assert.equal(new Uint32Array(e.memory.buffer, e.buddy_stats() >>> 0, 8)[6], 23);
  });

  test("arguments of the wrong type are TypeErrors that name the argument", async () => {
    const typeError = (re) => (e) => e instanceof TypeError && re.test(e.message);
    await assert.rejects(BuddyHeap.create(42), typeError(/create\(source, options\): source must be .*got 42/));
    await assert.rejects(BuddyHeap.create(null), typeError(/source must be/));
    await assert.rejects(BuddyHeap.create({ maxpages: 10 }), typeError(/unknown option options\.maxpages/));
    await assert.rejects(BuddyHeap.create({ minBlock: "32" }), typeError(/options\.minBlock must be a number, got "32"/));
    await assert.rejects(BuddyHeap.create(undefined, 5), typeError(/options must be an object/));
    await assert.rejects(BuddyHeap.create({ textbook: 1 }), typeError(/options\.textbook must be true or false, got 1/));
    await assert.rejects(BuddyHeap.create({ minBlock: 32 }, { maxPages: 5 }), typeError(/options come last/));
    await assert.rejects(BuddyHeap.createShared(new Date()), typeError(/createShared\(source, options\): source must be/));
    assert.throws(() => BuddyHeap.attach({ module: bytes }), typeError(/attach\(shared\)/));
    assert.throws(() => BuddyHeap.fromInstance({}), typeError(/instance must be a WebAssembly.Instance/));
    const heap = await BuddyHeap.create();
    assert.throws(() => heap.alloc("16"), typeError(/alloc: size must be a number, got "16"/));
    assert.throws(() => heap.free(null), typeError(/free: ptr must be a number, got null/));
    assert.throws(() => heap.realloc(16, undefined), typeError(/realloc: size must be a number/));
    assert.throws(() => heap.allocMany(5), typeError(/allocMany\(sizes\)/));
    assert.throws(() => heap.allocMany([16, "32"]), typeError(/sizes\[1\] must be a number/));
    assert.throws(() => heap.freeMany("abc"), typeError(/freeMany\(ptrs\)/));
    assert.throws(() => heap.view(Array, 16, 1), typeError(/ctor must be a typed array constructor/));
    assert.equal(heap.stats().allocs, 0, "nothing was allocated by a rejected call");
  });
});

describe("methods and errors", async () => {
  test("alloc, allocAligned, allocZeroed, realloc, dealloc, usableSize", async () => {
    const heap = await BuddyHeap.create();
    const a = heap.allocAligned(24, 4096);
    assert.equal(a % 4096, 0);
    assert.equal(heap.usableSize(a), 64, "a block of the minimum (64 bytes in the default heap), not of the alignment");
    const z = heap.allocZeroed(300);
    assert.ok(heap.bytes(z, 300).every((x) => x === 0));
    let r = heap.alloc(10);
    heap.bytes(r, 10).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    r = heap.realloc(r, 5000);
    assert.deepEqual([...heap.bytes(r, 10)], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    heap.dealloc(r, 5000);
    heap.free(a);
    heap.free(z);
    assert.equal(heap.stats().usedBytes, 0);
    heap.check();
  });

  test("failures throw BuddyError with the core's code and the call in the message, and change nothing", async () => {
    const heap = await BuddyHeap.create();
    const p = heap.alloc(64);
    heap.free(p);
    const before = heap.stats();
    throwsBuddy(() => heap.free(p), ErrorCode.DOUBLE_FREE, `free(ptr=${p})`);
    throwsBuddy(() => heap.free(p + 3), ErrorCode.NOT_BLOCK_START);
    throwsBuddy(() => heap.free(16), ErrorCode.NOT_IN_HEAP);
    throwsBuddy(() => heap.alloc(0), ErrorCode.ZERO_SIZE, "alloc(size=0)");
    throwsBuddy(() => heap.allocAligned(8, 24), ErrorCode.BAD_ALIGN, "align=24");
    throwsBuddy(() => heap.usableSize(p), ErrorCode.DOUBLE_FREE);
    const q = heap.alloc(64);
    throwsBuddy(() => heap.realloc(q, 0), ErrorCode.ZERO_SIZE);
    assert.equal(heap.usableSize(q), 64, "realloc to 0 freed nothing");
    throwsBuddy(() => heap.dealloc(q, 1000), ErrorCode.SIZE_MISMATCH);
    throwsBuddy(() => heap.addRegion(q, 4096), ErrorCode.REGION_OVERLAP);
    throwsBuddy(() => heap.addRegion(0, 1024), ErrorCode.BAD_REGION, "addRegion(base=0, size=1024)");
    heap.check(); // address 0 is not a region: nothing counted that could never be handed out
    heap.free(q);
    const after = heap.stats();
    for (const key of ["usedBytes", "freeBytes", "totalBytes", "metaBytes", "allocs", "frees"]) {
      assert.equal(after[key], before[key] + (key === "allocs" || key === "frees" ? 1 : 0), key);
    }
  });

  test("JavaScript arguments are checked before they reach wasm", async () => {
    const heap = await BuddyHeap.create();
    for (const bad of [-1, 1.5, NaN, 2 ** 32, Infinity]) {
      throwsBuddy(() => heap.alloc(bad), ErrorCode.TOO_LARGE, "size must be an integer");
      throwsBuddy(() => heap.free(bad), ErrorCode.NOT_IN_HEAP, "ptr must be an integer");
    }
    assert.equal(heap.stats().allocs, 0);
  });

  test("try* variants return codes instead of throwing", async () => {
    const heap = await BuddyHeap.create();
    assert.equal(heap.tryAlloc(0), 0);
    assert.equal(heap.lastError, ErrorCode.ZERO_SIZE);
    const p = heap.tryAlloc(40);
    assert.equal(heap.tryFree(p), ErrorCode.OK);
    assert.equal(heap.tryFree(p), ErrorCode.DOUBLE_FREE);
    assert.equal(heap.tryRealloc(p, 8), 0);
    assert.equal(heap.lastError, ErrorCode.DOUBLE_FREE);
    assert.equal(heap.tryDealloc(p, 40), ErrorCode.DOUBLE_FREE);
    assert.equal(heap.tryAllocAligned(8, 3), 0);
    assert.equal(heap.lastError, ErrorCode.BAD_ALIGN);
  });

  test("check() reports corruption with the broken invariant", async () => {
    const heap = await BuddyHeap.create(undefined, { deferLimit: 16 });
    const p = heap.alloc(4096);
    const q = heap.alloc(4096);
    heap.free(p);
    heap.free(q); // deferred: both on the 4 KiB list
    heap.check();
    const next = heap.view(Uint32Array, q, 1);
    const saved = next[0];
    next[0] = q; // the list now points at itself
    if (CHECKED_RUN) { // the checked build checks inside the call and traps instead of answering
      assert.throws(() => heap.check(), WebAssembly.RuntimeError);
      return;
    }
    const e = throwsBuddy(() => heap.check(), ErrorCode.CORRUPT);
    assert.equal(e.detail, CheckFailure.LIST_LINKS);
    heap.view(Uint32Array, q, 1)[0] = saved;
    heap.check();
    // A slab's header and bitmap (layout.ts, "Slabs": scan word at 8, slots at 24, the bitmap at
    // 32): a scan word past a word with a free slot, a live slot's bit cleared, a bit past the
    // last slot cleared.
    const a = heap.alloc(48);
    const b = heap.alloc(48);
    heap.free(a);
    const slab = a - (a % 8192);
    const words = heap.view(Uint32Array, slab, 8);
    const slots = words[6];
    const bits = heap.view(Uint32Array, slab + 32, (slots + 31) >> 5);
    const corrupt = (what, change, undo) => {
      change();
      assert.equal(throwsBuddy(() => heap.check(), ErrorCode.CORRUPT).detail, CheckFailure.SLABS, what);
      undo();
      heap.check();
    };
    assert.equal(words[2], 0, "the scan word: word 0 has free slots");
    corrupt("scan past a word with a free slot", () => { words[2] = 1; }, () => { words[2] = 0; });
    const ib = (b - slab - words[7]) / 48;
    corrupt("a live slot's bit cleared", () => { bits[ib >> 5] &= ~(1 << (ib & 31)); }, () => { bits[ib >> 5] |= 1 << (ib & 31); });
    assert.ok(slots & 31, "the 48-byte class leaves bits past its last slot");
    const last = slots >> 5;
    corrupt("a bit past the last slot cleared", () => { bits[last] &= ~(1 << 31); }, () => { bits[last] |= 1 << 31; });
    corrupt("the unused header word", () => { words[3] = 1; }, () => { words[3] = 0; });
    assert.equal(heap.alloc(48), a); // the lowest free slot is taken first, its bit set again
    heap.check();
    // The class tables in the control block (layout.ts: classSizes at 1088, classIndex at 1250).
    const root = heap.exports.buddy_root() >>> 0;
    for (const [at, width] of [[1088 + 2 * 5, 2], [1250 + 10, 1]]) { // class 5's size; step 10's class
      const cell = width === 2 ? heap.view(Uint16Array, root + at, 1) : heap.view(Uint8Array, root + at, 1);
      const was = cell[0];
      cell[0] = was + 1; // sizes no longer multiples of 16 / a step naming a class too large
      assert.equal(throwsBuddy(() => heap.check(), ErrorCode.CORRUPT).detail, CheckFailure.SLABS, `class table at ${at}`);
      (width === 2 ? heap.view(Uint16Array, root + at, 1) : heap.view(Uint8Array, root + at, 1))[0] = was;
      heap.check();
    }
    // The run table (layout.ts: runCount at 72, runs at 1464): an entry over blocks that are
    // not a run (one 128 KiB block), then a count with no entry.
    const big = heap.alloc(128 * 1024);
    const runs = heap.view(Uint32Array, root + 1464, 2);
    runs.set([big, big + 128 * 1024]);
    heap.view(Uint32Array, root + 72, 1)[0] = 1;
    assert.equal(throwsBuddy(() => heap.check(), ErrorCode.CORRUPT).detail, CheckFailure.RUNS, "one block is no run");
    heap.view(Uint32Array, root + 1464, 2).set([0, 0]);
    assert.equal(throwsBuddy(() => heap.check(), ErrorCode.CORRUPT).detail, CheckFailure.RUNS, "a count without its entry");
    heap.view(Uint32Array, root + 72, 1)[0] = 0;
    heap.check();
    heap.free(big);
    // emptyClasses (layout.ts, at 1528): a class that keeps an empty slab has its bit, which
    // coalesce() reads. The 640-byte class's only slab, emptied, is kept.
    const lone = heap.alloc(600);
    heap.free(lone);
    const mask = heap.view(Uint32Array, root + 1528, 2);
    assert.notEqual(mask[0] | mask[1], 0, "a bit for the class of the kept empty slab");
    const emptyMask = [mask[0], mask[1]];
    heap.view(Uint32Array, root + 1528, 2).set([0, 0]);
    assert.equal(throwsBuddy(() => heap.check(), ErrorCode.CORRUPT).detail, CheckFailure.SLABS, "an empty slab its class's bit does not name");
    heap.view(Uint32Array, root + 1528, 2).set(emptyMask);
    heap.check();
    heap.coalesce();
    assert.deepEqual([...heap.view(Uint32Array, root + 1528, 2)], [0, 0], "coalesce gave it back and cleared the bits");
    heap.check();
  });
});

describe("batches", () => {
  test("allocMany and freeMany cross the boundary once for many blocks", async () => {
    const heap = await BuddyHeap.create();
    const sizes = Array.from({ length: 1000 }, (_, i) => 1 + (i * 37) % 3000);
    const ptrs = heap.allocMany(sizes);
    assert.equal(ptrs.length, 1000);
    for (let i = 0; i < ptrs.length; i++) assert.ok(heap.usableSize(ptrs[i]) >= sizes[i]);
    assert.equal(new Set(ptrs).size, 1000, "distinct blocks");
    heap.freeMany(ptrs);
    assert.equal(heap.stats().usedBytes, 0);
    heap.check();
  });

  test("allocMany is all or nothing", async () => {
    const heap = await BuddyHeap.create(undefined, { maxPages: 0 });
    const used = heap.stats().usedBytes;
    throwsBuddy(() => heap.allocMany([16, 32, 1 << 30]), ErrorCode.OUT_OF_MEMORY, "allocMany");
    assert.equal(heap.stats().usedBytes, used, "the first two were given back");
    heap.check();
  });

  test("freeMany stops at a bad pointer and names its index", async () => {
    const heap = await BuddyHeap.create();
    const [a, b, c] = heap.allocMany([16, 16, 16]);
    throwsBuddy(() => heap.freeMany([a, a + 1, b]), ErrorCode.NOT_BLOCK_START, `ptrs[1]=${a + 1}`);
    assert.equal(heap.tryFree(a), ErrorCode.DOUBLE_FREE, "a was freed before the bad one");
    assert.equal(heap.usableSize(b), 16, "b was not");
    heap.freeMany([b, c]);
    heap.check();
    // 0 is no block, as for free(0), which throws NOT_IN_HEAP.
    throwsBuddy(() => heap.free(0), ErrorCode.NOT_IN_HEAP);
    throwsBuddy(() => heap.freeMany([0]), ErrorCode.NOT_IN_HEAP, "ptrs[0]=0");
    const [d, e] = heap.allocMany([16, 16]);
    throwsBuddy(() => heap.freeMany([d, 0, e]), ErrorCode.NOT_IN_HEAP, "ptrs[1]=0");
    assert.equal(heap.tryFree(d), ErrorCode.DOUBLE_FREE, "d, before the 0, was freed");
    assert.equal(heap.usableSize(e), 16, "e, after it, was not");
    heap.free(e);
    heap.check();
  });
});

test("views must be made again after memory grows", async () => {
  const heap = await BuddyHeap.create();
  const p = heap.alloc(16);
  const old = heap.bytes(p, 16);
  heap.alloc(1 << 24); // grows memory
  assert.equal(old.byteLength, 0, "the old view is detached");
  const fresh = heap.bytes(p, 16);
  assert.equal(fresh.byteLength, 16);
  assert.throws(() => heap.view(Float64Array, p + 4, 1), BuddyError, "misaligned view");
  assert.throws(() => heap.bytes(heap.memory.buffer.byteLength - 8, 16), BuddyError, "past the end");
});

test("@assemblyscript/loader users: instantiate with the loader, then wrap or call directly", async () => {
  const { instance, exports } = await loader.instantiate(bytes, {});
  const p = exports.malloc(100) >>> 0;
  assert.ok(p && p % 16 === 0);
  const heap = BuddyHeap.fromInstance(instance);
  assert.equal(heap.usableSize(p), 112, "the same heap behind both");
  heap.free(p);
  throwsBuddy(() => heap.free(p), ErrorCode.DOUBLE_FREE);
  heap.check();
});

// Placement of blocks that move (assembly/realloc.ts, takeRoomy and shrinkMoves), read from the
// heap's own snapshot: which free block a realloc took is known exactly.
describe("where a moving realloc puts a block", () => {
  const lowestLargestFree = (heap) => {
    const free = heap.snapshot().blocks.filter((b) => b.state === "free");
    const size = Math.max(...free.map((b) => b.size));
    return Math.min(...free.filter((b) => b.size === size).map((b) => b.address));
  };
  const freeAt = (heap, address, size) => heap.snapshot().blocks.some((b) => b.state === "free" && b.address === address && b.size === size);

  test("a doubling takes the lower half of a block twice its size, and a vector that doubled before takes the bottom of the largest free block", async () => {
    // 16-byte blocks: with the default heap's 64-byte ones its metadata is smaller and the
    // first block lands where its first doubling is in place, so it never moves.
    const heap = await BuddyHeap.create(undefined, { maxPages: 65535, minBlock: 16 });
    heap.free(heap.alloc(32 << 20)); // a heap with a large free block
    const p = heap.alloc(100000);     // a 128 KiB block that never moved
    const largest = lowestLargestFree(heap);
    const q = heap.realloc(p, 200000);
    assert.notEqual(q, largest, "a first doubling does not take the bottom of the largest free block");
    assert.equal(heap.realloc(q, 400000), q, "it grows in place into the room it was given");
    const r = q;
    const inPlace = r % (1 << 20) === 0 && freeAt(heap, r + (512 << 10), 512 << 10);
    const vectorAt = lowestLargestFree(heap);
    const t = heap.realloc(r, 800000);
    assert.equal(t, inPlace ? r : vectorAt, inPlace ? "its upper buddy was free: in place" : "a vector: the bottom of the largest free block");
    for (const size of [1.6e6, 3.2e6, 6.4e6]) assert.equal(heap.realloc(t, size), t, `then grows in place to ${size} bytes`);
    heap.check();
  });

  test("a large block cut to a quarter or less moves into a smaller free block, and its region is whole again", async () => {
    const heap = await BuddyHeap.create(undefined, { maxPages: 65535 });
    const a = heap.alloc(65536);
    const b = heap.alloc(65536);
    heap.free(a); // a free block smaller than 1 MiB for the cut block to move into
    assert.ok(heap.snapshot().blocks.some((x) => x.state === "free" && x.size >= 65536 && x.size < (1 << 20)));
    const p = heap.alloc(1 << 20);
    heap.bytes(p, 60000).fill(7);
    const before = heap.stats();
    const q = heap.realloc(p, 60000);
    assert.notEqual(q, p, "moved");
    assert.ok(heap.bytes(q, 60000).every((x) => x === 7), "the contents came along");
    assert.equal(heap.usableSize(q), 65536);
    assert.ok(heap.snapshot().blocks.some((x) => x.state === "free" && x.address <= p && x.address + x.size >= p + (1 << 20)), "the 1 MiB block is free again");
    const after = heap.stats();
    assert.deepEqual([after.allocs - before.allocs, after.frees - before.frees, after.inPlaceReallocs - before.inPlaceReallocs], [1, 1, 0], "counted as a move");
    heap.free(b);
    heap.free(q);
    heap.check();
  });
});

describe("growth", () => {
  test("a block may start below the old top when the blocks from there up are free, and a metadata move stays below it", async () => {
    const heap = await BuddyHeap.create(undefined, { maxPages: 1024 });
    const KiB = 1024;
    const a = heap.alloc(512 * KiB);
    const b = heap.alloc(256 * KiB);
    const c = heap.alloc(256 * KiB); // memory grows past 1 MiB for it
    assert.deepEqual([a, b, c], [512 * KiB, 256 * KiB, 1024 * KiB], "the blocks where a fresh module puts them");
    assert.equal(heap.memory.buffer.byteLength, 1280 * KiB);
    heap.free(c); // [1 MiB, 1.25 MiB) is free, at the top of memory
    const d = heap.alloc(1024 * KiB);
    // The block [1 MiB, 2 MiB) takes the free quarter and 0.75 MiB of new memory; a block wholly
    // in new memory would have started at 2 MiB, in 3 MiB of memory.
    assert.equal(d, 1024 * KiB);
    assert.equal(heap.memory.buffer.byteLength, 2048 * KiB);
    // The span outgrew the metadata area's headroom: the new run went below 1 MiB.
    const meta = heap.snapshot().blocks.filter((x) => x.state === "meta");
    assert.ok(meta.length > 0 && meta.every((x) => x.address + x.size <= 1024 * KiB), `metadata below 1 MiB: ${JSON.stringify(meta)}`);
    heap.check();
    heap.free(d);
    heap.free(b);
    heap.free(a);
    heap.check();
  });
});

test("allocMany and freeMany count only the program's blocks in stats(), also when freeMany is rejected", async () => {
  const heap = await BuddyHeap.create();
  const s0 = heap.stats();
  const ptrs = heap.allocMany([16, 100, 5000]);
  const s1 = heap.stats();
  assert.equal(s1.allocs - s0.allocs, 3, "three blocks, not four (the scratch buffer is not the program's)");
  assert.equal(s1.frees - s0.frees, 0);
  throwsBuddy(() => heap.freeMany([ptrs[0], ptrs[0] + 3]), ErrorCode.NOT_BLOCK_START, "ptrs[1]");
  const s2 = heap.stats();
  assert.equal(s2.frees - s1.frees, 1, "the one block freed before the bad pointer");
  assert.equal(s2.allocs, s1.allocs);
  assert.equal(s2.rejectedFrees - s1.rejectedFrees, 1);
  heap.freeMany([ptrs[1], ptrs[2]]);
  const s3 = heap.stats();
  assert.deepEqual([s3.allocs - s0.allocs, s3.frees - s0.frees, s3.usedBytes], [3, 3, s0.usedBytes]);
  heap.check();
});

test("a double free of a slot whose slab was given back (merged since) is DOUBLE_FREE, as errors.md says", async () => {
  const heap = await BuddyHeap.create({ deferLimit: 0 });
  const a = heap.alloc(1000);
  const b = heap.alloc(1000);
  assert.notEqual(a % heap.stats().minBlock, 0, "a slot that does not start a minimum block");
  heap.free(a);
  heap.free(b);
  heap.coalesce();
  assert.equal(heap.stats().usedBytes, 0, "the slab went back to the heap");
  const before = heap.stats();
  throwsBuddy(() => heap.free(a), ErrorCode.DOUBLE_FREE, `free(ptr=${a})`);
  throwsBuddy(() => heap.free(b), ErrorCode.DOUBLE_FREE);
  throwsBuddy(() => heap.free(a + 4), ErrorCode.NOT_BLOCK_START); // not a slot's start
  const after = heap.stats();
  assert.equal(after.rejectedFrees, before.rejectedFrees + 3);
  for (const key of ["usedBytes", "freeBytes", "totalBytes", "frees"]) assert.equal(after[key], before[key], key);
  heap.check();
});

test("out-of-range page options are BuddyErrors (BAD_CONFIG or OUT_OF_MEMORY), not engine errors", async () => {
  const isBuddy = (code, pattern) => (e) => e instanceof BuddyError && e.code === code && pattern.test(e.message);
  await assert.rejects(BuddyHeap.create({ initialPages: 70000 }), isBuddy(ErrorCode.BAD_CONFIG, /^create\(initialPages=70000\): initialPages must be an integer from 0 to 65536/));
  await assert.rejects(BuddyHeap.create({ initialPages: 1.5 }), isBuddy(ErrorCode.BAD_CONFIG, /initialPages/));
  await assert.rejects(BuddyHeap.create({ maxPages: 70000 }), isBuddy(ErrorCode.BAD_CONFIG, /maxPages must be at most 65535/));
  await assert.rejects(BuddyHeap.createShared({ maxPages: 0 }), isBuddy(ErrorCode.BAD_CONFIG, /maxPages must be from 2 to 16384/));
  await assert.rejects(BuddyHeap.createShared({ maxPages: 65536 }), isBuddy(ErrorCode.BAD_CONFIG, /the threads build's maximum memory, 1 GiB/));
  await assert.rejects(BuddyHeap.createShared({ initialPages: 10, maxPages: 5 }), isBuddy(ErrorCode.BAD_CONFIG, /initialPages must not exceed maxPages/));
  const ok = await BuddyHeap.createShared({ initialPages: 4, maxPages: 64 });
  assert.equal(ok.memory.buffer.byteLength, 4 << 16);
  ok.free(ok.alloc(100));
  // A limited build (32 pages at most): growing past its maximum is OUT_OF_MEMORY, not a RangeError.
  const limited = readFileSync(new URL("../build/test/as-buddy.limited.wasm", import.meta.url));
  await assert.rejects(BuddyHeap.create(limited, { initialPages: 64 }), isBuddy(ErrorCode.OUT_OF_MEMORY, /memory cannot grow to initialPages \(64 pages\)/));
});

test("fromInstance with options on a heap already in use says so, labelled fromInstance", async () => {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("../build/as-buddy.wasm", import.meta.url))), {});
  const heap = BuddyHeap.fromInstance(instance);
  heap.free(heap.alloc(64));
  assert.throws(() => BuddyHeap.fromInstance(instance, { deferLimit: 4 }),
    (e) => e instanceof BuddyError && e.code === ErrorCode.ALREADY_INITIALIZED && /^fromInstance\(\{"deferLimit":4\}\): the heap is already set up/.test(e.message));
  assert.doesNotThrow(() => BuddyHeap.fromInstance(instance), "without options any instance is fine");
});
