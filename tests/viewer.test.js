// The heap viewer (scripts/viewer/): headless Chromium loads the page, runs scenarios on the heap
// and on a pool, and the figures the page shows must equal the module's own statistics; a
// screenshot of each is saved to build/test/. And snapshot() itself, on random heaps and pools,
// against check() and stats(), with its SVG rendering.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { BuddyHeap, BuddyPool, renderSvg, defaultWasmUrl } from "../bindings/dist/index.js";
import { prng, inBrowser } from "./support.js";
import { BROWSERS } from "../scripts/browser.js";

const wasm = new WebAssembly.Module(readFileSync(defaultWasmUrl));
mkdirSync("build/test", { recursive: true });

/** snapshot() must agree with stats() and tile the managed ranges. */
function agrees(snap, stats, kind) {
  const sum = (state) => snap.blocks.filter((b) => b.state === state).reduce((n, b) => n + b.size, 0);
  assert.equal(snap.usedBytes, stats.usedBytes);
  const slabs = snap.blocks.filter((b) => b.state === "slab");
  assert.equal(sum("used") + sum("run") + slabs.reduce((n, b) => n + b.slotBytes, 0), stats.usedBytes);
  assert.equal(snap.slackBytes, stats.slackBytes ?? 0);
  assert.equal(snap.largestFree, stats.largestFree);
  assert.equal(snap.totalBytes, stats.totalBytes);
  if (kind === "heap") {
    assert.equal(snap.freeBytes, stats.freeBytes);
    assert.equal(snap.metaBytes, stats.metaBytes);
    assert.deepEqual(snap.freeByOrder, stats.freeBlocks);
  } else {
    assert.equal(snap.freeBytes, stats.freeBytes);
    assert.deepEqual(snap.freeByOrder, stats.lists.map((l) => l.size));
  }
  assert.equal(snap.usedByOrder.reduce((n, c) => n + c, 0), snap.blocks.filter((b) => ["used", "slab", "run"].includes(b.state)).length);
  // A run's later blocks follow its first (assembly/runs.ts).
  snap.blocks.forEach((b, i) => { if (b.state === "run") assert.ok(i > 0 && ["used", "run"].includes(snap.blocks[i - 1].state), `run block at ${b.address}`); });
  // Blocks tile the regions, each aligned to its size (relative to the start for a pool).
  let i = 0;
  for (const { start, end } of snap.regions) {
    let a = start;
    while (a < end) {
      const b = snap.blocks[i++];
      assert.equal(b.address, a);
      assert.equal((b.address - (kind === "pool" ? start : 0)) % b.size, 0, `block at ${a} aligned`);
      a += b.size;
    }
    assert.equal(a, end);
  }
  assert.equal(i, snap.blocks.length);
  const frag = snap.freeBytes ? 1 - snap.largestFree / Math.min(snap.freeBytes, snap.minBlock * 2 ** snap.maxOrder) : 0;
  assert.equal(snap.fragmentation, frag);
}

test("snapshot() of random heaps agrees with stats() and check(), and renders as SVG", () => {
  let runBlocks = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const rand = prng(seed);
    const heap = BuddyHeap.fromInstance(new WebAssembly.Instance(wasm, {}), { deferLimit: seed % 2 ? 16 : 0 });
    const live = [];
    for (let i = 0; i < 3000; i++) {
      if (live.length && rand() < 0.45) heap.free(live.splice(Math.floor(rand() * live.length), 1)[0]);
      else if (live.length && rand() < 0.1) { const j = Math.floor(rand() * live.length); live[j] = heap.realloc(live[j], 1 + Math.floor(rand() * 20000)); }
      else live.push(heap.alloc(1 + Math.floor(rand() * (rand() < 0.9 ? 512 : rand() < 0.9 ? 65536 : 400000))));
    }
    heap.check();
    const snap = heap.snapshot();
    agrees(snap, heap.stats(), "heap");
    runBlocks += snap.blocks.filter((b) => b.state === "run").length;
    assert.ok(snap.blocks.some((b) => b.state === "meta"), "the metadata area is shown");
    const svg = renderSvg(snap);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, new RegExp(`${snap.blocks.length} blocks`));
    assert.equal((svg.match(/ free · /g) ?? []).length, snap.blocks.reduce((m, b) => Math.max(m, b.order), 0) + 1, "a buddyinfo bar per order");
    if (seed === 1) writeFileSync("build/test/heap-snapshot.svg", svg);
  }
  assert.ok(runBlocks > 0, "some heap had a run (sizes up to 400,000 bytes)");
});

test("snapshot() of random pools agrees with stats() and check()", () => {
  for (const seed of [1, 2, 3]) {
    const rand = prng(seed);
    const heap = BuddyHeap.fromInstance(new WebAssembly.Instance(wasm, {}));
    const pool = BuddyPool.on(heap, { base: 2 ** 44 + seed * 4096, size: 3 * 2 ** 20 + 5 * 4096, minBuddy: 4096, maxAlloc: 2 ** 20 });
    const live = [];
    for (let i = 0; i < 2000; i++) {
      if (live.length && rand() < 0.5) pool.free(live.splice(Math.floor(rand() * live.length), 1)[0]);
      else { const a = pool.tryAlloc(1 + Math.floor(rand() * (rand() < 0.8 ? 16384 : 2 ** 20))); if (a >= 0) live.push(a); }
    }
    pool.check();
    const snap = pool.snapshot();
    const stats = pool.stats();
    agrees(snap, stats, "pool");
    assert.equal(snap.regions[0].start, pool.base);
    if (seed === 1) writeFileSync("build/test/pool-snapshot.svg", renderSvg(snap));
  }
});

