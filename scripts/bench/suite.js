// The benchmark suite, engine-agnostic (no Node API): Node, Chromium and JavaScriptCore run
// this same file; the harness passes in how to load modules and read the clock.
//
// env = {
//   engine: { name, version },
//   now(): milliseconds, high resolution,
//   loadModule(name): Promise<WebAssembly.Module | null>  (driver, as-buddy, tlsf, bump, dlmalloc, emmalloc),
//   BuddyHeap?: the bindings' class (for the "as-buddy bindings" and batch rows),
//   MemPool?: @thi.ng/malloc's MemPool (JavaScript-only peer),
//   scale, runs, seed, modes: ["wasm", "js"], log(line)
// }
import { makeWorkloads } from "./workloads.js";

export const WASM_PEERS = ["as-buddy", "tlsf", "dlmalloc", "emmalloc", "bump"];
/** The runtime rows: [workload, module on as-buddy's runtime, module on AssemblyScript's]. */
export const GC_PROGRAMS = [["gc-program", "gc-buddy", "gc-tlsf", "gc-linked"], ["gc-objects", "gc-objects-buddy", "gc-objects-tlsf", "gc-objects-linked"]];
/** The bump allocator never reuses memory: only the workloads it can finish within 4 GiB. */
const BUMP_WORKLOADS = ["pairs", "fill"];

/** Workload parameters at a scale (1 = the sizes in docs/benchmarks.md). */
export function plan(scale) {
  const n = (x, min) => Math.max(min, Math.round(x * scale));
  const pow2 = (x, min) => 2 ** Math.max(Math.log2(min), Math.round(Math.log2(x * scale)));
  return [
    { name: "pairs", args: [n(1e6, 200)], what: "alloc 64 B then free, 1e6 times" },
    { name: "churn", args: [n(1e6, 200), n(10000, 50)], what: "10,000 live blocks of 8..4096 B, free one and allocate one, 1e6 steps" },
    { name: "fill", args: [pow2(64 * 2 ** 20, 65536)], what: "32 B blocks until 64 MiB are live, then free all in random order" },
    { name: "mixed", args: [n(2e5, 200), n(4096, 64)], what: "sizes 16 B..1 MiB skewed small, 4096 slots, 2e5 steps" },
    { name: "realloc", fn: "reallocs", args: [n(1000, 2), pow2(16 * 2 ** 20, 65536)], what: "grow a block by doubling from 16 B to 16 MiB, 1000 times" },
    { name: "random", args: [n(1e6, 200)], what: "talc's random actions: 1..10000 B, alloc/free/realloc, at least 50 live" },
    { name: "reallocmix", args: [n(2e5, 200), n(2048, 64)], what: "2048 slots: malloc, realloc or free, sizes 1 B..1 MiB (90% under 4 KiB, 1% near 1 MiB), 2e5 steps" },
    { name: "trace", args: [n(1e6, 400), 8], what: "8 buffers growing x1.5 by realloc to 4 MiB among 16..512 B objects (a ring of 1024), 1e6 steps" },
    { name: "powerlaw", args: [n(2e5, 200), n(4096, 64)], what: "4096 slots, sizes P(size >= s) ~ 16/s from 16 B to 1 MiB, 2e5 steps" },
    { name: "uniform", args: [n(1e6, 200), n(10000, 50)], what: "10,000 live blocks of 16..1024 B (uniform), free one and allocate one, 1e6 steps" },
  ];
}

function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1] };
}

const POOL_BYTES = 512 * 2 ** 20;
/** @thi.ng/malloc keeps its free list sorted by address, so each free is O(free blocks): these
 *  workloads run for it at 2% of the scale (the row says so), else they take hours. */
const THING_SLOW = { churn: 0.02, fill: 0.02, random: 0.02, reallocmix: 0.02, trace: 0.02, powerlaw: 0.02, uniform: 0.02 };

/** The driver's imports for one allocator instance's exports. Its memory (its own arrays, the
 *  stub runtime's) is imported, one for every run of every peer in a process: a memory of its
 *  own per instance put the first touch of fill's 16 MiB of slot arrays into each run's time
 *  (10 ns a call, 14% of as-buddy's, for every peer alike: a scratch copy of `compare.js`'s
 *  loop, 5 runs, with a fresh driver memory and with one kept, 73 and 63 ns). The runs' warm-ups touch it first. */
const driverMemory = new WebAssembly.Memory({ initial: 1 });
export function driverImports(alloc) {
  return { alloc, env: { memory: driverMemory } };
}

