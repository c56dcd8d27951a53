// `npm start` / `npm run bench -- [--engine=node|chromium|firefox|jsc|wasi|all] [--scale=1] [--runs=5]
//                                 [--only=pairs,churn,...] [--modes=wasm,js]`
// Runs the side-by-side benchmark (scripts/bench/suite.js) in the chosen engines, prints a
// table per engine with ratios to TLSF and to the best peer, and writes results/bench-<engine>.json
// with its metadata (engine and version, CPU, commit, seed). scripts/chart.js draws the SVG.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { execSync } from "node:child_process";
import os from "node:os";
import { buildBench } from "./bench/build.js";
import { runSuite } from "./bench/suite.js";
import { runCxx } from "./bench/cxx.js";
import { MODULE_FILES as FILES } from "./bench/files.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const engine = args.engine ?? "node";
const scale = Number(args.scale ?? 1);
const runs = Number(args.runs ?? 5);
const out = args.out ?? "results";
const only = args.only ? args.only.split(",") : null;
const modes = args.modes ? args.modes.split(",") : ["wasm", "js"];


function meta(engineInfo) {
  let commit = "unknown";
  try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
  return {
    engine: engineInfo, cpu: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length, commit,
    date: new Date().toISOString(), node: process.version, platform: `${os.platform()} ${os.arch()}`,
  };
}

export async function runNode(options) {
  const { BuddyHeap } = await import("../bindings/dist/index.js");
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
  const { BuddyHeap } = await import("../bindings/dist/index.js");
  const ops = Math.max(2000, Math.round(5e5 * scale));
  const rows = [];
  for (const workers of [1, 2, 4]) {
    const samples = [];
    for (let r = 0; r <= runs; r++) {
      const heap = await BuddyHeap.createShared(source, { maxPages: 4096 });
      const barrier = new SharedArrayBuffer(4);
      const ws = Array.from({ length: workers }, (_, i) => new Worker(new URL("./bench/threads-worker.js", import.meta.url),
        { workerData: { shared: heap.shared, ops, seed: 1 + i, barrier } }));
      await Promise.all(ws.map((w) => new Promise((res) => w.once("message", res))));
      const done = ws.map((w) => new Promise((res, rej) => { w.once("message", res); w.once("error", rej); }));
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

const fmt = (x) => (x === null || x === undefined ? "-" : x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Text tables: ns/op per workload and peer, with ratio to TLSF and to the best. */
export function table(result) {
  const lines = [];
  for (const mode of ["wasm", "wasi", "js", "runtime", "program", "threads"]) {
    const rows = result.rows.filter((r) => r.mode === mode);
    if (!rows.length) continue;
    const peers = [...new Set(rows.map((r) => r.peer))];
    const title = { wasm: "Driven from inside wasm (driver module importing the allocator)", wasi: "WASI command modules (driver and allocator in one module)", js: "Driven from JavaScript (one call per operation)", runtime: "One GC program on each runtime (ns per iteration)", program: "One C++ program on each allocator (ns per round; x dlmalloc built in)", threads: "One shared heap, free + alloc from N worker_threads (wall time per call, all workers)" }[mode];
    lines.push(`\n${title}: ns per call, median of ${result.runs} (lower is better); x TLSF`);
    lines.push(["workload".padEnd(9), ...peers.map((p) => p.padStart(20)), "fastest".padStart(20)].join(" "));
    for (const w of [...result.plan.map((p) => p.name), "gc-program", "cxx-program", "threads"]) {
      const byPeer = Object.fromEntries(rows.filter((r) => r.workload === w).map((r) => [r.peer, r]));
      const tlsf = (byPeer.tlsf ?? byPeer["AS runtime (TLSF)"] ?? byPeer["dlmalloc (built in)"])?.nsPerOp.median;
      const best = Object.values(byPeer).sort((a, b) => a.nsPerOp.median - b.nsPerOp.median)[0];
      if (!best) continue;
      lines.push([w.padEnd(9), ...peers.map((p) => {
        const r = byPeer[p];
        if (!r) return "-".padStart(20);
        const ratio = tlsf ? ` x${(r.nsPerOp.median / tlsf).toFixed(2)}` : "";
        return `${fmt(r.nsPerOp.median)}${ratio}`.padStart(20);
      }), best.peer.padStart(20)].join(" "));
    }
    if (mode === "program") {
      lines.push(["memory MiB".padEnd(9), ...peers.map((p) => {
        const r = rows.find((x) => x.peer === p);
        return (r?.peakMemoryBytes ? (r.peakMemoryBytes / 2 ** 20).toFixed(1) : "-").padStart(20);
      })].join(" "));
    }
    if (mode === "wasm" || mode === "wasi") {
      lines.push(`\nMemory efficiency (peak live bytes requested / peak memory), higher is better`);
      lines.push(["workload".padEnd(9), ...peers.map((p) => p.padStart(20))].join(" "));
      for (const w of result.plan.map((p) => p.name)) {
        const byPeer = Object.fromEntries(rows.filter((r) => r.workload === w).map((r) => [r.peer, r]));
        lines.push([w.padEnd(9), ...peers.map((p) => (byPeer[p]?.efficiency == null ? "-" : `${(byPeer[p].efficiency * 100).toFixed(0)}%`).padStart(20))].join(" "));
      }
    }
  }
  return lines.join("\n");
}

async function main() {
  console.log("building the benchmark modules...");
  const notes = await buildBench();
  for (const n of notes) console.log(n);
  const engines = engine === "all" ? ["node", "chromium", "firefox", "jsc", "wasi"] : [engine];
  mkdirSync(out, { recursive: true });
  for (const e of engines) {
    const options = { scale, runs, only, modes, log: (l) => console.log(`[${e}] ${l}`) };
    let result;
    if (e === "node") result = await runNode(options);
    // Engines that are not installed say so and are skipped (npm start runs what is here).
    else {
      const mod = await import(`./bench/engine-${e}.js`).catch(() => null);
      if (!mod) { console.log(`[${e}] no harness for this engine`); continue; }
      result = await mod.run(options);
      if (!result) continue; // the harness said why
    }
    result.notes = [...notes, ...(result.notes ?? [])];
    const file = `${out}/bench-${e}.json`;
    writeFileSync(file, JSON.stringify(result, null, 1));
    console.log(`\n== ${result.meta.engine.name} ${result.meta.engine.version}, ${result.meta.cpu}, commit ${result.meta.commit}, scale ${scale}`);
    console.log(table(result));
    for (const n of result.notes) console.log(`note: ${n}`);
    console.log(`\nwrote ${file}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
