// The benchmark in Node (V8): the suite (scripts/bench/suite.js) with modules read from disk,
// the threads rows (one shared heap, 1, 2 and 4 worker_threads) and the C++ program rows
// (cxx.js). The CLI (scripts/bench.js) runs it as the engine "node", as it runs the others.
import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import os from "node:os";
import { runSuite } from "./suite.js";
import { runCxx } from "./cxx.js";
import { MODULE_FILES as FILES } from "./files.js";

/** The modules in build/ that the package ships (package.json "files"). */
export const SHIPPED = ["as-buddy.wasm", "as-buddy.host.wasm", "as-buddy.threads.wasm", "as-buddy.debug.wasm"];

function meta(engineInfo) {
  let commit = "unknown";
  try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
  return {
    engine: engineInfo, cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, commit,
    date: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}`,
  };
}

export async function run(options) {
  const { BuddyHeap } = await import("../../bindings/dist/index.js");
  const { MemPool } = await import("@thi.ng/malloc");
  const bytes = {};
  const result = await runSuite({
    ...options,
    engine: { name: "node", version: process.version },
    now: () => performance.now(),
    loadModule: async (name) => {
      try { bytes[name] = readFileSync(FILES[name]); } catch { return null; }
      return new WebAssembly.Module(bytes[name]);
    },
    moduleBytes: (name) => bytes[name]?.length ?? null,
    BuddyHeap, MemPool,
  });
  // Every build the package ships, by size, beside the peers' (result.peers) and the GC
  // programs' (result.gcSizes): what a user of each pays on every load.
  result.builds = Object.fromEntries(SHIPPED.map((f) => {
    try { return [f, readFileSync(`build/${f}`).length]; } catch { return [f, null]; }
  }));
  // The threads build (per-instance caches of small blocks), and the same with one lock only.
  for (const [label, source] of [["", undefined], ["one lock, ", readFileSync("build/test/as-buddy.threads-nocache.wasm")]]) {
    const threads = await runThreads({ ...options, label, source }).catch((e) => { result.notes.push(`threads rows skipped: ${e.message}`); return []; });
    result.rows.push(...threads);
  }
  if (!options.only || options.only.includes("cxx-program")) {
    const cxx = await runCxx(options).catch((e) => ({ rows: [], notes: [`cxx-program rows skipped: ${e.message}`] }));
    result.rows.push(...cxx.rows);
    result.notes.push(...cxx.notes);
  }
  return { meta: meta({ name: "node (V8)", version: process.versions.v8 }), ...result };
}

/** Throughput of one shared heap (the threads build) with 1, 2 and 4 worker_threads, each
 *  doing the same number of free + alloc pairs; ns per call is wall time / all calls. */
export async function runThreads({ scale = 1, runs = 5, log = () => {}, source = undefined, label = "" }) {
  const { Worker } = await import("node:worker_threads");
  const { BuddyHeap } = await import("../../bindings/dist/index.js");
  const ops = Math.max(2000, Math.round(5e5 * scale));
  const rows = [];
  for (const workers of [1, 2, 4]) {
    const samples = [];
    for (let r = 0; r <= runs; r++) {
      const heap = await BuddyHeap.createShared(source, { maxPages: 4096 });
      const barrier = new SharedArrayBuffer(4);
      const ws = Array.from({ length: workers }, (_, i) => new Worker(new URL("./threads-worker.js", import.meta.url),
        { workerData: { shared: heap.shared, ops, seed: 1 + i, barrier } }));
      // A worker that fails or exits before its message rejects (a row note), instead of
      // leaving the benchmark waiting for ever.
      const next = (w) => new Promise((res, rej) => {
        w.once("message", res);
        w.once("error", rej);
        w.once("exit", (code) => rej(new Error(`a threads worker exited (${code}) before reporting`)));
      });
      await Promise.all(ws.map(next));
      const done = ws.map(next);
      const t0 = performance.now();
      Atomics.store(new Int32Array(barrier), 0, 1);
      Atomics.notify(new Int32Array(barrier), 0);
      const results = await Promise.all(done);
      const ms = performance.now() - t0;
      await Promise.all(ws.map((w) => w.terminate()));
      heap.check();
      if (r > 0) samples.push({ calls: workers * ops * 2, ms, peak: 0, memory: null, failures: results.reduce((n, x) => n + x.failures, 0), meta: null });
    }
    const ns = samples.map((x) => (x.ms * 1e6) / x.calls).sort((a, b) => a - b);
    rows.push({
      workload: "threads", peer: `${label}${workers} worker${workers > 1 ? "s" : ""}`, mode: "threads", calls: samples[0].calls,
      nsPerOp: { median: ns[ns.length >> 1], min: ns[0], max: ns[ns.length - 1] },
      opsPerSecond: Math.round(1e9 / ns[ns.length >> 1]), efficiency: null, failures: samples.reduce((n, x) => n + x.failures, 0),
    });
    log(`threads with ${workers} worker(s) done`);
  }
  return rows;
}
