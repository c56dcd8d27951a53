// The benchmark's text tables (what scripts/bench.js prints): ns per call per workload and
// peer with the ratio to TLSF (or to dlmalloc built in, for the C++ program), and memory
// efficiency.

const fmt = (x) => (x === null || x === undefined ? "-" : x < 10 ? x.toFixed(1) : x.toFixed(0));

/** Text tables: ns/op per workload and peer, with ratio to TLSF and to the best. */
export function table(result) {
  const lines = [];
  for (const mode of ["wasm", "wasi", "js", "runtime", "program", "threads"]) {
    const rows = result.rows.filter((r) => r.mode === mode);
    if (!rows.length) continue;
    const peers = [...new Set(rows.map((r) => r.peer))];
    const title = { wasm: "Driven from inside wasm (driver module importing the allocator)", wasi: "WASI command modules (driver and allocator in one module)", js: "Driven from JavaScript (one call per operation)", runtime: "One GC program on each runtime (ns per iteration)", program: "One C++ program on each allocator (ns per round, x dlmalloc built in; memory at the end)", threads: "One shared heap, free + alloc from N worker_threads (wall time per call, all workers)" }[mode];
    lines.push(`\n${title}: ns per call, median of ${result.runs} (lower is better)${mode === "program" ? "" : "; x TLSF"}`);
    lines.push(["workload".padEnd(9), ...peers.map((p) => p.padStart(20)), "fastest".padStart(20)].join(" "));
    for (const w of [...result.plan.map((p) => p.name), "gc-program", "gc-objects", "cxx-program", "threads"]) {
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
    if (mode === "runtime" && result.gcSizes) {
      lines.push(["bytes".padEnd(9), ...peers.map((p) => String(result.gcSizes["gc-program"]?.[p] ?? "-").padStart(20))].join(" ") + "   (gc-program's module)");
    }
    if (mode === "program") {
      lines.push(["memory MiB".padEnd(9), ...peers.map((p) => {
        const r = rows.find((x) => x.peer === p);
        return (r?.peakMemoryBytes ? (r.peakMemoryBytes / 2 ** 20).toFixed(1) : "-").padStart(20);
      })].join(" "));
    }
    if (mode === "wasm" || mode === "wasi") {
      lines.push(`\nMemory efficiency (peak live bytes requested / peak memory), the median of the runs (run r on seed + r), higher is better`);
      lines.push(["workload".padEnd(9), ...peers.map((p) => p.padStart(20))].join(" "));
      for (const w of result.plan.map((p) => p.name)) {
        const byPeer = Object.fromEntries(rows.filter((r) => r.workload === w).map((r) => [r.peer, r]));
        lines.push([w.padEnd(9), ...peers.map((p) => (byPeer[p]?.efficiency == null ? "-" : `${(byPeer[p].efficiency * 100).toFixed(0)}%`).padStart(20))].join(" "));
      }
    }
  }
  if (result.builds) {
    const kb = (b) => (b === null || b === undefined ? "-" : `${b.toLocaleString("en-US")} B`);
    lines.push(`\nModule sizes: ${Object.entries(result.builds).map(([f, b]) => `${f} ${kb(b)}`).join(", ")}; peers: ${Object.entries(result.peers ?? {}).map(([p, v]) => `${p} ${kb(v.wasmBytes)}`).join(", ")}`);
  }
  return lines.join("\n");
}