for (const name of BROWSERS) test(`the viewer page draws the heap and a pool live, with the module's own figures (${name})`, async (t) => {
  await inBrowser(t, name, { width: 1200, height: 1100 }, async (page, url) => {
    await page.goto(`${url}/scripts/viewer/index.html`);
    await page.waitForFunction(() => document.body.dataset.ready === "yes");
    const figures = () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll("[data-figure]")].map((d) => [d.dataset.figure, Number(d.dataset.value)])));
    const moduleStats = () => page.evaluate(() => { const s = window.viewer.current().stats(); return { usedBytes: s.usedBytes, freeBytes: s.freeBytes, largestFree: s.largestFree, totalBytes: s.totalBytes, allocs: s.allocs, frees: s.frees }; });

    for (const [target, scenario] of [["heap", "churn"], ["pool", "random"], ["heap", "fill"], ["heap", "realloc"], ["pool", "fill"]]) {
      await page.selectOption("#target", target);
      await page.selectOption("#scenario", scenario);
      await page.waitForFunction(() => document.body.dataset.ready === "yes"); // the reset the change started is done
      assert.equal((await figures()).steps, 0);
      await page.click("#step");
      await page.click("#step100");
      assert.equal((await figures()).steps, 101);
      await page.click("#run");
      await page.waitForFunction(() => Number(document.querySelector('[data-figure="steps"]').dataset.value) > 1500);
      await page.click("#pause");
      const shown = await figures();
      const truth = await moduleStats();
      for (const key of Object.keys(truth)) assert.equal(shown[key], truth[key], `${target}: ${key} on the page`);
      // fill may be paused between freeing its last block and its next fill: nothing in use then.
      assert.ok((shown.usedBytes > 0 || scenario === "fill") && shown.blocks > 10, `${target}/${scenario}: the scenario ran`);
      const { minBlock, maxOrder } = await page.evaluate(() => { const s = window.viewer.current().snapshot(); return { minBlock: s.minBlock, maxOrder: s.maxOrder }; });
      assert.equal(shown.fragmentation, shown.freeBytes ? 1 - shown.largestFree / Math.min(shown.freeBytes, minBlock * 2 ** maxOrder) : 0);
      const rects = await page.count("#map svg rect");
      assert.ok(rects > 20, `${target}: the map is drawn (${rects} rects)`);
      const check = await page.evaluate(() => { try { window.viewer.current().check(); return "ok"; } catch (e) { return String(e); } });
      assert.equal(check, "ok");
      const png = await page.screenshot({ path: `build/test/viewer-${name}-${target}-${scenario}.png`, fullPage: true });
      assert.equal(png.subarray(1, 4).toString(), "PNG");
      t.diagnostic(`${name} ${target}/${scenario}: ${shown.steps} steps, ${shown.blocks} blocks, fragmentation ${(100 * shown.fragmentation).toFixed(1)}%: build/test/viewer-${name}-${target}-${scenario}.png`);
    }
  });
});

test("the walking exports answer bad input with 'no block' and change nothing", () => {
  const heap = BuddyHeap.fromInstance(new WebAssembly.Instance(wasm, {}));
  const e = heap.exports;
  const p = heap.alloc(64);
  const pool = BuddyPool.on(heap, { size: 1 << 20, minBuddy: 4096, maxAlloc: 65536 });
  assert.equal(heap.usableSize(p), 64, "a slot of the 64-byte class, in a slab");
  const b = heap.alloc(4096);
  const a = pool.alloc(10000);
  const before = JSON.stringify([heap.stats(), pool.stats()]);
  const NONE = 0xffffffff;
  const slab = p & ~8191;
  // The module's own heap: 64-byte minimum blocks, so 8 KiB is order 7 and 4 KiB order 6.
  assert.equal(e.buddy_leaf(slab) >>> 0, 7 | (3 << 8) | ((64 / 16) << 11), "the 8 KiB slab of the 64-byte slot: order 7, a slab, 64 live bytes");
  assert.equal(e.buddy_leaf(b) >>> 0, 6, "a live 4 KiB block: order 6, allocated");
  for (const bad of [0, 8, p, p + 16, b + 16, b + 1, 0xfffffff0, heap.memory.buffer.byteLength]) assert.equal(e.buddy_leaf(bad) >>> 0, NONE, `buddy_leaf(${bad})`);
  assert.equal(e.buddy_region_start(1) >>> 0, 0);
  assert.equal(e.buddy_region_end(99) >>> 0, 0);
  assert.equal(e.buddy_pool_leaf(pool.pointer, a / 4096) >>> 0, 2, "the 16 KiB block: order 2, allocated");
  assert.equal(e.buddy_pool_leaf(pool.pointer, 0) >>> 0, 4 | (1 << 8), "unit 0 starts a free 64 KiB block");
  for (const bad of [a / 4096 + 1, 256, -1, 0.5, NaN, 2 ** 53]) assert.equal(e.buddy_pool_leaf(pool.pointer, bad) >>> 0, NONE, `buddy_pool_leaf(${bad})`);
  assert.equal(e.buddy_pool_leaf(12345, 0) >>> 0, NONE, "not a pool");
  assert.equal(JSON.stringify([heap.stats(), pool.stats()]), before);
  heap.check();
  pool.check();
});
