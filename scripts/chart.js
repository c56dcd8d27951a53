// Draws an SVG bar chart from benchmark results (the JSON that scripts/bench.js writes):
//   node scripts/chart.js [results/bench-node.json ...]   (default: every results/bench-*.json)
// One group per workload, one bar per peer, driven from inside wasm (or WASI): ns per call
// (lower is better, <name>.svg) and memory efficiency (higher is better, <name>-efficiency.svg),
// beside each .json.
import { readFileSync, writeFileSync, readdirSync, existsSync } from "node:fs";

const COLORS = { "as-buddy": "#2f7d32", tlsf: "#1f5fa8", dlmalloc: "#b8671d", emmalloc: "#7b3fa0", bump: "#8a8a8a" };
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** Bar chart of one value per workload and peer, driven from inside wasm (or WASI). */
function bars(result, { title, subtitle, value, whisker = null, label, fullScale = null, skip = [] }) {
  const mode = result.rows.some((r) => r.mode === "wasm") ? "wasm" : "wasi";
  const rows = result.rows.filter((r) => r.mode === mode && result.plan.some((p) => p.name === r.workload) && value(r) !== null);
  const peers = [...new Set(rows.map((r) => r.peer))];
  const workloads = result.plan.map((p) => p.name).filter((w) => !skip.includes(w));
  const bar = 14, gap = 10, left = 90, width = 560, top = 58;
  const groupH = peers.length * bar + gap;
  const height = top + workloads.length * groupH + 40;
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 150}" height="${height}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="10" y="18" font-size="14" font-weight="bold">${esc(title)}, ${esc(result.meta.engine.name)} ${esc(result.meta.engine.version)}</text>`);
  out.push(`<text x="10" y="36" fill="#555">${esc(subtitle)} ${esc(result.meta.cpu)}, commit ${esc(result.meta.commit)}, scale ${result.scale}</text>`);
  peers.forEach((p, i) => out.push(`<rect x="${left + i * 110}" y="44" width="10" height="10" fill="${COLORS[p] ?? "#444"}"/><text x="${left + i * 110 + 14}" y="53">${esc(p)}</text>`));
  workloads.forEach((w, wi) => {
    const y0 = top + wi * groupH;
    const group = rows.filter((r) => r.workload === w);
    const max = fullScale ?? Math.max(...group.map((r) => (whisker ? whisker(r)[1] : value(r))));
    out.push(`<text x="10" y="${y0 + (peers.length * bar) / 2 + 4}" font-weight="bold">${esc(w)}</text>`);
    peers.forEach((p, pi) => {
      const r = group.find((x) => x.peer === p);
      const y = y0 + pi * bar;
      if (!r) { out.push(`<text x="${left}" y="${y + 10}" fill="#999">${esc(p)}: not run</text>`); return; }
      const wMed = (value(r) / max) * width;
      out.push(`<rect x="${left}" y="${y + 1}" width="${wMed.toFixed(1)}" height="${bar - 3}" fill="${COLORS[p] ?? "#444"}"/>`);
      let end = wMed;
      if (whisker) {
        const [lo, hi] = whisker(r);
        const x1 = left + (lo / max) * width, x2 = left + (hi / max) * width;
        out.push(`<line x1="${x1.toFixed(1)}" x2="${x2.toFixed(1)}" y1="${y + bar / 2}" y2="${y + bar / 2}" stroke="black"/>`);
        end = Math.max(wMed, x2 - left);
      }
      out.push(`<text x="${(end + left + 4).toFixed(1)}" y="${y + 10}">${esc(label(r))}</text>`);
    });
  });
  out.push(`<text x="10" y="${height - 12}" fill="#555">Data: the JSON file of the same name. Produced by scripts/chart.js.</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}

/** Time per call (lower is better). */
export function chart(result) {
  return bars(result, {
    title: "ns per allocator call (lower is better)",
    subtitle: `median of ${result.runs} runs, bars scaled per workload to its slowest peer; whiskers: min-max.`,
    value: (r) => r.nsPerOp.median, whisker: (r) => [r.nsPerOp.min, r.nsPerOp.max],
    label: (r) => r.nsPerOp.median.toFixed(r.nsPerOp.median < 10 ? 1 : 0),
  });
}

/** Memory efficiency: peak live bytes requested / peak memory (higher is better). */
export function efficiencyChart(result) {
  return bars(result, {
    title: "memory efficiency, peak live bytes / peak memory (higher is better)",
    subtitle: `the median run's memory (run r draws seed s + r; lowest and highest in the JSON); full scale 100%; pairs left out (one block live).`,
    value: (r) => r.efficiency, fullScale: 1, skip: ["pairs"],
    label: (r) => `${(r.efficiency * 100).toFixed(0)}%`,
  });
}

/** One table for several engines' results (docs/benchmarks.md, "The other engines"): per
 *  workload, as-buddy's ns per call from inside wasm with x TLSF, and the fastest peer with its
 *  figure (the runtime row compares the two runtimes). */
