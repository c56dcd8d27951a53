// Model-based testing of the heap: random operation sequences (fast-check arbitraries) run
// against the release module through the bindings, and against a simple reference model that
// predicts every error code, the bytes in use, the counters and the regions. Used by
// tests/property.test.js (a few hundred sequences in `npm test`) and scripts/fuzz.js (long runs).
import { readFileSync } from "node:fs";
import { BuddyHeap, ErrorCode, defaultWasmUrl } from "../bindings/dist/index.js";

export const MIN_BLOCK = 16;
export const MAX_ORDER = 16; // largest block 1 MiB
export const MAX_BLOCK = MIN_BLOCK << MAX_ORDER;
export const GROW_PAGES = 24; // the heap may grow memory to 1.5 MiB
export const MEMORY_PAGES_CAP = 40; // regions added by hand stop here
/** More than a metadata area for the whole growable memory takes (two bits per 16 bytes, a bit
 *  per 8 KiB for slabs, a word's rounding per bitmap): what a growth may have to hold besides
 *  the block it is for. */
const META_BOUND = (GROW_PAGES * 65536) / 32;
import { CB_SIZE } from "../bindings/dist/layout.js";
import { sizeClasses, classIndex, indexOf } from "../scripts/size-classes.js";

/** The release build, or the debug build that runs check() after every call (it traps where
 *  an invariant breaks): createHarness(config, coverage, "checked"). */
const modules = {
  release: new WebAssembly.Module(readFileSync(defaultWasmUrl)),
  checked: new WebAssembly.Module(readFileSync(new URL("../build/test/as-buddy.checked.wasm", import.meta.url))),
};

/** The operations, as fast-check arbitraries. */
export function operations(fc) {
  const size = fc.oneof(
    { weight: 10, arbitrary: fc.integer({ min: 1, max: 256 }) },
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 8192 }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 400000 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, MAX_BLOCK, MAX_BLOCK + 1, 2 ** 32 - 1) },
  );
  const align = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 20 }).map((k) => 2 ** k) },
    { weight: 1, arbitrary: fc.constantFrom(0, 3, 24, 2 ** 21, 2 ** 31) },
  );
  const target = fc.record({
    kind: fc.constantFrom("live", "live", "live", "live", "live", "stale", "interior", "misaligned", "foreign", "null"),
    index: fc.nat(),
  });
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ op: fc.constant("alloc"), size }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant("allocAligned"), size, align }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant("free"), target }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant("dealloc"), target, exact: fc.boolean() }) },
    { weight: 14, arbitrary: fc.record({ op: fc.constant("realloc"), target, size }) },
    // The highest allocation, grown: when it ends at the top of a growable heap, in place by
    // growing memory (realloc.ts, growInPlace).
    { weight: 3, arbitrary: fc.record({ op: fc.constant("reallocTop"), factor: fc.constantFrom(2, 4) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant("addRegion"), pages: fc.integer({ min: 1, max: 3 }), bad: fc.constantFrom("none", "none", "overlap", "outside") }) },
    { weight: 2, arbitrary: fc.constant({ op: "coalesce" }) },
  );
}

/** Configurations: deferred or eager coalescing. */
export function configurations(fc) {
  return fc.record({ deferLimit: fc.constantFrom(0, 1, 16) });
}

const blockOf = (size) => Math.max(MIN_BLOCK, 2 ** Math.ceil(Math.log2(Math.max(size, 1))));
const isPow2 = (x) => x > 0 && Number.isInteger(Math.log2(x));