export async function runSuite(env) {
  const { now, log = () => {}, scale = 1, runs = 5, seed = 0x2545f491, modes = ["wasm", "js"], only = null } = env;
  const driver = await env.loadModule("driver");
  const modules = {};
  const notes = [];
  for (const name of WASM_PEERS) {
    const m = await env.loadModule(name).catch(() => null);
    if (m) modules[name] = m;
    else notes.push(`${name}: module not available, skipped`);
  }
  const rows = [];
  // A WASI reactor (emmalloc's module: its free lists are set up by a constructor) runs its
  // constructors through _initialize before the first call, as the reactor convention says.
  const instantiate = (name) => {
    const e = new WebAssembly.Instance(modules[name], {}).exports;
    e._initialize?.();
    return e;
  };
  const repeat = (fn) => interleave({ one: fn }, runs, seed).one;
  const repeatAll = (fns) => interleave(fns, runs, seed);

  const workloads = plan(scale).filter((w) => !only || only.includes(w.name));
  for (const w of workloads) {
    const fn = w.fn ?? w.name;
    const started = now();
    if (modes.includes("wasm")) {
      const fns = {};
      for (const peer of Object.keys(modules)) {
        if (peer === "bump" && !BUMP_WORKLOADS.includes(w.name)) continue;
        fns[peer] = (s) => {
          const alloc = instantiate(peer);
          const d = new WebAssembly.Instance(driver, driverImports(alloc)).exports;
          const t0 = now();
          const calls = d[fn](...w.args, s) >>> 0;
          const ms = now() - t0;
          return { calls, ms, peak: d.peakLiveBytes(), memory: alloc.memory.buffer.byteLength, failures: d.failedCalls(), meta: metaBytes(peer, alloc) };
        };
      }
      for (const [peer, results] of Object.entries(repeatAll(fns))) rows.push(row(w.name, peer, "wasm", results));
    }
    if (modes.includes("js")) {
      const jsPeers = {};
      for (const peer of Object.keys(modules)) {
        if (peer === "bump" && !BUMP_WORKLOADS.includes(w.name)) continue;
        jsPeers[peer] = () => {
          const e = instantiate(peer);
          return { a: { malloc: e.malloc, free: e.free, realloc: e.realloc }, memory: () => e.memory.buffer.byteLength, meta: () => metaBytes(peer, e) };
        };
      }
      if (env.BuddyHeap && modules["as-buddy"]) {
        jsPeers["as-buddy (bindings)"] = () => {
          const heap = env.BuddyHeap.fromInstance(new WebAssembly.Instance(modules["as-buddy"], {}));
          return {
            heap,
            a: { malloc: (n) => heap.tryAlloc(n), free: (p) => heap.tryFree(p), realloc: (p, n) => heap.tryRealloc(p, n) },
            memory: () => heap.memory.buffer.byteLength, meta: () => heap.stats().metaBytes,
          };
        };
      }
      if (env.MemPool) {
        jsPeers["@thi.ng/malloc"] = () => {
          const pool = new env.MemPool({ size: POOL_BYTES });
          return { a: { malloc: (n) => pool.malloc(n), free: (p) => pool.free(p), realloc: (p, n) => pool.realloc(p, n) }, memory: () => null, meta: () => null };
        };
      }
      for (const [peer, make] of Object.entries(jsPeers)) {
        const reduced = peer === "@thi.ng/malloc" ? THING_SLOW[w.name] : undefined;
        const wargs = reduced ? plan(scale * reduced).find((p) => p.name === w.name).args : w.args;
        const results = repeat((s) => {
          const p = make();
          const wl = makeWorkloads();
          const t0 = now();
          const calls = wl[fn](p.a, ...wargs, s);
          const ms = now() - t0;
          return { calls, ms, peak: wl.peakLiveBytes(), memory: p.memory(), failures: wl.failedCalls(), meta: p.meta() };
        });
        const r = row(w.name, peer, "js", results);
        if (reduced) r.scaleFactor = reduced;
        rows.push(r);
      }
      if (w.name === "fill" && env.BuddyHeap && modules["as-buddy"]) {
        const results = repeat((s) => {
          const heap = env.BuddyHeap.fromInstance(new WebAssembly.Instance(modules["as-buddy"], {}));
          const wl = makeWorkloads();
          const t0 = now();
          const calls = wl.fillBatched(heap, ...w.args, s);
          const ms = now() - t0;
          return { calls, ms, peak: wl.peakLiveBytes(), memory: heap.memory.buffer.byteLength, failures: 0, meta: heap.stats().metaBytes };
        });
        rows.push(row(w.name, "as-buddy (batch)", "js", results));
      }
    }
    log(`${w.name.padEnd(8)} done in ${((now() - started) / 1000).toFixed(1)} s`);
  }

  // The runtime rows: each GC program on as-buddy's runtime and on AssemblyScript's.
  // The linked runtime's program imports its memory and allocator from a host build instance.
  const hostModule = await env.loadModule("host").catch(() => null);
  const gcSizes = {};
  for (const [workload, buddy, tlsf, linked] of GC_PROGRAMS) {
    const gc = { "as-buddy runtime": await env.loadModule(buddy).catch(() => null), "AS runtime (TLSF)": await env.loadModule(tlsf).catch(() => null) };
    const linkedModule = hostModule && await env.loadModule(linked).catch(() => null);
    if (linkedModule) gc["as-buddy linked"] = linkedModule;
    gcSizes[workload] = { "as-buddy runtime": env.moduleBytes?.(buddy) ?? null, "AS runtime (TLSF)": env.moduleBytes?.(tlsf) ?? null, "as-buddy linked": linkedModule ? env.moduleBytes?.(linked) ?? null : null };
    if ((only && !only.includes(workload)) || !modes.includes("wasm") || !gc["as-buddy runtime"] || !gc["AS runtime (TLSF)"]) continue;
    const iterations = Math.max(1000, Math.round(2e5 * scale));
    const fns = Object.fromEntries(Object.entries(gc).map(([peer, module]) => [peer, () => {
      let e;
      if (module === linkedModule) {
        const host = new WebAssembly.Instance(hostModule, {}).exports;
        e = { ...new WebAssembly.Instance(module, { env: { memory: host.memory }, "as-buddy": host }).exports, memory: host.memory };
      } else {
        e = new WebAssembly.Instance(module, {}).exports;
      }
      const t0 = now();
      e.run(iterations);
      const ms = now() - t0;
      return { calls: iterations, ms, peak: 0, memory: e.memory.buffer.byteLength, failures: 0, meta: null };
    }]));
    for (const [peer, results] of Object.entries(repeatAll(fns))) {
      const r = row(workload, peer, "runtime", results);
      r.efficiency = null;
      rows.push(r);
    }
    log(`${workload} done`);
  }

  const peers = {};
  for (const [name, m] of Object.entries(modules)) peers[name] = { wasmBytes: env.moduleBytes?.(name) ?? null, exports: WebAssembly.Module.exports(m).length };
  return { plan: workloads.map(({ name, args, what }) => ({ name, args, what })), rows, peers, gcSizes, notes, runs, scale, seed, seeds: `${seed}..${(seed + runs - 1) >>> 0}` };
}