export function enginesTable(results) {
  const fmt = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  const engineName = (r) => `${r.meta.engine.name.replace(/ \(.*\)$/, "")} ${r.meta.engine.version}`;
  const cellsFor = (result, w) => {
    const runtime = w.startsWith("gc-");
    const rows = result.rows.filter((x) => x.workload === w && (runtime ? x.mode === "runtime" : x.mode === "wasm" || x.mode === "wasi"));
    const ours = rows.find((x) => x.peer === (runtime ? "as-buddy runtime" : "as-buddy"));
    const tlsf = rows.find((x) => x.peer === (runtime ? "AS runtime (TLSF)" : "tlsf"));
    if (!ours) return ["-", "-"];
    const best = [...rows].sort((a, b) => a.nsPerOp.median - b.nsPerOp.median)[0];
    const bestName = best === ours ? "as-buddy" : `${best.peer.replace(/ \(TLSF\)$/, "")} ${fmt(best.nsPerOp.median)}`;
    return [`${fmt(ours.nsPerOp.median)}${tlsf ? ` x${(ours.nsPerOp.median / tlsf.nsPerOp.median).toFixed(2)}` : ""}`, bestName];
  };
  const workloads = [...results[0].plan.map((p) => p.name), "gc-program", "gc-objects"]
    .filter((w) => results.some((r) => r.rows.some((x) => x.workload === w)));
  const out = [`| workload | ${results.map((r) => `${engineName(r)} | fastest`).join(" | ")} |`];
  out.push(`| --- |${results.map(() => " ---: | --- |").join("")}`);
  for (const w of workloads) out.push(`| ${w} | ${results.map((r) => cellsFor(r, w).join(" | ")).join(" | ")} |`);
  return out.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const md = process.argv.includes("--markdown");
  const engines = process.argv.includes("--engines");
  let files = process.argv.slice(2).filter((a) => a !== "--markdown" && a !== "--engines");
  if (!files.length) files = existsSync("results") ? readdirSync("results").filter((f) => /^bench-.*\.json$/.test(f)).map((f) => `results/${f}`) : [];
  if (!files.length) { console.error("no results: run npm start (or npm run bench) first"); process.exit(1); }
  if (engines) { console.log(enginesTable(files.map((f) => JSON.parse(readFileSync(f, "utf8"))))); process.exit(0); }
  for (const f of files) {
    if (md) { const r = JSON.parse(readFileSync(f, "utf8")); console.log(`\n### ${r.meta.engine.name} ${r.meta.engine.version}\n${markdown(r)}`); continue; }
    const result = JSON.parse(readFileSync(f, "utf8"));
    writeFileSync(f.replace(/\.json$/, ".svg"), chart(result));
    writeFileSync(f.replace(/\.json$/, "-efficiency.svg"), efficiencyChart(result));
    console.log(`wrote ${f.replace(/\.json$/, ".svg")} and ${f.replace(/\.json$/, "-efficiency.svg")}`);
  }
}

/** Markdown tables of a result (docs/benchmarks.md): ns per call with x TLSF, and memory efficiency. */
export function markdown(result) {
  const out = [];
  const fmt = (x) => (x < 10 ? x.toFixed(1) : x.toFixed(0));
  for (const mode of ["wasm", "wasi", "js", "runtime", "threads"]) {
    const rows = result.rows.filter((r) => r.mode === mode);
    if (!rows.length) continue;
    const peers = [...new Set(rows.map((r) => r.peer))];
    out.push(`\n${{ wasm: "From inside wasm", wasi: "WASI command modules", js: "From JavaScript", runtime: "One GC program (strings, arrays, maps) on each runtime, ns per iteration", threads: "One shared heap (threads build), free + alloc from N worker_threads, wall time per call over all workers" }[mode]} (median of ${result.runs}; x TLSF):\n`);
    out.push(`| workload | ${peers.join(" | ")} | fastest |`);
    out.push(`| --- |${peers.map(() => " ---: |").join("")} --- |`);
    for (const w of [...result.plan.map((p) => p.name), "gc-program", "gc-objects", "threads"]) {
      const here = rows.filter((x) => x.workload === w);
      if (!here.length) continue;
      const best = [...here].sort((a, b) => a.nsPerOp.median - b.nsPerOp.median)[0].peer;
      const cells = peers.map((p) => {
        const r = rows.find((x) => x.workload === w && x.peer === p);
        const t = rows.find((x) => x.workload === w && (x.peer === "tlsf" || x.peer === "AS runtime (TLSF)"));
        if (!r) return "-";
        const star = r.scaleFactor ? ` (at ${r.scaleFactor * 100}% scale)` : "";
        return `${fmt(r.nsPerOp.median)}${t ? ` x${(r.nsPerOp.median / t.nsPerOp.median).toFixed(2)}` : ""}${star}`;
      });
      out.push(`| ${w} | ${cells.join(" | ")} | ${best} |`);
    }
    if (mode === "wasm" || mode === "wasi") {
      out.push(`\nMemory efficiency, peak live bytes requested / peak memory, the median run's (higher is better):\n`);
      out.push(`| workload | ${peers.join(" | ")} |`);
      out.push(`| --- |${peers.map(() => " ---: |").join("")}`);
      for (const w of result.plan.map((p) => p.name).filter((w) => w !== "pairs")) {
        out.push(`| ${w} | ${peers.map((p) => { const r = rows.find((x) => x.workload === w && x.peer === p); return r?.efficiency == null ? "-" : `${(r.efficiency * 100).toFixed(0)}%`; }).join(" | ")} |`);
      }
    }
  }
  return out.join("\n");
}