// Size classes (assembly/layout.ts, "Slabs"): requests up to SLAB_MAX take a slot of their
// class in a slab of 8 to 128 KiB, except those whose slab is above 8 KiB in a heap of fewer
// than 2^SLAB_HEAP_LOG such slabs; a power-of-two class's slots are aligned to their size,
// others to 16. The classes are scripts/size-classes.js's (layout.ts holds them as tables).
export const SLAB_MAX = 16384;
export const SLAB_HEAP_LOG = 6;
const CLASSES = sizeClasses();
const INDEX = classIndex(CLASSES);
const classFor = (size) => CLASSES[INDEX[indexOf(Math.max(size, MIN_BLOCK))]];
/** The slab size of the class of `size` bytes (1..SLAB_MAX). */
export const slabBytes = (size) => 2 ** classFor(size)[1];
/** The slot size of the class of `size` bytes (1..SLAB_MAX). */
export const classSize = (size) => classFor(size)[0];
/** Whether alloc(size, align) takes a slot in a heap of `total` bytes (before the call). */
export function takesSlot(size, align, total) {
  if (size > SLAB_MAX || slabBytes(size) > MAX_BLOCK) return false;
  if (slabBytes(size) > 8192 && total < slabBytes(size) * 2 ** SLAB_HEAP_LOG) return false;
  if (align <= 16) return true;
  const c = classSize(size);
  return isPow2(c) && align <= c;
}
/** What an allocation of `size` aligned to `align` takes: its extent (usableSize) and the
 *  alignment its address has. */
export function placement(size, align, total) {
  if (takesSlot(size, align, total)) {
    const c = classSize(size);
    return { extent: c, alignment: Math.max(isPow2(c) ? c : 16, align || 1), slot: true };
  }
  const block = blockOf(size);
  return { extent: block, alignment: Math.max(block, align || 1), slot: false };
}

/** What else a slot request may take when its class has no free slot and no free block holds
 *  a new slab (assembly/slots.ts, borrowSlab): a slot of one of the next 4 classes up of at
 *  most 5/4 its class's size (a power-of-two class if it needs more than 16-byte alignment),
 *  or a free block of its power of two. Whether it does depends on the free blocks, which the
 *  model does not track: placeNew checks that what it got is one of these. */
export function mayBorrow(size, align, total, usable, p) {
  if (!takesSlot(size, align, total)) return false;
  const c = classSize(size);
  if (usable === blockOf(size)) return p % usable === 0;
  const i = CLASSES.findIndex(([x]) => x === c);
  const j = CLASSES.findIndex(([x]) => x === usable);
  const pow2 = isPow2(size) || (align || 1) > 16;
  return j > i && j - i <= 4 && usable <= c + (c >> 2) && (!pow2 || isPow2(usable)) && p % (isPow2(usable) ? usable : 16) === 0;
}

/** Whether an allocation of `size` aligned to `align` may be a run (assembly/runs.ts):
 *  a block request of more than 64 KiB that is not a power of two, aligned to 64 KiB at most.
 *  Whether it is one depends on the free blocks (a run only where no block of its order is
 *  free), which the model does not track: placeNew takes the heap's usable size when it is a
 *  run's, and checks what a run must be. */
export const RUN_BLOCK = 65536;
export function mayBeRun(size, align, total) {
  return !takesSlot(size, align, total) && size > RUN_BLOCK && !isPow2(size) && (align || 1) <= RUN_BLOCK;
}

/** A fresh heap and its model. `step(op)` applies one operation and checks everything;
 *  `coverage` counts what was exercised. Throws an Error describing the first divergence. */
