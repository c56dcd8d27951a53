// The benchmark cannot rot: every workload runs at a tiny scale on every peer, in every
// engine that is installed (CI installs Chromium, jsc, clang and wasi-libc). Timings are
// not asserted; what is asserted is that every row exists and every call succeeded.
import { test } from "node:test";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { buildBench } from "../scripts/bench/build.js";
import { run as runNode } from "../scripts/bench/engine-node.js";
import { table } from "../scripts/bench/table.js";
import { plan } from "../scripts/bench/suite.js";
import { missing, requireTool } from "../scripts/system-tools.js";

const SCALE = 0.001;
const workloads = plan(SCALE).map((w) => w.name);
const notes = await buildBench();

function checkRows(result, modes, peers) {
  for (const mode of modes) {
    for (const w of workloads) {
      for (const peer of peers) {
        if (peer === "bump" && !["pairs", "fill"].includes(w)) continue;
        const r = result.rows.find((x) => x.workload === w && x.peer === peer && x.mode === mode);
        assert.ok(r, `${mode} ${w} ${peer}: a row`);
        assert.ok(r.calls > 0 && Number.isFinite(r.nsPerOp.median), `${mode} ${w} ${peer}: measured`);
        assert.equal(r.failures, 0, `${mode} ${w} ${peer}: no allocator call failed`);
        if (r.efficiency !== null) assert.ok(r.efficiency > 0 && r.efficiency <= 1, `${mode} ${w} ${peer}: efficiency ${r.efficiency}`);
      }
    }
  }
  assert.match(table(result), /x1\.00/, "the table prints ratios to TLSF");
}

const cPeers = ["dlmalloc", "emmalloc"].filter((peer) => !notes.some((n) => n.startsWith(`${peer} skipped`)));
const wasmPeers = ["as-buddy", "tlsf", "bump", ...cPeers];

test("dlmalloc and emmalloc build wherever clang links for wasm32-wasi, and in CI", { skip: (!process.env.CI && missing("wasi-libc")) || false }, () => {
  requireTool("wasi-libc");
  // Outside CI, emmalloc may be skipped where Debian's emscripten package cannot be fetched.
  const fetchNote = (n) => !process.env.CI && /^emmalloc skipped: (`apt-get download|Debian's emscripten is)/.test(n);
  assert.deepEqual(notes.filter((n) => (n.startsWith("dlmalloc") || n.startsWith("emmalloc")) && !fetchNote(n)), []);
});

const cxxSkip = { skip: (!process.env.CI && missing("libc++")) || false };
test("the C++ program runs on as-buddy, dlmalloc built in and dlmalloc imported, with the same output", cxxSkip, async () => {
  requireTool("libc++");
  assert.deepEqual(notes, [], "nothing skipped where libc++ is installed");
  const result = await runNode({ scale: SCALE, runs: 1, modes: ["wasm"], only: ["cxx-program"] });
  for (const peer of ["as-buddy (imported)", "dlmalloc (built in)", "dlmalloc (imported)"]) {
    const r = result.rows.find((x) => x.workload === "cxx-program" && x.peer === peer);
    assert.ok(r && r.calls > 0 && Number.isFinite(r.nsPerOp.median) && r.peakMemoryBytes > 0, `cxx-program on ${peer}: measured`);
  }
  assert.match(table(result), /One C\+\+ program on each allocator[^]*x1\.00/);
});

test("a row's efficiency, peak live and peak memory are its median run's; peers' runs interleave", async () => {
  const { row } = await import("../scripts/bench/suite.js");
  const runs = [0.5, 0.9, 0.7, 0.6, 0.8].map((e, i) => ({ calls: 10 + i, ms: 1, peak: e * 1000, memory: 1000, failures: 0, meta: null }));
  const r = row("w", "p", "wasm", runs);
  assert.deepEqual([r.efficiency, r.efficiencyRange, r.peakLiveBytes, r.peakMemoryBytes, r.calls], [0.7, [0.5, 0.9], 700, 1000, 12]);
  // Peers' runs interleave, rotating: drift during a workload weighs on all of them alike.
  const { interleave } = await import("../scripts/bench/suite.js");
  const calls = [];
  const fn = (name) => (s) => { calls.push(`${name}${s - 7}`); return s; };
  const out = interleave({ a: fn("a"), b: fn("b"), c: fn("c") }, 3, 7);
  assert.deepEqual(calls, ["a0", "b0", "c0", "a0", "b0", "c0", "b1", "c1", "a1", "c2", "a2", "b2"]);
  assert.deepEqual(out.a, [7, 8, 9]);
});

test("Node: every workload on every peer, from wasm and from JavaScript", async () => {
  const result = await runNode({ scale: SCALE, runs: 1 });
  checkRows(result, ["wasm"], wasmPeers);
  checkRows(result, ["js"], [...wasmPeers, "as-buddy (bindings)", "@thi.ng/malloc"]);
  // The wasm driver and the JavaScript one are two copies of each workload: same calls.
  for (const w of workloads) {
    const calls = (mode) => result.rows.find((x) => x.workload === w && x.peer === "as-buddy" && x.mode === mode).calls;
    assert.equal(calls("js"), calls("wasm"), `${w}: the JavaScript driver makes the wasm driver's calls`);
  }
  assert.ok(result.rows.some((r) => r.peer === "as-buddy (batch)"), "the batch row");
  for (const n of ["1 worker", "2 workers", "4 workers"]) {
    const r = result.rows.find((x) => x.mode === "threads" && x.peer === n);
    assert.ok(r && r.failures === 0 && r.opsPerSecond > 0, `threads row: ${n}`);
  }
  for (const w of ["gc-program", "gc-objects"]) {
    for (const peer of ["as-buddy runtime", "AS runtime (TLSF)"]) {
      assert.ok(result.rows.some((r) => r.mode === "runtime" && r.workload === w && r.peer === peer), `the runtime row: ${w} on ${peer}`);
    }
  }
  assert.ok(result.meta.commit && result.meta.cpu && result.meta.engine.version, "metadata");
  // Every shipped build's size, beside the peers' (issue: modules carry only what they use).
  const { SHIPPED } = await import("../scripts/bench/engine-node.js");
  for (const f of SHIPPED) assert.equal(result.builds[f], readFileSync(`build/${f}`).length, `${f}'s size in the results`);
  assert.match(table(result), /Module sizes: as-buddy\.wasm [\d,]+ B, as-buddy\.host\.wasm [\d,]+ B, as-buddy\.threads\.wasm [\d,]+ B, as-buddy\.debug\.wasm [\d,]+ B; peers: as-buddy [\d,]+ B/);
  assert.equal(result.seeds, `${result.seed}..${result.seed}`, "the result records the seeds its runs drew with");
});

