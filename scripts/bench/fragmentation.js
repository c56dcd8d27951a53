// Memory taken by a realloc-heavy mix of small blocks (the operation mix of
// tests/threads-worker.js, in one thread): 4e5 operations, 45% alloc, 35% free, 20% realloc,
// sizes 80% 1..256 B and 20% 1..16 KiB. Prints the peak live bytes and the memory the heap
// grew to. `node scripts/bench/fragmentation.js [as-buddy|tlsf] [ops] [seed]` (after npm start
// or npm test has built build/bench/tlsf.wasm).
import { readFileSync } from "node:fs";
import { BuddyHeap } from "../../bindings/dist/index.js";
import { prng } from "../../tests/support.js";

const peer = process.argv[2] ?? "as-buddy";
const ops = Number(process.argv[3] ?? 4e5);
const rnd = prng(Number(process.argv[4] ?? 7));
let heap;
if (peer === "tlsf") {
  const e = new WebAssembly.Instance(new WebAssembly.Module(readFileSync("build/bench/tlsf.wasm")), {}).exports;
  heap = { alloc: (n) => e.malloc(n) >>> 0, free: (p) => e.free(p), realloc: (p, n) => e.realloc(p, n) >>> 0, memory: e.memory };
} else {
  heap = await BuddyHeap.create(undefined, { maxPages: 65535 });
}
const live = [];
let liveBytes = 0;
let peak = 0;
const size = () => (rnd() < 0.8 ? 1 + Math.floor(rnd() * 256) : 1 + Math.floor(rnd() * 16384));
for (let op = 0; op < ops; op++) {
  const r = rnd();
  if (r < 0.45 || live.length < 16) {
    const n = size();
    live.push([heap.alloc(n), n]);
    liveBytes += n;
  } else if (r < 0.8) {
    const i = Math.floor(rnd() * live.length);
    heap.free(live[i][0]);
    liveBytes -= live[i][1];
    live[i] = live[live.length - 1];
    live.pop();
  } else {
    const i = Math.floor(rnd() * live.length);
    const m = size();
    const q = heap.realloc(live[i][0], m);
    liveBytes += m - live[i][1];
    live[i] = [q, m];
  }
  peak = Math.max(peak, liveBytes);
}
const mib = (x) => (x / 2 ** 20).toFixed(1);
console.log(`${peer}: peak live ${mib(peak)} MiB, memory ${mib(heap.memory.buffer.byteLength)} MiB (${((100 * peak) / heap.memory.buffer.byteLength).toFixed(0)}%)`);
