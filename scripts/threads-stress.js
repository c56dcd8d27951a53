// Stress of the threads build: `node [V8 flags] scripts/threads-stress.js [--module=path]
// [--runs=10] [--workers=4] [--ops=1e5] [--timeout=40]`. Each run starts a shared heap and
// workers doing random alloc / free / realloc with pattern checks (tests/threads-worker.js),
// with a new seed; a run fails when a worker reports an error or the run does not end in time
// (a hang: the lock word and the sequence word are printed, an odd sequence meaning a call is
// still inside the heap). V8 flags change the timing: `--liftoff --no-wasm-tier-up` runs
// everything on the baseline compiler, `--no-liftoff` on the optimizing one.
import { Worker } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { BuddyHeap, defaultThreadsWasmUrl } from "../bindings/dist/index.js";
import { SHARED } from "../bindings/dist/layout.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const source = args.module ? pathToFileURL(args.module) : defaultThreadsWasmUrl;
const runs = Number(args.runs ?? 10);
const workers = Number(args.workers ?? 4);
const ops = Number(args.ops ?? 1e5);
const timeout = Number(args.timeout ?? 40) * 1000;
const WORKER = new URL("../tests/threads-worker.js", import.meta.url);

async function once(seed) {
  const heap = await BuddyHeap.createShared(source, { maxPages: 16384, deferLimit: 16 });
  const header = new Int32Array(heap.memory.buffer, (heap.exports.buddy_root() >>> 0) - SHARED.size, SHARED.size >> 2);
  const ws = [];
  const done = Promise.all(Array.from({ length: workers }, (_, id) => new Promise((resolve) => {
    const w = new Worker(WORKER, { workerData: { shared: heap.shared, id, ops, seed: seed + id } });
    ws.push(w);
    w.on("message", (m) => resolve(m.errors));
    w.on("error", (e) => resolve([`worker error: ${e.message}`]));
  })));
  let timer;
  const hung = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeout); });
  const errors = await Promise.race([done, hung]);
  clearTimeout(timer);
  const words = `lock ${header[SHARED.lock >> 2]}, seq ${header[SHARED.seq >> 2]}`;
  await Promise.all(ws.map((w) => w.terminate()));
  if (errors === null) return `hung (${words})`;
  const all = errors.flat();
  return all.length ? `${all.length} errors, first: ${all[0]}` : null;
}

let failed = 0;
for (let r = 0; r < runs; r++) {
  const seed = (Math.random() * 2 ** 31) >>> 0;
  const why = await once(seed);
  if (why) { failed++; console.log(`run ${r + 1} (seed ${seed}): ${why}`); }
}
console.log(`${failed} of ${runs} runs failed (${workers} workers x ${ops} operations, ${process.execArgv.join(" ") || "default V8 flags"})`);
process.exit(failed ? 1 : 0);