export function createHarness(config, coverage = newCoverage(), build = "release") {
  const instance = new WebAssembly.Instance(modules[build], {});
  const heap = BuddyHeap.fromInstance(instance, { minBlock: MIN_BLOCK, maxOrder: MAX_ORDER, maxPages: GROW_PAGES, deferLimit: config.deferLimit });
  const root = heap.exports.buddy_root() >>> 0;
  const model = {
    live: new Map(), // ptr -> { size, block, tag }
    stale: [],       // pointers freed at some point
    regions: [[(root + CB_SIZE + 15) & ~15, heap.memory.buffer.byteLength]],
    counters: { allocs: 0, frees: 0, failedAllocs: 0, rejectedFrees: 0 },
    grows: 0,
    memTop: 0, // top of memory when the model last looked
  };
  model.memTop = heap.memory.buffer.byteLength;
  let tagSeq = 0;
  let stepNo = 0;

  const fail = (what) => { throw new Error(`step ${stepNo}: ${what}`); };
  const expectEq = (got, want, what) => { if (got !== want) fail(`${what}: got ${got}, want ${want}`); };
  const top = () => heap.memory.buffer.byteLength;
  const inRegion = (p) => model.regions.some(([a, b]) => p >= a && p < b);

  function addModelRegion(a, b) {
    const r = model.regions;
    const left = r.find((x) => x[1] === a);
    const right = r.find((x) => x[0] === b);
    if (left && right) { left[1] = right[1]; r.splice(r.indexOf(right), 1); }
    else if (left) left[1] = b;
    else if (right) right[0] = a;
    else { r.push([a, b]); r.sort((x, y) => x[0] - y[0]); }
  }

  /** The error a free of a pointer that is not live must give (a set when two are possible). */
  function expectedBadPointer(p) {
    if (!inRegion(p)) return [ErrorCode.NOT_IN_HEAP];
    if (p % MIN_BLOCK) return [ErrorCode.NOT_BLOCK_START];
    for (const [q, b] of model.live) if (p > q && p < q + b.extent) return [ErrorCode.NOT_BLOCK_START];
    // Free memory (DOUBLE_FREE), or the metadata area, which the model does not track.
    return [ErrorCode.DOUBLE_FREE, ErrorCode.NOT_BLOCK_START];
  }

  function resolve(target) {
    const ptrs = [...model.live.keys()];
    switch (target.kind) {
      case "live": return ptrs.length ? ptrs[target.index % ptrs.length] : 0;
      case "stale": return model.stale.length ? model.stale[target.index % model.stale.length] : 8;
      case "interior": {
        if (!ptrs.length) return 24;
        const p = ptrs[target.index % ptrs.length];
        const b = model.live.get(p).extent;
        return b > 16 ? p + 16 * (1 + (target.index % (b / 16 - 1))) : p + 8;
      }
      case "misaligned": return ptrs.length ? ptrs[target.index % ptrs.length] + 1 + (target.index % 15) : 17;
      case "foreign": return [8, 1024, root, top() + 4096, 0xfffffff0][target.index % 5];
      default: return 0;
    }
  }

  function fill(p, size, tag) {
    heap.bytes(p, size).fill(tag);
  }
  /** Every block is written to its usable size, not only the size asked for: a usable size that
   *  reached a slab header, the metadata or the next block would show here or in check(). */
  function verifyBlock(p) {
    const b = model.live.get(p);
    const bytes = heap.bytes(p, b.extent);
    for (let i = 0; i < b.extent; i += 1 + (i >> 5)) if (bytes[i] !== b.tag) fail(`contents of ${p} (size ${b.size}, usable ${b.extent}) damaged at +${i}`);
    if (bytes[b.extent - 1] !== b.tag) fail(`the last usable byte of ${p} (usable ${b.extent}) damaged`);
  }

  /** Growth by the heap itself adds [old top, new top) to its last region. */
  function syncGrowth() {
    const grows = heap.stats().grows;
    if (grows !== model.grows) {
      model.grows = grows;
      addModelRegion(model.memTop, top());
      model.memTop = top();
      coverage.grows++;
    }
  }

  function placeNew(p, size, align, total) {
    syncGrowth();
    let { extent, alignment, slot } = placement(size, align, total);
    const usable = heap.usableSize(p);
    if ((usable !== extent || p % alignment) && mayBeRun(size, align, total)) {
      // A run (as long as the block or shorter): 64 KiB-aligned, a whole number of 64 KiB
      // blocks, holding size, never longer than the block it stands for (so that a dealloc
      // with size matches it).
      if (usable % RUN_BLOCK || usable < size || usable > extent) fail(`run ${p} of ${usable} bytes for ${size}`);
      extent = usable;
      alignment = RUN_BLOCK;
      coverage.runs++;
    }
    if (usable !== extent && slot && mayBorrow(size, align, total, usable, p)) {
      extent = usable;
      alignment = 16;
      coverage.borrows++;
    }
    expectEq(usable, extent, `usableSize of ${p} for ${size} bytes aligned to ${align}`);
    if (p % alignment) fail(`${slot ? "slot" : "block"} ${p} of ${extent} bytes not aligned to ${alignment}`);
    if (!model.regions.some(([a, b]) => p >= a && p + extent <= b)) fail(`block ${p}+${extent} outside the regions`);
    for (const [q, b] of model.live) if (p < q + b.extent && q < p + extent) fail(`block ${p}+${extent} overlaps ${q}+${b.extent}`);
    if (slot) coverage.slots++;
    const tag = 1 + (tagSeq++ % 255);
    model.live.set(p, { size, extent, align, tag });
    fill(p, extent, tag);
    coverage.maxLive = Math.max(coverage.maxLive, model.live.size);
  }

  function allocExpectation(size, align) {
    if (size === 0) return ErrorCode.ZERO_SIZE;
    if (size > MAX_BLOCK) return ErrorCode.TOO_LARGE;
    if (align !== 0 && (!isPow2(align) || align > MAX_BLOCK)) return ErrorCode.BAD_ALIGN;
    return ErrorCode.OK;
  }

  /** Out of memory is right only when no free block holds what the request needs (a slot:
   *  a new slab) and growing could not make one: not even with a new metadata area at the start
   *  of the new memory (at most META_BOUND bytes) and the block aligned above it does the
   *  growth fit under the page limit. A heap that stopped growing early fails here. */
  function checkOutOfMemory(size, align, total) {
    const need = takesSlot(size, align, total) ? slabBytes(size) : Math.max(blockOf(size), align);
    const s = heap.stats();
    if (s.largestFree >= need) fail(`out of memory for ${need} bytes with a ${s.largestFree}-byte block free`);
    const start = Math.ceil((top() + META_BOUND) / need) * need;
    if (start + need <= GROW_PAGES * 65536) fail(`out of memory for ${need} bytes where growing memory from ${top()} to ${start + need} fits its limit`);
  }

  function record(code) {
    coverage.codes[code] = (coverage.codes[code] ?? 0) + 1;
  }

  const ops = {
    alloc({ size }) { return ops.allocAligned({ size, align: 0 }); },
    allocAligned({ size, align }) {
      const want = allocExpectation(size, align);
      const total = heap.stats().totalBytes; // what the heap decides by (takesSlot)
      const p = heap.tryAllocAligned(size, align);
      const code = p ? ErrorCode.OK : heap.lastError;
      record(code);
      if (want !== ErrorCode.OK) {
        expectEq(code, want, `alloc(${size}, ${align}) error`);
        model.counters.failedAllocs++;
        return;
      }
      if (!p) {
        expectEq(code, ErrorCode.OUT_OF_MEMORY, `alloc(${size}, ${align}) error`);
        checkOutOfMemory(size, align, total);
        model.counters.failedAllocs++;
        return;
      }
      model.counters.allocs++;
      placeNew(p, size, align, total);
    },
    free({ target }) {
      const p = resolve(target);
      if (model.live.has(p)) verifyBlock(p); // before: a free block holds its list links
      const code = heap.tryFree(p);
      record(code);
      if (model.live.has(p)) {
        expectEq(code, ErrorCode.OK, `free(${p}) of a live block`);
        model.live.delete(p);
        model.stale.push(p);
        model.counters.frees++;
      } else {
        const want = expectedBadPointer(p);
        if (!want.includes(code)) fail(`free(${p}) of a ${target.kind} pointer: got ${code}, want ${want}`);
        model.counters.rejectedFrees++;
      }
    },
    dealloc({ target, exact }) {
      const p = resolve(target);
      const b = model.live.get(p);
      // Wrong: half the extent (a smaller class or order), or just over twice it.
      const size = b ? (exact ? b.size : b.extent > MIN_BLOCK ? b.extent / 2 : b.extent * 2 + 1) : 64;
      if (b) verifyBlock(p);
      const code = heap.tryDealloc(p, size, b && exact ? b.align : 0);
      record(code);
      if (b && exact) {
        expectEq(code, ErrorCode.OK, `dealloc(${p}, ${size})`);
        model.live.delete(p);
        model.stale.push(p);
        model.counters.frees++;
      } else if (b) {
        expectEq(code, ErrorCode.SIZE_MISMATCH, `dealloc(${p}, wrong size ${size})`);
        model.counters.rejectedFrees++;
      } else {
        const want = expectedBadPointer(p);
        if (!want.includes(code)) fail(`dealloc(${p}) of a ${target.kind} pointer: got ${code}, want ${want}`);
        model.counters.rejectedFrees++;
      }
    },
    realloc({ target, size }) {
      const p = resolve(target);
      if (p === 0) return ops.allocAligned({ size, align: 0 });
      const b = model.live.get(p);
      const total = heap.stats().totalBytes; // what the heap decides by (takesSlot)
      const memory = heap.memory.buffer.byteLength;
      const q = heap.tryRealloc(p, size);
      const code = q ? ErrorCode.OK : heap.lastError;
      record(code);
      if (!b) {
        const want = expectedBadPointer(p);
        if (!want.includes(code)) fail(`realloc(${p}) of a ${target.kind} pointer: got ${code}, want ${want}`);
        model.counters.rejectedFrees++;
        return;
      }
      const want = allocExpectation(size, 0);
      if (want !== ErrorCode.OK || !q) {
        expectEq(code, want === ErrorCode.OK ? ErrorCode.OUT_OF_MEMORY : want, `realloc(${p}, ${size}) error`);
        if (!q && want === ErrorCode.OK) checkOutOfMemory(size, 0, total);
        model.counters.failedAllocs++;
        verifyBlock(p); // untouched
        return;
      }
      const keep = Math.min(b.size, size);
      const bytes = heap.bytes(q, keep);
      for (let i = 0; i < keep; i += 1 + (i >> 5)) if (bytes[i] !== b.tag) fail(`realloc(${p} -> ${q}, ${size}) lost contents at +${i}`);
      model.live.delete(p);
      if (q !== p) {
        model.counters.allocs++;
        model.counters.frees++;
        model.stale.push(p);
        coverage.moved++;
      } else {
        coverage.inPlace++;
        if (heap.memory.buffer.byteLength > memory) coverage.grewInPlace++; // across the old top
      }
      placeNew(q, size, 0, total);
    },
    reallocTop({ factor }) {
      const ptrs = [...model.live.keys()];
      if (!ptrs.length) return ops.alloc({ size: 1 << 16 });
      const p = Math.max(...ptrs);
      return ops.realloc({ target: { kind: "live", index: ptrs.indexOf(p) }, size: model.live.get(p).extent * factor });
    },
    addRegion({ pages, bad }) {
      if (bad === "overlap") {
        const [a] = model.regions[0];
        expectEq(heap.exports.buddy_add_region(a + 64, 4096) >>> 0, ErrorCode.REGION_OVERLAP, "addRegion over the heap");
        record(ErrorCode.REGION_OVERLAP);
        return;
      }
      if (bad === "outside") {
        expectEq(heap.exports.buddy_add_region(top(), 65536) >>> 0, ErrorCode.BAD_REGION, "addRegion outside memory");
        record(ErrorCode.BAD_REGION);
        return;
      }
      if (top() / 65536 + pages > MEMORY_PAGES_CAP) return;
      const old = top();
      heap.memory.grow(pages);
      const code = heap.exports.buddy_add_region(old, pages * 65536) >>> 0;
      record(code);
      expectEq(code, ErrorCode.OK, `addRegion(${old}, ${pages} pages)`);
      addModelRegion(old, old + pages * 65536);
      model.memTop = top();
      coverage.regionsAdded++;
    },
    coalesce() {
      heap.coalesce();
    },
  };

  return {
    heap,
    model,
    step(op) {
      stepNo++;
      coverage.ops[op.op] = (coverage.ops[op.op] ?? 0) + 1;
      ops[op.op](op);
      syncGrowth();
      const s = heap.stats();
      let used = 0;
      for (const b of model.live.values()) used += b.extent;
      expectEq(s.usedBytes, used, "usedBytes");
      for (const k of Object.keys(model.counters)) expectEq(s[k], model.counters[k], k);
      expectEq(s.totalBytes, model.regions.reduce((n, [a, b]) => n + b - a, 0), "totalBytes = the regions");
      expectEq(s.regionCount, model.regions.length, "regionCount");
      expectEq(s.usedBytes + s.freeBytes + s.metaBytes + s.slackBytes, s.totalBytes, "used + free + meta + slack = total");
      const code = heap.exports.buddy_check() >>> 0;
      if (code) fail(`check() = ${code}, detail ${heap.exports.buddy_check_detail()}`);
      if (stepNo % 16 === 0) for (const p of model.live.keys()) verifyBlock(p);
      coverage.steps++;
    },
    /** Frees everything and checks that the heap coalesces back completely. */
    finish() {
      while (model.live.size) this.step({ op: "free", target: { kind: "live", index: 0 } });
      heap.coalesce();
      if (heap.coalesce() !== 0) fail("a second coalesce still merged something");
      const s = heap.stats();
      expectEq(s.usedBytes, 0, "used after freeing everything");
      expectEq(s.slackBytes, 0, "no slab left after coalesce");
      heap.check();
      // Fully merged: every region but the metadata area is its canonical carve, the largest
      // aligned blocks that fit, and nothing else is left.
      const blocks = heap.snapshot().blocks;
      const meta = blocks.filter((b) => b.state === "meta");
      const others = blocks.filter((b) => b.state !== "meta" && b.state !== "free");
      if (others.length) fail(`after freeing everything, ${others[0].state} block at ${others[0].address}`);
      const m0 = meta.length ? meta[0].address : 0;
      const m1 = meta.length ? meta[meta.length - 1].address + meta[meta.length - 1].size : 0;
      expectEq(m1 - m0, s.metaBytes, "the metadata area is one range of its size");
      const want = [];
      for (const [a, b] of model.regions) {
        for (const [x, e] of m0 >= a && m1 <= b ? [[a, m0], [m1, b]] : [[a, b]]) want.push(...carve(x, e));
      }
      const got = blocks.filter((b) => b.state === "free").map((b) => `${b.address}+${b.size}`);
      expectEq(got.join(" "), want.map(([p, n]) => `${p}+${n}`).join(" "), "free blocks after freeing everything");
    },
  };
}

