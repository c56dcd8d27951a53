// Where a workload's memory goes: replays one of the benchmark's JavaScript workloads
// (scripts/bench/workloads.js, the same sequences as the wasm driver) on a BuddyHeap and, at
// each memory.grow, prints memory, live bytes requested, and the heap's split of them: bytes
// handed out (used), free, slab slack, metadata, and the largest free block. Used far above
// live is internal waste (rounding); free far above zero at a growth is external
// fragmentation. Slab slack splits into free slots and what lies past the slots (headers,
// bitmaps and the tail past the last slot). `node scripts/bench/breakdown.js <workload> [args...]`, the args as plan()
// in suite.js has them at scale 1, e.g. `mixed 200000 4096 1` (steps, slots, seed).
import { BuddyHeap } from "../../bindings/dist/index.js";
import { makeWorkloads } from "./workloads.js";

const [name, ...rest] = process.argv.slice(2);
const workloads = makeWorkloads();
if (typeof workloads[name] !== "function" || name === "peakLiveBytes" || name === "failedCalls") {
  console.error("usage: node scripts/bench/breakdown.js <pairs|churn|fill|fillBatched|mixed|reallocs|random|reallocmix|trace|powerlaw> [args...]");
  process.exit(2);
}
const heap = await BuddyHeap.create(undefined, { maxPages: 65535 });
const MiB = 2 ** 20;
const sizes = new Map();
/** Bytes of free slots, and of slabs outside their slots, from the slab headers (layout.ts,
 *  "Slabs": the slot size in the high half of word 0, live at 4, slots at 24). */
const slabSplit = () => {
  let freeSlots = 0, outside = 0;
  for (const b of heap.snapshot().blocks) {
    if (b.state !== "slab") continue;
    const h = heap.view(Uint32Array, b.address, 8);
    const size = h[0] >>> 16;
    freeSlots += (h[6] - h[1]) * size;
    outside += b.size - h[6] * size;
  }
  return { freeSlots, outside };
};
let live = 0;
let lastMemory = 0;
const rows = [];
const memory = () => heap.memory.buffer.byteLength;
const atGrowth = () => {
  if (memory() === lastMemory) return;
  lastMemory = memory();
  const s = heap.stats();
  const { freeSlots, outside } = slabSplit();
  rows.push({ memory: memory() / MiB, live: live / MiB, used: s.usedBytes / MiB, free: s.freeBytes / MiB, slack: s.slackBytes / MiB, "free slots": freeSlots / MiB, "past slots": outside / MiB, meta: s.metaBytes / MiB, largest: s.largestFree / MiB });
};
const a = {
  malloc(n) { const p = heap.tryAlloc(n); if (p) { live += n; sizes.set(p, n); } atGrowth(); return p; },
  free(p) { live -= sizes.get(p) ?? 0; sizes.delete(p); heap.free(p); },
  realloc(p, n) {
    const q = heap.tryRealloc(p, n);
    if (q) { live += n - (sizes.get(p) ?? 0); sizes.delete(p); sizes.set(q, n); }
    atGrowth();
    return q;
  },
};
workloads[name](a, ...rest.map(Number));
const peak = workloads.peakLiveBytes();
console.log(`${name}: peak live ${(peak / MiB).toFixed(1)} MiB, memory ${(memory() / MiB).toFixed(1)} MiB, efficiency ${(peak / memory() * 100).toFixed(1)}%`);
console.log("last growths, MiB:");
console.table(rows.slice(-6).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, +v.toFixed(2)]))));
