// One heap shared by many threads: Node worker_threads, each with its own instance of the
// threads build on one shared WebAssembly.Memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { BuddyHeap, ErrorCode, defaultThreadsWasmUrl } from "../bindings/dist/index.js";
import { SHARED } from "../bindings/dist/layout.js";
import { inBrowser, CHECKED_RUN } from "./support.js";
import { BROWSERS } from "../scripts/browser.js";

const WORKER = fileURLToPath(new URL("./threads-worker.js", import.meta.url));
const QUEUE_WORKER = fileURLToPath(new URL("./threads-queue-worker.js", import.meta.url));
/** Operations per worker: fewer on the checked build, which checks the whole heap after every call. */
const OPS = CHECKED_RUN ? 3000 : 1e5;
const UNLOCKED = new URL("../build/test/as-buddy.threads-unlocked.wasm", import.meta.url);

/** Runs the workers; one still running after `deadline` ms is terminated and reported as hung
 *  (a corrupted free list can loop forever). */
function runWorkers(heap, count, ops, seed, deadline = 60000) {
  return Promise.all(Array.from({ length: count }, (_, id) => new Promise((resolve) => {
    const w = new Worker(WORKER, { workerData: { shared: heap.shared, id, ops, seed: seed + id } });
    const timer = setTimeout(() => {
      w.terminate();
      resolve({ id, errors: [`hung for ${deadline} ms`], allocs: 0 });
    }, deadline);
    w.on("message", (m) => { clearTimeout(timer); resolve(m); });
    w.on("error", (e) => { clearTimeout(timer); resolve({ id, errors: [`worker error: ${e.message}`], allocs: 0 }); });
  })));
}

test(`4 workers x ${OPS} random operations on one shared heap: no block shared, no pattern damaged, all coalesced`, async (t) => {
  const heap = await BuddyHeap.createShared(defaultThreadsWasmUrl, { maxPages: 16384, deferLimit: 16 });
  const seed = Number(process.env.SEED ?? 1); // each worker draws from seed + its id
  t.diagnostic(`seed ${seed}`);
  const results = await runWorkers(heap, 4, OPS, seed);
  for (const r of results) assert.deepEqual(r.errors, [], `worker ${r.id} (seed ${seed + r.id})`);
  assert.ok(results.every((r) => r.allocs > OPS * 0.4), "every worker allocated");
  heap.coalesce();
  assert.equal(heap.coalesce(), 0, "nothing left to merge");
  heap.check();
  const s = heap.stats();
  assert.equal(s.usedBytes, 256, "only this instance's statistics record is in use");
  assert.equal(s.largestFree >= 1 << 20, true, "the heap is whole again");
  // Every block the heap handed out (to a worker, or to a worker's cache) came back, but the
  // statistics record: blocks reused inside a cache are not counted again.
  assert.ok(s.allocs > OPS * 0.4, "the workers allocated from the one heap");
  assert.equal(s.allocs - s.frees, 1, "every block came back but the statistics record");
});

test(`4 workers pass ${OPS} blocks each through queues and free each other's, concurrently: contents intact, every block back`, async (t) => {
  const heap = await BuddyHeap.createShared(defaultThreadsWasmUrl, { maxPages: 16384, deferLimit: 16 });
  const used0 = heap.stats().usedBytes;
  const seed = Number(process.env.SEED ?? 1);
  t.diagnostic(`seed ${seed}`);
  const count = 4;
  const capacity = 64;
  const rings = new SharedArrayBuffer(count * (2 + capacity) * 4);
  const results = await Promise.all(Array.from({ length: count }, (_, id) => new Promise((resolve) => {
    const w = new Worker(QUEUE_WORKER, { workerData: { shared: heap.shared, id, count, ops: OPS, seed: seed + id, rings, capacity } });
    w.on("message", resolve);
    w.on("error", (e) => resolve({ id, errors: [`worker error: ${e.message}`], freed: 0 }));
  })));
  for (const r of results) assert.deepEqual(r.errors, [], `worker ${r.id} (seed ${seed + r.id})`);
  assert.deepEqual(results.map((r) => r.freed), Array(count).fill(OPS), "every worker freed every block it was passed");
  heap.coalesce();
  heap.check();
  assert.equal(heap.stats().usedBytes, used0, "every block came back");
});

test("memory grown by one thread is seen by all", async () => {
  const heap = await BuddyHeap.createShared(undefined, { maxPages: 1024 });
  const other = BuddyHeap.attach(heap.shared);
  const before = heap.memory.buffer.byteLength;
  const p = other.alloc(8 << 20); // grows the shared memory
  assert.ok(heap.memory.buffer.byteLength > before, "the first instance sees the new size");
  heap.bytes(p + (8 << 20) - 1, 1)[0] = 42; // a fresh view reaches the new memory
  assert.equal(other.bytes(p + (8 << 20) - 1, 1)[0], 42);
  heap.free(p);
  assert.equal(other.usableSize(other.alloc(16)), 16);
});

/** Holds the heap's lock word from this thread (as another instance inside a call would),
 *  starts a worker that allocates 1 MiB (too large for a cache: it must take the lock), and
 *  reports whether the worker's call finished while the lock was held, then releases it. */