/** The largest naturally aligned blocks (MIN_BLOCK to MAX_BLOCK) that tile [a, e), in order. */
function carve(a, e) {
  const out = [];
  while (a < e) {
    let n = MAX_BLOCK;
    while (n > MIN_BLOCK && (a % n || a + n > e)) n /= 2;
    out.push([a, n]);
    a += n;
  }
  return out;
}

export function newCoverage() {
  return { steps: 0, ops: {}, codes: {}, grows: 0, regionsAdded: 0, moved: 0, inPlace: 0, grewInPlace: 0, maxLive: 0, slots: 0, runs: 0, borrows: 0 };
}

/** What a run must reach, or a drifting generator could stop exercising a path without a
 *  failure: every operation, growth, region adds, realloc in place (and growing memory under
 *  the block), moves, slots, borrowed slots, runs, and every error code a call can return here.
 *  Returns the list of what was not reached (empty when all was). */
export function missingCoverage(c) {
  const missing = [];
  for (const op of ["alloc", "allocAligned", "free", "dealloc", "realloc", "addRegion", "coalesce", "reallocTop"]) {
    if (!c.ops[op]) missing.push(`op ${op}`);
  }
  for (const k of ["grows", "regionsAdded", "moved", "inPlace", "grewInPlace", "slots", "borrows", "runs"]) {
    if (!c[k]) missing.push(k);
  }
  for (const name of ["OK", "OUT_OF_MEMORY", "ZERO_SIZE", "TOO_LARGE", "BAD_ALIGN", "NOT_IN_HEAP", "NOT_BLOCK_START", "DOUBLE_FREE", "SIZE_MISMATCH", "BAD_REGION", "REGION_OVERLAP"]) {
    if (!c.codes[ErrorCode[name]]) missing.push(`code ${name}`);
  }
  return missing;
}

/** Coverage in words, for reports. */
export function describeCoverage(c) {
  const codes = Object.entries(c.codes).sort((a, b) => a[0] - b[0])
    .map(([k, v]) => `${Object.keys(ErrorCode).find((n) => ErrorCode[n] === Number(k))}=${v}`).join(" ");
  const ops = Object.entries(c.ops).map(([k, v]) => `${k}=${v}`).join(" ");
  return `${c.steps} steps; ops: ${ops}; results: ${codes}; heap growths ${c.grows}, regions added ${c.regionsAdded}, ` +
    `reallocs in place ${c.inPlace} (${c.grewInPlace} growing memory), moved ${c.moved}, slots ${c.slots} (${c.borrows} of a larger class or a block), runs ${c.runs}, most live blocks ${c.maxLive}`;
}
