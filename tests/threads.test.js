// One heap shared by many threads: Node worker_threads, each with its own instance of the
// threads build on one shared WebAssembly.Memory.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { BuddyHeap, defaultThreadsWasmUrl } from "../bindings/dist/index.js";

const WORKER = fileURLToPath(new URL("./threads-worker.js", import.meta.url));
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

test("4 workers x 1e5 random operations on one shared heap: no block shared, no pattern damaged, all coalesced", async () => {
  const heap = await BuddyHeap.createShared(defaultThreadsWasmUrl, { maxPages: 16384, deferLimit: 16 });
  const seed = (Math.random() * 2 ** 31) >>> 0;
  const results = await runWorkers(heap, 4, 1e5, seed);
  for (const r of results) assert.deepEqual(r.errors, [], `worker ${r.id} (seed ${seed + r.id})`);
  assert.ok(results.every((r) => r.allocs > 40000), "every worker allocated");
  heap.coalesce();
  assert.equal(heap.coalesce(), 0, "nothing left to merge");
  heap.check();
  const s = heap.stats();
  assert.equal(s.usedBytes, 256, "only this instance's statistics record is in use");
  assert.equal(s.largestFree >= 1 << 20, true, "the heap is whole again");
  assert.ok(s.allocs >= results.reduce((n, r) => n + r.allocs, 0), "every worker's allocations went to the one heap");
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

test("without the lock the same workers corrupt the heap (the race the lock prevents)", async () => {
  const heap = await BuddyHeap.createShared(UNLOCKED, { maxPages: 16384, deferLimit: 16 });
  const results = await runWorkers(heap, 4, 1e5, 12345, 10000);
  const workerErrors = results.reduce((n, r) => n + r.errors.length, 0);
  let checkFailed = false;
  // A corrupted heap may make check() itself loop or trap: only run it if every worker ended.
  if (!workerErrors) { try { heap.check(); } catch { checkFailed = true; } }
  assert.ok(workerErrors > 0 || checkFailed, "unsynchronised access was caught by the patterns, the errors, a hang or check()");
});
