// Efficiency (peak live bytes / peak memory) of allocator modules over several seeds, in the
// benchmark's own harness: the wasm driver (build/bench/driver.wasm, `npm run bench:build`)
// linked to each module as `npm start` links it, so any peer with the C names works
// (build/as-buddy.wasm, build/bench/tlsf.wasm, dlmalloc.wasm, emmalloc.wasm, or an old
// commit's build). One seed is one draw of a workload whose memory grows in steps; this shows
// the spread that one run hides. `node scripts/bench/efficiency.js <workload> "<args>" <seeds>
// a.wasm [b.wasm ...]`, the args as plan() in suite.js has them at scale 1, e.g.
// `trace "1000000 8" 12 build/as-buddy.wasm build/bench/tlsf.wasm`. <seeds>: a count N for
// seeds 1..N, or @s1,s2,... for those seeds (the benchmark's runs take 625341585 and the four
// after it, suite.js). With one seed it prints one decimal more.
import { readFileSync } from "node:fs";
import { driverImports } from "./suite.js";

const [name, argText = "", seedsText, ...wasms] = process.argv.slice(2);
const driver = new WebAssembly.Module(readFileSync(new URL("../../build/bench/driver.wasm", import.meta.url)));
const known = WebAssembly.Module.exports(driver).filter((e) => e.kind === "function" && !["peakLiveBytes", "failedCalls"].includes(e.name)).map((e) => e.name);
const seeds = seedsText?.startsWith("@")
  ? seedsText.slice(1).split(",").map(Number)
  : Array.from({ length: Number(seedsText) >= 1 ? Math.floor(Number(seedsText)) : 0 }, (_, i) => i + 1);
if (!known.includes(name) || !seeds.length || seeds.some((x) => !Number.isInteger(x) || x < 1 || x > 0xffffffff) || !wasms.length || argText.trim().split(/\s+/).some((x) => !Number.isFinite(Number(x)))) {
  console.error(`workloads: ${known.join(", ")}`);
  console.error('usage: node scripts/bench/efficiency.js <workload> "<args>" <N | @seed,seed,...> a.wasm [b.wasm ...]');
  process.exit(2);
}
const args = argText.trim().split(/\s+/).map(Number);
for (const wasm of wasms) {
  const module = new WebAssembly.Module(readFileSync(wasm));
  const out = [];
  for (const seed of seeds) {
    const alloc = new WebAssembly.Instance(module, {}).exports;
    alloc._initialize?.(); // a WASI reactor's constructors (emmalloc), as suite.js runs them
    const d = new WebAssembly.Instance(driver, driverImports(alloc)).exports;
    d[name](...args, seed);
    if (d.failedCalls()) console.error(`${wasm}, seed ${seed}: ${d.failedCalls()} calls failed`);
    out.push(d.peakLiveBytes() / alloc.memory.buffer.byteLength); // memory never shrinks: its size is its peak
  }
  const mean = out.reduce((x, y) => x + y, 0) / out.length;
  const median = [...out].sort((x, y) => x - y)[out.length >> 1];
  const digits = out.length === 1 ? 1 : 0;
  console.log(`${wasm}: mean ${(mean * 100).toFixed(1)}%, median ${(median * 100).toFixed(1)}%  [${out.map((x) => (x * 100).toFixed(digits)).join(" ")}]`);
}