function metaBytes(peer, exports) {
  if (peer !== "as-buddy") return null;
  const at = exports.buddy_stats() >>> 0;
  return new Uint32Array(exports.memory.buffer, at, 4)[3];
}

/** Runs of several peers, interleaved: a warm-up of each on `seed`, then run r of every peer
 *  on seed + r, in an order that rotates with r. Seed + r: each workload is drawn `runs`
 *  times, so that efficiency (the median run's) is not one draw's; one draw of trace,
 *  powerlaw or mixed ends a whole growth step up or down with any change of placement (with
 *  the seed alone TLSF's mixed is 77%, with the four seeds after it 85, 67, 67 and 48%).
 *  Interleaved: a machine that slows down or speeds up during a workload (shared cores, a
 *  browser's background work) then weighs on every peer alike, where peer-after-peer runs put
 *  the drift into the ratios. { peer: results }. */
export function interleave(fns, runs, seed) {
  const names = Object.keys(fns);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) fns[n](seed); // warm-ups, not counted
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      out[n].push(fns[n]((seed + r) >>> 0));
    }
  }
  return out;
}

/** A table row from a peer's runs (run r on seed + r): time per call over the runs, and the
 *  run of median efficiency for efficiency, peak live bytes and peak memory (so the three
 *  agree), with the runs' lowest and highest efficiency beside it. */
export function row(workload, peer, mode, results) {
  const ns = results.map((r) => (r.ms * 1e6) / r.calls);
  const eff = results.map((r) => (r.memory ? r.peak / r.memory : null));
  const byEff = results.map((r, i) => i).sort((i, j) => eff[i] - eff[j]);
  const mid = results[byEff[byEff.length >> 1]];
  return {
    workload, peer, mode,
    calls: mid.calls,
    nsPerOp: summarize(ns),
    efficiency: eff[0] === null ? null : summarize(eff).median,
    efficiencyRange: eff[0] === null ? null : [eff[byEff[0]], eff[byEff[byEff.length - 1]]],
    peakLiveBytes: mid.peak,
    peakMemoryBytes: mid.memory,
    metaBytes: results.reduce((m, r) => (r.meta === null ? m : Math.max(m ?? 0, r.meta)), null),
    failures: results.reduce((n, r) => n + r.failures, 0),
  };
}
