// Model-based testing of BuddyPool: random configurations and operation sequences run against
// the release module through the bindings, and against a model that knows, from the set of live
// blocks alone, the canonical free blocks of an eagerly coalescing buddy system (every free
// range split into the largest aligned blocks the carve and the live blocks allow). So it
// predicts every error code, out of memory exactly, the bytes in use, the free blocks of each
// order, the largest free block and the counters; it checks that alloc takes a block from the
// smallest order that can serve it, aligned relative to base, and that check() passes.
// Used by tests/pool.test.js.
import { BuddyPool, BuddyHeap, PoolError, defaultWasmUrl } from "../bindings/dist/index.js";
import { readFileSync } from "node:fs";

const wasm = new WebAssembly.Module(readFileSync(defaultWasmUrl));

export function configurations(fc) {
  return fc.record({
    minLog: fc.integer({ min: 0, max: 30 }),
    units: fc.integer({ min: 1, max: 300 }),
    extra: fc.boolean(),          // bytes past the last whole unit
    minBuddyOdd: fc.boolean(),    // minBuddy not a power of two (rounded down)
    maxLogFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    maxAllocFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    minAllocFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    baseFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  }).map((c) => {
    const unit = 2 ** c.minLog;
    const size = c.units * unit + (c.extra ? Math.floor(unit / 2) : 0);
    // The largest block: a power of two of units that fits (buddy_pool: maxSize <= poolSize).
    const maxLog = Math.floor(c.maxLogFrac * Math.floor(Math.log2(c.units)));
    const maxSize = 2 ** maxLog * unit;
    const maxAlloc = maxSize - Math.floor(c.maxAllocFrac * Math.max(0, maxSize / 2 - 1)); // rounds up to maxSize
    // minBuddy above its power of two only where it stays <= maxSize.
    const minBuddy = c.minBuddyOdd && maxLog > 0 && unit > 1 ? unit + Math.floor(unit / 3) : unit;
    const minAlloc = Math.floor(c.minAllocFrac * Math.min(maxAlloc, unit * 2));
    const base = Math.floor(c.baseFrac * (2 ** 53 - size));
    return { base, size, minAlloc, maxAlloc, minBuddy };
  });
}

export function operations(fc) {
  const bytes = fc.oneof(
    { weight: 10, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }).map((f) => ({ frac: f })) },
    { weight: 1, arbitrary: fc.constantFrom({ exact: 0 }, { exact: -1 }, { exact: 0.5 }, { exact: 2 ** 53 + 2 }, { over: 1 }, { under: 1 }) },
  );
  const target = fc.record({
    kind: fc.constantFrom("live", "live", "live", "live", "stale", "interior", "unaligned", "outside", "freeInterior"),
    index: fc.nat(),
  });
  return fc.oneof(
    { weight: 30, arbitrary: fc.record({ op: fc.constant("alloc"), bytes, handle: fc.boolean() }) },
    { weight: 24, arbitrary: fc.record({ op: fc.constant("free"), target }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant("usableSize"), target }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant("handle"), index: fc.nat(), stale: fc.boolean(), free: fc.boolean() }) },
  );
}

const ctz = (x) => (x === 0 ? 64 : Math.log2(x & -x)); // units < 2^31 here

/** The top blocks the pool carves [0, units) into: [unit, order] pairs. */
function carve(units, maxOrder) {
  const out = [];
  let a = 0;
  while (a < units) {
    let j = Math.min(ctz(a), maxOrder);
    while (a + 2 ** j > units) j--;
    out.push([a, j]);
    a += 2 ** j;
  }
  return out;
}

/** The canonical free blocks given the live blocks (unit -> order), per order: lists of units. */
function freeBlocks(tops, live, maxOrder) {
  const starts = [...live.keys()].sort((x, y) => x - y);
  const free = Array.from({ length: maxOrder + 1 }, () => []);
  const anyLiveIn = (a, n) => {
    // binary search for a live start in [a, a + n)
    let lo = 0, hi = starts.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (starts[m] < a) lo = m + 1; else hi = m; }
    return lo < starts.length && starts[lo] < a + n;
  };
  const walk = (a, j) => {
    if (live.get(a) === j) return;
    if (!anyLiveIn(a, 2 ** j)) { free[j].push(a); return; }
    walk(a, j - 1);
    walk(a + 2 ** (j - 1), j - 1);
  };
  for (const [a, j] of tops) walk(a, j);
  return free;
}

export function newCoverage() {
  return Object.fromEntries(Object.keys(PoolError).filter((k) => isNaN(Number(k))).map((k) => [k, 0]));
}

