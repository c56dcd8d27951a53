// Runs the wasm-driven suite as WASI command modules (build/bench/wasi/<peer>.wasm: the driver
// with the allocator linked in) through Node's node:wasi. The modules import only
// wasi_snapshot_preview1, so wasmtime runs them unchanged:
//   wasmtime build/bench/wasi/as-buddy.wasm <seed> <workload index> <args...>
import os from "node:os";
import { readFileSync } from "node:fs";
import { execSync, spawnSync } from "node:child_process";
import { plan, row } from "./suite.js";

const PEERS = ["as-buddy", "tlsf", "dlmalloc", "bump"];
const BUMP_WORKLOADS = ["pairs", "fill"];

export async function run(options) {
  const { scale = 1, runs = 5, seed = 0x2545f491, only = null, log } = options;
  const modules = {};
  const notes = [];
  for (const peer of PEERS) {
    const file = `build/bench/wasi/${peer}.wasm`;
    try { readFileSync(file); modules[peer] = file; } catch { notes.push(`${peer}: no WASI build, skipped`); }
  }
  const runOnce = (file, args) => {
    const r = spawnSync(process.execPath, ["--no-warnings", "scripts/bench/wasi-run.js", file, ...args.map(String)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${file} ${args.join(" ")}: exit ${r.status} ${r.stderr}`);
    const [calls, ns, peak, memory, failures] = r.stdout.trim().split(/\s+/).map(Number);
    return { calls, ms: ns / 1e6, peak, memory, failures, meta: null };
  };
  const rows = [];
  const workloads = plan(scale).map((w, index) => ({ ...w, index })).filter((w) => !only || only.includes(w.name));
  {
    for (const w of workloads) {
      for (const [peer, module] of Object.entries(modules)) {
        if (peer === "bump" && !BUMP_WORKLOADS.includes(w.name)) continue;
        const results = [];
        for (let r = 0; r <= runs; r++) {
          const res = runOnce(module, [seed, w.index, ...w.args]);
          if (r > 0) results.push(res); // the first is a warm-up
        }
        rows.push(row(w.name, peer, "wasi", results));
      }
      log(`${w.name.padEnd(8)} done`);
    }
  }
  let commit = "unknown";
  try { commit = execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim(); } catch {}
  return {
    meta: { engine: { name: "WASI (node:wasi, V8)", version: process.versions.v8 }, cpu: os.cpus()[0]?.model, cores: os.cpus().length, commit, date: new Date().toISOString() },
    plan: workloads.map(({ name, args, what }) => ({ name, args, what })),
    rows, notes, runs, scale, seed,
    peers: Object.fromEntries(Object.keys(modules).map((p) => [p, { wasmBytes: readFileSync(`build/bench/wasi/${p}.wasm`).length }])),
  };
}