for (const engine of ["chromium", "firefox", "jsc", "wasi"]) {
  test(`${engine}: every workload on every peer`, { skip: (engine !== "wasi" && !process.env.CI && missing(engine)) || false }, async (t) => {
    if (engine !== "wasi") requireTool(engine);
    const { run } = await import(`../scripts/bench/engine-${engine}.js`);
    let skipped = null;
    const result = await run({ scale: SCALE, runs: 1, log: (l) => { if (l.startsWith("skipped")) skipped = l; } });
    if (!result) {
      if (process.env.CI) assert.fail(`${engine} must run in CI: ${skipped}`);
      t.skip(skipped);
      return;
    }
    checkRows(result, [engine === "wasi" ? "wasi" : "wasm"], wasmPeers);
    if (engine === "wasi") {
      // dlmalloc's and emmalloc's WASI modules run the C copy of the driver (peers/wasi-driver.c): same calls.
      for (const w of workloads) {
        const calls = (peer) => result.rows.find((x) => x.workload === w && x.peer === peer && x.mode === "wasi").calls;
        for (const peer of cPeers) assert.equal(calls(peer), calls("as-buddy"), `${w}: the C driver on ${peer} makes the AssemblyScript driver's calls`);
      }
    }
    if (engine !== "wasi") checkRows(result, ["js"], wasmPeers);
  });
}

test("the charts are drawn from the results: time (one bar per measured row) and efficiency", async () => {
  const { chart, efficiencyChart } = await import("../scripts/chart.js");
  const result = await runNode({ scale: SCALE, runs: 1, modes: ["wasm"], only: ["pairs", "churn"] });
  const svg = chart(result);
  assert.match(svg, /lower is better/);
  assert.equal((svg.match(/<line /g) ?? []).length, result.rows.filter((r) => r.mode === "wasm").length, "a whisker per wasm row");
  assert.match(svg, new RegExp(`commit ${result.meta.commit}`));
  const eff = efficiencyChart(result);
  assert.match(eff, /higher is better/);
  const churn = result.rows.filter((r) => r.mode === "wasm" && r.workload === "churn");
  for (const r of churn) assert.ok(eff.includes(`>${(r.efficiency * 100).toFixed(0)}%</text>`), `${r.peer}'s churn efficiency is labelled`);
  assert.equal((eff.match(/%<\/text>/g) ?? []).length, churn.length, "a bar per churn row, none for pairs (its live bytes are one block)");
});

test("node:wasi runs every WASI command module unchanged (tiny workloads)", async () => {
  const { spawnSync } = await import("node:child_process");
  const { readdirSync } = await import("node:fs");
  const files = readdirSync("build/bench/wasi").filter((f) => f.endsWith(".wasm"));
  assert.ok(files.includes("as-buddy.wasm") && files.includes("tlsf.wasm"));
  for (const f of files) {
    for (const [which, a, b] of [[0, 1000, 0], [1, 1000, 50], [5, 1000, 0]]) {
      const r = spawnSync(process.execPath, ["--no-warnings", "scripts/bench/wasi-run.js", `build/bench/wasi/${f}`, "7", String(which), String(a), String(b)], { encoding: "utf8" });
      assert.equal(r.status, 0, `${f} workload ${which}: ${r.stderr}`);
      const [calls, ns, , , failures] = r.stdout.trim().split(/\s+/).map(Number);
      assert.ok(calls > 0 && ns > 0 && failures === 0, `${f} workload ${which}: ${r.stdout}`);
    }
  }
});
