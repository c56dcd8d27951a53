// The parts of the guides that quote the committed benchmark results, written from them: the
// "Results" part of docs/benchmarks.md (from "## Results" to its end), the README's benchmark
// section and docs/other-modules.md's runtime and C++ program figures. After `npm start`, copy
// results/bench-*.json (and the SVGs) into scripts/bench/results/ and run
// `node scripts/results-docs.js`; `--check` only says whether the files are up to date
// (tests/docs.test.js runs it), so no figure in them can drift from the JSON.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { markdown, enginesTable } from "./chart.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (f) => readFileSync(`${ROOT}${f}`, "utf8");
const W = ["churn", "fill", "mixed", "realloc", "random", "reallocmix", "trace", "powerlaw", "uniform"];

/** Greedy wrap at `width` columns, never breaking a word; list items keep a 2-space indent. */
function wrap(text, width = 96) {
  const out = [];
  for (const item of text.split(/\n(?=- )/)) {
    const indent = item.startsWith("- ") ? "  " : "";
    let line = "";
    for (const word of item.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = indent + word; }
      else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out.join("\n");
}

const list = (xs) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}` : xs.join(""));
const n = (v) => v.toLocaleString("en-US");
const fmt = (v) => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

/** The generated texts, from the results in scripts/bench/results/. */
export function render() {
  const R = (e) => JSON.parse(read(`scripts/bench/results/bench-${e}.json`));
  const node = R("node");
  const others = ["chromium", "firefox", "jsc", "wasi"].map(R);
  const row = (r, w, peer, mode = "wasm") => r.rows.find((x) => x.workload === w && x.peer === peer && x.mode === mode);
  const ns = (r, w, p, m) => row(r, w, p, m)?.nsPerOp.median;
  const eff = (w, p) => Math.round(100 * row(node, w, p).efficiency);
  const fastest = (r, w) => r.rows.filter((x) => x.workload === w && (x.mode === "wasm" || x.mode === "wasi") && x.peer !== "bump")
    .sort((a, b) => a.nsPerOp.median - b.nsPerOp.median)[0];
  const c = node.meta.commit;
  const p = node.peers;
  const g = node.gcSizes;

  // docs/benchmarks.md, from "## Results" on.
  const b = [];
  const para = (t) => b.push(wrap(t), "");
  b.push("## Results", "");
  para(`On this project's machine kind (${node.meta.cores} cores of an ${node.meta.cpu}, shared), Node ${node.meta.node.slice(1)} (V8 ${node.meta.engine.version.split(".").slice(0, 2).join(".")}), commit \`${c}\`, full scale, all five engines in one \`npm start\`. Machines here are noisy (about ±30% run to run): compare ratios within a table, not across tables or runs. The JSON and SVG of every engine are in \`scripts/bench/results/\`.`);
  b.push("![ns per call in Node, lower is better](../scripts/bench/results/bench-node.svg)");
  b.push("![memory efficiency in Node, higher is better](../scripts/bench/results/bench-node-efficiency.svg)", "");
  for (const block of markdown(node).trim().split(/\n\n+/)) {
    if (block.startsWith("|")) b.push(block, "");
    else para(block);
  }
  para("The other engines, in the same run (ns per call from inside wasm, x TLSF, and the fastest peer; efficiency is the same in the browsers and JavaScriptCore as in Node, the driver being the same module; WASI links a C copy of the driver into each peer's module, so its memory figures differ; full tables in `scripts/bench/results/`; this table is `npm run chart -- --engines` over their JSON files):");
  b.push(enginesTable(others), "");
  const m = (w) => row(node, w, "as-buddy");
  const mb = (x) => (x / 1e6).toFixed(1);
  const share = (w) => (100 * m(w).metaBytes / m(w).peakMemoryBytes).toFixed(2);
  para(`**Sizes and metadata.** The allocator modules are ${n(p["as-buddy"].wasmBytes)} bytes (as-buddy, ${p["as-buddy"].exports} exports: the C names, the \`buddy_*\` API, pools and the walking exports), ${n(p.tlsf.wasmBytes)} (tlsf), ${n(p.dlmalloc.wasmBytes)} (dlmalloc, with the wasi-libc code it pulls in), ${n(p.emmalloc.wasmBytes)} (emmalloc) and ${n(p.bump.wasmBytes)} (bump) (\`peers\` in the JSON${node.builds ? `; every build the package ships: ${Object.entries(node.builds).map(([f, x]) => `${f} ${n(x)}`).join(", ")}, \`builds\`` : ""}). The GC programs are ${n(g["gc-program"]["as-buddy runtime"])} bytes on as-buddy's incremental runtime, ${n(g["gc-program"]["AS runtime (TLSF)"])} on AssemblyScript's and ${n(g["gc-program"]["as-buddy linked"])} on the linked runtime (gc-objects: ${n(g["gc-objects"]["as-buddy runtime"])}, ${n(g["gc-objects"]["AS runtime (TLSF)"])}, ${n(g["gc-objects"]["as-buddy linked"])}; \`gcSizes\`). as-buddy's metadata at the peak: ${Math.round(m("fill").metaBytes / 1000)} KB for fill's ${mb(m("fill").peakMemoryBytes)} MB of memory (${share("fill")}%) and ${Math.round(m("mixed").metaBytes / 1000)} KB for mixed's ${mb(m("mixed").peakMemoryBytes)} MB (${share("mixed")}%, with growth headroom): the module's own heap has 64-byte minimum blocks, two bits each.`);
  b.push("## Where as-buddy falls short", "");
  para("With the figure from the results above and the reason:");
  const below = (peer) => W.filter((w) => eff(w, "as-buddy") < eff(w, peer));
  const against = (ws, peer) => ws.map((w) => `${w} ${eff(w, "as-buddy")}% against ${eff(w, peer)}%`).join(", ");
  const equalTlsf = W.filter((w) => eff(w, "as-buddy") === eff(w, "tlsf"));
  const slower = ["pairs", ...W].filter((w) => fastest(node, w).peer !== "as-buddy");
  const items = [
    `- *Memory against dlmalloc*, the allocator C, C++ and Rust wasm programs get by default: below it on ${against(below("dlmalloc"), "dlmalloc")}; at least its efficiency on ${W.filter((w) => !below("dlmalloc").includes(w)).join(", ")}. Below emmalloc on ${against(below("emmalloc"), "emmalloc")}. At least TLSF's on every workload${equalTlsf.length ? ` (${equalTlsf.join(", ")} equal)` : ""}. Why: a block above 16 KiB is a power of two and needs a free block aligned to its size; a run of adjacent blocks (\`docs/design.md\`, "Runs") is taken only where no block is free and before memory grows, so what is left is the rounding of the large blocks that did find room (mixed's 128 KiB to 1 MiB blocks, powerlaw's near-1 MiB blocks in a 2 MiB heap, trace's growing buffers); in a heap under 64 slabs' worth of memory, requests of 2 to 16 KiB take power-of-two blocks; on churn and uniform what is left is in the slabs (free slots of slabs whose slots were freed at random, and rounding: \`node scripts/bench/breakdown.js churn 1000000 10000\`).`,
    `- *Time in Node, from inside wasm*: as-buddy is the fastest peer that really frees on ${["pairs", ...W].filter((w) => !slower.includes(w)).join(", ")}; not on ${slower.map((w) => { const f = fastest(node, w); return `${w} (${fmt(ns(node, w, "as-buddy"))} ns against ${f.peer}'s ${fmt(f.nsPerOp.median)}, ${(ns(node, w, "as-buddy") / f.nsPerOp.median).toFixed(2)}x)`; }).join(", ")}. A slot alloc/free pair finds its class, checks the pointer (span, slab bit, slot offset, bitmap bit) and updates a bitmap, a live count and byte counters, where dlmalloc pops and pushes a bin. A doubling realloc moves at each doubling while the heap grows, because a block is aligned to its size in absolute addresses (runs are not taken for powers of two, which the doublings are).`,
    `- *From JavaScript*, one boundary crossing per call, the batch entry points (\`allocMany\`/\`freeMany\`) cost ${fmt(ns(node, "fill", "as-buddy (batch)", "js"))} ns per block on fill against ${fmt(ns(node, "fill", "as-buddy (bindings)", "js"))} through the bindings one call at a time: a JS-to-wasm call costs a few nanoseconds in Node 20 and the batches copy their arrays.`,
    `- *Module size*: ${n(p["as-buddy"].wasmBytes)} bytes, ${Math.round(p["as-buddy"].wasmBytes / p.tlsf.wasmBytes)}x TLSF's: the checker, the pools, runs, the batch and walking exports live in the one module. A GC program on as-buddy's incremental runtime is ${(g["gc-program"]["as-buddy runtime"] / g["gc-program"]["AS runtime (TLSF)"]).toFixed(2)}x its size on AssemblyScript's own.`,
    "- `@thi.ng/malloc` keeps its free list sorted, so its free is O(free blocks): churn, fill, random and the newer workloads run at 2% of the scale for it.",
  ];
  para(items.join("\n"));
  b.push("## Threads", "");
  const th = (peer) => fmt(node.rows.find((y) => y.workload === "threads" && y.peer === peer).nsPerOp.median);
  para(`Node, the threads build (\`scripts/bench/threads-worker.js\`): one shared heap, each worker freeing a random one of its 64 live blocks (16..1024 B) and allocating a new one, 5e5 times; wall time per call over all workers, from a start barrier, ${node.meta.cores} cores. With the per-instance caches: 1 worker ${th("1 worker")} ns, 2 workers ${th("2 workers")}, 4 workers ${th("4 workers")}; the one-lock build (no caches, size classes): ${th("one lock, 1 worker")}, ${th("one lock, 2 workers")} and ${th("one lock, 4 workers")} ns.`);
  para("**Caveats.** Single machine kind, shared and noisy; V8 three times (Node, WASI in Node and Chromium), SpiderMonkey (Firefox ESR) and JavaScriptCore once each; the WASI modules are measured through a minimal in-process WASI (`scripts/bench/wasi-shim.js`) because Node 20's `node:wasi` sometimes crashes the process once a module's memory is large (a GC finalizes its WASI object in the middle of `fd_write`); wasmtime is not installable here. Timings include `memory.grow` where a workload grows the heap. The workloads do not touch the memory they allocate.");
  para(`**When not to use as-buddy.** When memory is tight and most bytes are in large blocks of odd sizes (mixed: ${eff("mixed", "as-buddy")}% efficiency, TLSF ${eff("mixed", "tlsf")}%, dlmalloc ${eff("mixed", "dlmalloc")}%), or in a few blocks of megabytes in a small heap (powerlaw ${eff("powerlaw", "as-buddy")}% and trace ${eff("trace", "as-buddy")}%, dlmalloc ${eff("powerlaw", "dlmalloc")}% and ${eff("trace", "dlmalloc")}%); when objects are many and just over a power of two above 16 KiB (a 20,000-byte payload as a GC object takes 32 KiB); when the hot path is a tiny malloc/free pair and every nanosecond counts (dlmalloc is faster there); or when one block grows to a large share of a small memory (natural alignment costs up to half of memory for that block).`);
  const bench = read("docs/benchmarks.md");
  const benchmarks = bench.slice(0, bench.indexOf("## Results\n")) + b.join("\n").replace(/\n+$/, "\n");

  // The README's benchmark section.
  const tables = markdown(node).split(/\n\n+/).filter((x) => x.startsWith("|"));
  const cells = (t, w) => t.split("\n").find((l) => l.startsWith(`| ${w} |`)).slice(2, -2).split(" | ").slice(1);
  const names = { pairs: "pairs (64 B alloc + free)", churn: "churn (8..4096 B, 10k live)", uniform: "uniform (16..1024 B, 10k live)", fill: "fill (32 B to 64 MiB, free all)", mixed: "mixed (16 B..1 MiB)", random: "random (talc's)", reallocmix: "reallocmix (realloc 1 B..1 MiB)", trace: "trace (buffers among objects)", powerlaw: "powerlaw (P(s) ~ 16/s)" };
  const rows = Object.entries(names).map(([w, label]) => {
    const t = cells(tables[0], w);
    const e = w === "pairs" ? ["-", "-", "-"] : cells(tables[1], w).slice(0, 3);
    return `| ${label} | ${t[0]} | ${t[1].replace(/ x1\.00$/, "")} | ${t[2]} | ${e.join(" | ")} |`;
  });
  const order = ["churn", "uniform", "fill", "mixed", "random", "reallocmix", "trace", "pairs", "powerlaw", "realloc"];
  const wins = order.filter((w) => fastest(node, w).peer === "as-buddy");
  const everywhere = ["churn", "fill"].filter((w) => [node, ...others].every((r) => fastest(r, w).peer === "as-buddy"));
  const leaders = order.filter((w) => !wins.includes(w)).map((w) => [fastest(node, w).peer.replace(/^tlsf$/, "TLSF"), w]);
  const leads = leaders.map(([peer, w], i) => (i ? `${peer} ${w}` : `${peer} leads ${w}`));
  const under = ["churn", "uniform", "fill", "mixed", "random", "reallocmix", "trace", "powerlaw"].filter((w) => eff(w, "as-buddy") < eff(w, "dlmalloc"));
  const intro = wrap(`\`npm start\` runs every workload on as-buddy, AssemblyScript's TLSF, dlmalloc, emmalloc, a bump allocator and \`@thi.ng/malloc\` in Node, Chromium, Firefox, JavaScriptCore and WASI. In Node (commit \`${c}\`, driven from inside wasm, the peers' runs interleaved, median of 5 runs that draw each workload with 5 seeds; ns per call and x TLSF's time, lower is better; efficiency is peak live bytes / peak memory of the median run, higher is better):`);
  const claims = wrap(`In Node as-buddy is the fastest allocator that frees on ${list(wins)}${everywhere.length ? `, and on ${list(everywhere)} in every engine` : ""}; ${list(leads)}. It packs at least as tightly as TLSF on every workload, and below dlmalloc on ${list(under)}. Every workload, engine, chart and shortfall: [docs/benchmarks.md](docs/benchmarks.md).`);
  const section = `${intro}\n\n| workload | as-buddy | TLSF | dlmalloc | as-buddy efficiency | TLSF | dlmalloc |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n${rows.join("\n")}\n\n${claims}\n\n`;
  const readme0 = read("README.md");
  const i = readme0.indexOf("## Benchmark\n") + "## Benchmark\n\n".length;
  const readme = readme0.slice(0, i) + section + readme0.slice(readme0.indexOf("## Limits"));

  // docs/other-modules.md: the linked runtime's and the C++ program's figures.
  const rt = (w, peer) => row(node, w, peer, "runtime").nsPerOp.median;
  const gp = ["gc-program", "gc-objects"];
  let other = read("docs/other-modules.md");
  const a0 = other.indexOf("**Numbers** (");
  const a1 = other.indexOf("### Pointers across modules");
  other = other.slice(0, a0) + wrap(`**Numbers** (\`npm start\` at commit \`${c}\`, Node 20, the \`gc-program\` and \`gc-objects\` rows of \`scripts/bench/results/bench-node.json\` and its \`gcSizes\`: the benchmark's GC programs built with \`asc -O3\` on each runtime, ns per iteration, median of 5; the linked program instantiated on a host build instance, so every allocation crosses the module boundary):`)
    + `\n\n| program | linked runtime | as-buddy compiled in | AssemblyScript's TLSF | module bytes: linked / compiled in / TLSF |\n| --- | ---: | ---: | ---: | ---: |\n`
    + gp.map((w) => `| ${w} | ${Math.round(rt(w, "as-buddy linked"))} | ${Math.round(rt(w, "as-buddy runtime"))} | ${Math.round(rt(w, "AS runtime (TLSF)"))} | ${n(g[w]["as-buddy linked"])} / ${n(g[w]["as-buddy runtime"])} / ${n(g[w]["AS runtime (TLSF)"])} |`).join("\n")
    + "\n\n" + wrap(`The import boundary costs nothing measurable here: the linked program took ${(rt("gc-program", "as-buddy linked") / rt("gc-program", "as-buddy runtime")).toFixed(2)}x and ${(rt("gc-objects", "as-buddy linked") / rt("gc-objects", "as-buddy runtime")).toFixed(2)}x the compiled-in one's time (a call across modules is a few ns against hundreds per iteration; runs vary by +-30% on this machine). The linked module is ${n(g["gc-program"]["AS runtime (TLSF)"] - g["gc-program"]["as-buddy linked"])} and ${n(g["gc-objects"]["AS runtime (TLSF)"] - g["gc-objects"]["as-buddy linked"])} bytes smaller than on AssemblyScript's own runtime: it carries the GC without TLSF, plus a 16-byte prefix per block and the three imports. Each runtime block costs 16 bytes more than on the compiled-in runtime (the prefix), which \`npm start\`'s rows do not show as time.`)
    + "\n\n" + other.slice(a1);
  const cx = (peer) => node.rows.find((x) => x.workload === "cxx-program" && x.peer === peer);
  const base = cx("dlmalloc (built in)").nsPerOp.median;
  const b0 = other.indexOf("  `npm start` at commit `");
  const b1 = other.indexOf("### Freestanding modules by hand");
  const mib = (x) => (x / 1048576).toFixed(1);
  const mine = cx("as-buddy (imported)").nsPerOp;
  other = other.slice(0, b0) + `  \`npm start\` at commit \`${c}\`, Node 20 (V8 11.3), 400,000 rounds, median of 5 (the\n  \`cxx-program\` rows of \`scripts/bench/results/bench-node.json\`):\n\n  | allocator | ns per round | x dlmalloc built in | memory at the end |\n  | --- | ---: | ---: | ---: |\n`
    + ["as-buddy (imported)", "dlmalloc (built in)", "dlmalloc (imported)"].map((x) => `  | ${x} | ${Math.round(cx(x).nsPerOp.median)} | x${(cx(x).nsPerOp.median / base).toFixed(2)} | ${mib(cx(x).peakMemoryBytes)} MiB |`).join("\n")
    + `\n\n  as-buddy's five runs there spread from ${Math.round(mine.min)} to ${Math.round(mine.max)} ns. The outputs of the three are compared in\n  every run.\n\n` + other.slice(b1);

  return { "docs/benchmarks.md": benchmarks, "README.md": readme, "docs/other-modules.md": other };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes("--check");
  let stale = 0;
  for (const [file, text] of Object.entries(render())) {
    if (read(file) === text) continue;
    stale++;
    if (check) console.log(`${file} is not what the committed results say: run node scripts/results-docs.js`);
    else { writeFileSync(`${ROOT}${file}`, text); console.log(`wrote ${file}`); }
  }
  if (check && stale) process.exit(1);
}
