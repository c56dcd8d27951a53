// Efficiency (peak live bytes / peak memory) of C-module builds over several seeds: replays the
// benchmark's JavaScript workloads (scripts/bench/workloads.js) on a BuddyHeap per build and
// seed. One seed is one draw of a workload whose memory grows in steps; this shows the spread.
// `node scripts/bench/efficiency.js <workload> "<args>" <seeds> a.wasm [b.wasm ...]`, the args
// as plan() in suite.js has them at scale 1, e.g. `trace "1000000 8" 5 build/as-buddy.wasm`.
// <seeds>: a count N for seeds 1..N, or @s1,s2,... for those seeds (@625341585 is the
// benchmark's, suite.js). With one seed it prints one decimal more.
import { pathToFileURL } from "node:url";
import { BuddyHeap } from "../../bindings/dist/index.js";
import { makeWorkloads } from "./workloads.js";

const [name, argText = "", seedsText, ...wasms] = process.argv.slice(2);
const known = Object.keys(makeWorkloads()).filter((k) => k !== "peakLiveBytes" && k !== "failedCalls" && k !== "fillBatched");
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
  const out = [];
  for (const seed of seeds) {
    const heap = await BuddyHeap.create(pathToFileURL(wasm), { maxPages: 65535 });
    const workloads = makeWorkloads();
    let peakMemory = 0;
    const grew = () => { peakMemory = Math.max(peakMemory, heap.memory.buffer.byteLength); };
    const a = {
      malloc(n) { const p = heap.tryAlloc(n); grew(); return p; },
      free(p) { heap.free(p); },
      realloc(p, n) { const q = heap.tryRealloc(p, n); grew(); return q; },
    };
    workloads[name](a, ...args, seed);
    out.push(workloads.peakLiveBytes() / peakMemory);
  }
  const mean = out.reduce((x, y) => x + y, 0) / out.length;
  console.log(`${wasm}: mean ${(mean * 100).toFixed(1)}%  [${out.map((x) => (x * 100).toFixed(out.length === 1 ? 1 : 0)).join(" ")}]`);
}
