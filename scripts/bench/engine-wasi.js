// Runs the wasm-driven suite as WASI command modules (build/bench/wasi/<peer>.wasm: the driver
// with the allocator linked in). The modules import only wasi_snapshot_preview1, so node:wasi
// (scripts/bench/wasi-run.js) and wasmtime run them unchanged:
//   wasmtime build/bench/wasi/as-buddy.wasm <seed> <workload index> <args...>
// The measurements go through a minimal in-process WASI shim (wasi-shim.js), because Node 20's
// node:wasi crashes the process now and then once a module's memory is large.
import os from "node:os";
import { readFileSync } from "node:fs";
import { execSync } from "node:child_process";
import { plan, row } from "./suite.js";
import { runCommand } from "./wasi-shim.js";

const PEERS = ["as-buddy", "tlsf", "dlmalloc", "emmalloc", "bump"];
const BUMP_WORKLOADS = ["pairs", "fill"];

export async function run(options) {
  const { scale = 1, runs = 5, seed = 0x2545f491, only = null, log } = options;
  const modules = {};
  const notes = ["WASI modules measured through scripts/bench/wasi-shim.js (node:wasi in Node 20 crashes on large memories); node:wasi runs the same modules in tests/bench.test.js"];
  for (const peer of PEERS) {
    try { modules[peer] = new WebAssembly.Module(readFileSync(`build/bench/wasi/${peer}.wasm`)); } catch { notes.push(`${peer}: no WASI build, skipped`); }
  }
  const runOnce = (module, args) => {
    const { code, stdout } = runCommand(module, ["bench", ...args.map(String)]);
    if (code !== 0) throw new Error(`WASI module exited with ${code}`);
    const [calls, ns, peak, memory, failures] = stdout.trim().split(/\s+/).map(Number);
    return { calls, ms: ns / 1e6, peak, memory, failures, meta: null };
  };
  const rows = [];
  const workloads = plan(scale).map((w, index) => ({ ...w, index })).filter((w) => !only || only.includes(w.name));
  {
    for (const w of workloads) {
      for (const [peer, module] of Object.entries(modules)) {
        if (peer === "bump" && !BUMP_WORKLOADS.includes(w.name)) continue;
        const results = [];
        for (let r = -1; r < runs; r++) { // the first is a warm-up; run r on seed + r, as suite.js
          const res = runOnce(module, [(seed + Math.max(r, 0)) >>> 0, w.index, ...w.args]);
          if (r >= 0) results.push(res);
        }
        rows.push(row(w.name, peer, "wasi", results));
      }
      log(`${w.name.padEnd(8)} done`);
    }
  }
  let commit = "unknown";
  try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
  return {
    meta: { engine: { name: "WASI command modules (V8, in-process WASI)", version: process.versions.v8 }, cpu: os.cpus()[0]?.model, cores: os.cpus().length, commit, date: new Date().toISOString() },
    plan: workloads.map(({ name, args, what }) => ({ name, args, what })),
    rows, notes, runs, scale, seed, seeds: `${seed}..${(seed + runs - 1) >>> 0}`,
    peers: Object.fromEntries(Object.keys(modules).map((p) => [p, { wasmBytes: readFileSync(`build/bench/wasi/${p}.wasm`).length }])),
  };
}