export function createHarness(config, coverage = newCoverage()) {
  const instance = new WebAssembly.Instance(wasm, {});
  const heap = BuddyHeap.fromInstance(instance);
  const pool = BuddyPool.on(heap, config);
  const { base, minAlloc, maxAlloc } = config;
  let minBuddy = 1; // the unit: config.minBuddy rounded down to a power of two
  while (minBuddy * 2 <= config.minBuddy) minBuddy *= 2;
  let maxSize = 1;
  while (maxSize < maxAlloc) maxSize *= 2;
  const units = Math.floor(config.size / minBuddy);
  const maxOrder = Math.log2(maxSize / minBuddy);
  const tops = carve(units, maxOrder);
  const live = new Map(); // unit -> order
  const handles = new Map(); // unit -> handle of the live block, if made by allocHandle
  const staleAddresses = [];
  const staleHandles = [];
  const counters = { allocs: 0, frees: 0, outOfMemory: 0, freeingFree: 0, invalidAddresses: 0, oversizeAllocs: 0, undersizeAllocs: 0, staleHandles: 0 };
  let usedUnits = 0;
  const fail = (what) => { throw new Error(`${what}\nconfig ${JSON.stringify(config)}`); };
  const expectCode = (got, want, what) => {
    if (got !== want) fail(`${what}: got ${PoolError[got] ?? got}, want ${PoolError[want]}`);
    coverage[PoolError[want]]++;
  };
  const liveUnits = () => [...live.keys()];
  const pick = (arr, i) => arr[i % arr.length];

  function verify() {
    const free = freeBlocks(tops, live, maxOrder);
    const s = pool.stats();
    for (let k = 0; k <= maxOrder; k++) {
      if (s.lists[k].size !== free[k].length) fail(`list ${k}: ${s.lists[k].size} free blocks, model ${free[k].length}`);
      const l = s.lists[k];
      if (l.enqueues - l.dequeues - l.removes !== l.size) fail(`list ${k}: enqueues - dequeues - removes != size`);
    }
    const top = free.findLastIndex((l) => l.length);
    const largest = top < 0 ? 0 : minBuddy * 2 ** top;
    if (s.largestFree !== largest) fail(`largestFree ${s.largestFree}, model ${largest}`);
    if (s.usedBytes !== usedUnits * minBuddy || s.totalBytes !== units * minBuddy) fail(`bytes ${s.usedBytes}/${s.totalBytes}, model ${usedUnits * minBuddy}/${units * minBuddy}`);
    for (const [k, v] of Object.entries(counters)) if (s[k] !== v) fail(`${k} ${s[k]}, model ${v}`);
    pool.check();
    return free;
  }

  function step(o) {
    if (o.op === "alloc") {
      let bytes;
      if ("frac" in o.bytes) bytes = minAlloc + Math.floor(o.bytes.frac * (maxAlloc - minAlloc));
      else if ("over" in o.bytes) bytes = maxAlloc + 1;
      else if ("under" in o.bytes) bytes = minAlloc - 1;
      else bytes = o.bytes.exact;
      const free = freeBlocks(tops, live, maxOrder);
      const got = o.handle ? pool.heap.exports.buddy_pool_alloc_handle(pool.pointer, bytes) : pool.tryAlloc(bytes);
      let want = 0;
      if (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 53) want = PoolError.INVALID_SIZE;
      else if (bytes > maxAlloc) { want = PoolError.OVERSIZE_ALLOC; counters.oversizeAllocs++; }
      else if (bytes < minAlloc) { want = PoolError.UNDERSIZE_ALLOC; counters.undersizeAllocs++; }
      const k = Math.max(0, Math.ceil(Math.log2(Math.max(1, Math.ceil(bytes / minBuddy)))));
      const j = want ? -1 : free.findIndex((l, i) => i >= k && l.length);
      if (!want && j < 0) { want = PoolError.OUT_OF_MEMORY; counters.outOfMemory++; }
      if (want) { expectCode(got < 0 ? -got : 0, want, `alloc(${bytes})`); return verify(); }
      if (got < 0) fail(`alloc(${bytes}) failed with ${PoolError[-got]}`);
      coverage.OK++;
      let u;
      if (o.handle) {
        u = got % 2 ** 27;
        handles.set(u, got);
        const a = pool.address(got);
        if (a !== base + u * minBuddy) fail(`handle ${got} -> ${a}, want ${base + u * minBuddy}`);
      } else {
        const off = got - base;
        if (off % minBuddy) fail(`alloc(${bytes}) = ${got}: not base + a multiple of minBuddy`);
        u = off / minBuddy;
      }
      // Taken from a free block of the smallest usable order j, aligned to its own size.
      if (u % 2 ** k) fail(`alloc(${bytes}): unit ${u} not aligned to order ${k}`);
      const home = free[j].find((a) => u >= a && u < a + 2 ** j);
      if (home === undefined) fail(`alloc(${bytes}): unit ${u} is not inside a free block of order ${j}`);
      live.set(u, k);
      usedUnits += 2 ** k;
      counters.allocs++;
      if (pool.usableSize(base + u * minBuddy) !== minBuddy * 2 ** k) fail("usableSize after alloc");
      return verify();
    }
    if (o.op === "free" || o.op === "usableSize") {
      const t = o.target;
      let addr, want, u = -1;
      const lu = liveUnits();
      if (t.kind === "live" && lu.length) { u = pick(lu, t.index); addr = base + u * minBuddy; want = 0; }
      else if (t.kind === "stale" && staleAddresses.length) {
        addr = pick(staleAddresses, t.index);
        const su = (addr - base) / minBuddy;
        want = live.has(su) ? 0 : null; // computed below if it is no longer live
        if (want === 0) u = su;
      } else if (t.kind === "interior" && lu.some((x) => live.get(x) > 0)) {
        const big = lu.filter((x) => live.get(x) > 0);
        const x = pick(big, t.index);
        addr = base + (x + 1 + (t.index % (2 ** live.get(x) - 1))) * minBuddy;
        want = PoolError.INVALID_ADDRESS;
      } else if (t.kind === "unaligned" && minBuddy > 1) {
        addr = base + (t.index % units) * minBuddy + 1 + (t.index % (minBuddy - 1));
        want = PoolError.UNALIGNED_ADDRESS;
      } else if (t.kind === "outside") {
        addr = t.index % 2 ? base + units * minBuddy + (t.index % 1000) : base - 1 - (t.index % 1000);
        if (addr < 0) addr = base + units * minBuddy;
        want = PoolError.ADDRESS_OUTSIDE_POOL;
      } else {
        // a unit inside free memory
        const free = freeBlocks(tops, live, maxOrder);
        const all = free.flatMap((l, j) => l.map((a) => [a, j]));
        if (!all.length) return verify();
        const [a, j] = pick(all, t.index);
        addr = base + (a + (t.index % 2 ** j)) * minBuddy;
        want = PoolError.FREEING_FREE_MEMORY;
      }
      if (want === null) {
        const su = (addr - base) / minBuddy;
        const inLive = lu.find((x) => su > x && su < x + 2 ** live.get(x));
        want = inLive !== undefined ? PoolError.INVALID_ADDRESS : PoolError.FREEING_FREE_MEMORY;
      }
      if (o.op === "usableSize") {
        const n = pool.heap.exports.buddy_pool_usable_size(pool.pointer, addr);
        if (want === 0) { if (n !== minBuddy * 2 ** live.get(u)) fail(`usableSize(${addr}) = ${n}`); }
        else expectCode(n < 0 ? -n : 0, want, `usableSize(${addr})`);
        return verify();
      }
      const code = pool.tryFree(addr);
      expectCode(code, want, `free(${addr})`);
      if (want === 0) {
        usedUnits -= 2 ** live.get(u);
        live.delete(u);
        counters.frees++;
        staleAddresses.push(addr);
        if (handles.has(u)) { staleHandles.push(handles.get(u)); handles.delete(u); }
      } else if (want === PoolError.FREEING_FREE_MEMORY) counters.freeingFree++;
      else counters.invalidAddresses++;
      return verify();
    }
    if (o.op === "handle") {
      let h, want;
      if (o.stale && staleHandles.length) { h = pick(staleHandles, o.index); want = PoolError.STALE_HANDLE; }
      else if (handles.size) { h = pick([...handles.values()], o.index); want = 0; }
      else return verify();
      const u = h % 2 ** 27;
      if (o.free) {
        const code = pool.tryFreeHandle(h);
        expectCode(code, want, `freeHandle(${h})`);
        if (want === 0) {
          usedUnits -= 2 ** live.get(u);
          live.delete(u);
          handles.delete(u);
          staleHandles.push(h);
          staleAddresses.push(base + u * minBuddy);
          counters.frees++;
        } else counters.staleHandles++;
      } else {
        const a = pool.heap.exports.buddy_pool_handle_address(pool.pointer, h);
        if (want === 0) { if (a !== base + u * minBuddy) fail(`address(${h}) = ${a}`); }
        else { expectCode(-a, want, `address(${h})`); counters.staleHandles++; }
      }
      return verify();
    }
    throw new Error(`unknown op ${o.op}`);
  }

  verify();
  return {
    pool, step,
    /** Frees everything: the pool must be back to its carve, every top block free. */
    finish() {
      for (const u of liveUnits()) { expectCode(pool.tryFree(base + u * minBuddy), 0, "final free"); live.delete(u); counters.frees++; }
      usedUnits = 0;
      const free = verify();
      const want = carve(units, maxOrder);
      const got = free.flatMap((l, j) => l.map((a) => [a, j])).sort((x, y) => x[0] - y[0]);
      if (JSON.stringify(got) !== JSON.stringify(want)) fail("not fully coalesced after freeing everything");
      const before = heap.stats().usedBytes;
      pool.destroy();
      if (heap.stats().usedBytes >= before) fail("destroy returned no metadata to the heap");
    },
  };
}