async function callWhileLocked(heap) {
  const lock = new Int32Array(heap.memory.buffer, (heap.exports.buddy_root() >>> 0) - SHARED.size + SHARED.lock, 1);
  assert.equal(Atomics.compareExchange(lock, 0, 0, 1), 0, "the lock was free");
  const w = new Worker(LOCK_WORKER, { workerData: heap.shared, eval: true });
  const messages = [];
  const next = () => new Promise((resolve, reject) => { w.once("message", resolve); w.once("error", reject); });
  assert.equal(await next(), "calling");
  const done = next().then((m) => messages.push(m));
  // Until the worker's call either parks on the lock (it sets the word to 2, "held with
  // waiters", before Atomics.wait) or finishes without it: no fixed sleep, and no call that
  // takes the lock can finish while this thread holds it.
  while (Atomics.load(lock, 0) !== 2 && !messages.length) await new Promise((r) => setImmediate(r));
  const finishedWhileHeld = messages.length > 0;
  Atomics.store(lock, 0, 0);
  Atomics.notify(lock, 0);
  await done;
  await w.terminate();
  return { finishedWhileHeld, block: messages[0] };
}
const LOCK_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
import(${JSON.stringify(new URL("../bindings/dist/index.js", import.meta.url).href)}).then(({ BuddyHeap }) => {
  const heap = BuddyHeap.attach(workerData);
  parentPort.postMessage("calling");
  parentPort.postMessage(heap.alloc(1 << 20));
});`;

test("a call waits while another instance holds the lock, and goes on when it is released", async () => {
  const heap = await BuddyHeap.createShared(undefined, { maxPages: 1024 });
  const { finishedWhileHeld, block } = await callWhileLocked(heap);
  assert.equal(finishedWhileHeld, false, "the worker's alloc did not run inside the held lock");
  assert.equal(heap.usableSize(block), 1 << 20, "it ran once the lock was released");
  heap.check();
});

test("the test build without the lock does not wait: the lock is what serialises calls", async () => {
  const heap = await BuddyHeap.createShared(UNLOCKED, { maxPages: 1024 });
  const { finishedWhileHeld, block } = await callWhileLocked(heap);
  assert.equal(finishedWhileHeld, true, "without the lock the call ran while another held it");
  assert.equal(heap.usableSize(block), 1 << 20);
});

test("per-instance caches keep every misuse check: double frees across instances, stale pointers, bad pointers", async () => {
  const a = await BuddyHeap.createShared(undefined, { maxPages: 1024 });
  const b = BuddyHeap.attach(a.shared);
  const used0 = a.stats().usedBytes;
  const used128 = () => new Set(a.snapshot().blocks.filter((x) => x.state === "used" && x.size === 128).map((x) => x.address));
  const before = used128();
  const p = a.alloc(100);               // served by a's cache (a refill took 32 blocks of 128 B)
  // The refill's blocks: allocated in the heap's view, new since `before`, and not p.
  const refilled = [...used128()].filter((x) => !before.has(x) && x !== p);
  assert.equal(refilled.length, 32, "a refill caches 32 blocks");
  const cachedNeighbour = refilled[0];  // lies in a's cache, never handed out: a stale pointer
  assert.equal(a.usableSize(p), 128);
  assert.equal(a.tryFree(p), ErrorCode.OK); // into a's cache
  for (const [who, heap] of [["same instance", a], ["other instance", b]]) {
    assert.equal(heap.tryFree(p), ErrorCode.DOUBLE_FREE, `${who}: free`);
    assert.equal(heap.tryRealloc(p, 300), 0, `${who}: realloc`);
    assert.equal(heap.lastError, ErrorCode.DOUBLE_FREE);
    assert.equal(heap.tryDealloc(p, 100), ErrorCode.DOUBLE_FREE, `${who}: dealloc`);
    assert.equal(heap.exports.buddy_usable_size(p), 0, `${who}: usableSize`);
    assert.equal(heap.tryFree(cachedNeighbour), ErrorCode.DOUBLE_FREE, `${who}: a block a refill cached`);
    assert.equal(heap.tryFree(p + 16), ErrorCode.NOT_BLOCK_START, `${who}: interior`);
    assert.equal(heap.tryFree(p + 3), ErrorCode.NOT_BLOCK_START, `${who}: misaligned`);
    assert.equal(heap.tryFree(8), ErrorCode.NOT_IN_HEAP, `${who}: foreign`);
  }
  // b frees a block a allocated: a cross-thread free goes to b's cache, and b hands it out next.
  const q = a.alloc(100);
  assert.equal(b.tryFree(q), ErrorCode.OK);
  assert.equal(a.tryFree(q), ErrorCode.DOUBLE_FREE);
  assert.equal(b.alloc(120), q, "b's cache serves the block b freed");
  assert.equal(b.tryFree(q), ErrorCode.OK);
  a.check();
  // Counted once each: free, realloc, dealloc, the cached neighbour, interior, misaligned and
  // foreign, from each instance (usableSize records its error without counting, as without
  // threads), and a's double free of q: 2 * 7 + 1. The counters are the heap's, shared.
  assert.equal(a.stats().rejectedFrees, 15, "rejections are counted");
  assert.ok(a.flushCache() > 0 && b.flushCache() > 0);
  assert.equal(a.flushCache(), 0);
  a.coalesce();
  a.check();
  assert.equal(a.stats().usedBytes, used0, "flushing gave every cached block and the caches back");
});

for (const name of BROWSERS) {
  test(`browser Web Workers share one heap the same way (headless ${name})`, async (t) => {
    await inBrowser(t, name, null, async (page, url) => {
      await page.goto(`${url}/tests/browser/threads.html?ops=20000`);
      await page.waitForFunction(() => window.result, null, { timeout: 60000 });
      const r = await page.evaluate(() => window.result);
      assert.equal(r.error, undefined, r.error);
      assert.ok(r.isolated, "the page is cross-origin isolated (SharedArrayBuffer available)");
      for (const w of r.results) assert.deepEqual(w.errors, [], `worker ${w.id}`);
      assert.ok(r.results.every((w) => w.allocs > 5000), "both workers allocated");
      assert.equal(r.check, "ok");
      assert.equal(r.allocs - r.frees, 1, "every block came back but the statistics record");
      assert.equal(r.usedBytes, 256);
    });
  });
}
