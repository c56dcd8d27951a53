// A worker of tests/threads.test.js: random alloc / free / realloc on the shared heap, every
// block filled with this worker's own pattern and verified before it is freed or after it is
// moved. Reports what went wrong instead of throwing, so the test can count it.
import { parentPort, workerData } from "node:worker_threads";
import { BuddyHeap } from "../bindings/dist/index.js";
import { prng } from "./support.js";

const { shared, id, ops, seed } = workerData;
const errors = [];
let allocs = 0;
try {
  const heap = BuddyHeap.attach(shared);
  const rnd = prng(seed);
  const live = []; // [ptr, size, tag]
  const fill = (p, n, tag) => {
    const b = heap.bytes(p, n);
    b.fill(tag);
    if (n >= 4) new DataView(b.buffer, p, 4).setUint32(0, id + 1, true); // owner mark
  };
  const verify = (p, n, tag, what) => {
    const b = heap.bytes(p, n);
    if (n >= 4 && new DataView(b.buffer, p, 4).getUint32(0, true) !== id + 1) return errors.push(`${what}: block ${p} owned by another worker`);
    for (let i = 4; i < n; i += 1 + (i >> 4)) if (b[i] !== tag) return errors.push(`${what}: block ${p}+${i} damaged`);
    return 0;
  };
  const size = () => (rnd() < 0.8 ? 1 + Math.floor(rnd() * 256) : 1 + Math.floor(rnd() * 16384));
  for (let op = 0; op < ops && errors.length < 20; op++) {
    const r = rnd();
    const tag = 1 + ((op + id * 64) % 255);
    if (r < 0.45 || live.length < 16) {
      const n = size();
      const p = heap.tryAlloc(n);
      if (!p) { errors.push(`alloc ${n}: error ${heap.lastError}`); continue; }
      allocs++;
      fill(p, n, tag);
      live.push([p, n, tag]);
    } else if (r < 0.8) {
      const i = Math.floor(rnd() * live.length);
      const [p, n, t] = live[i];
      verify(p, n, t, "before free");
      const code = heap.tryFree(p);
      if (code) errors.push(`free ${p}: error ${code}`);
      live[i] = live[live.length - 1];
      live.pop();
    } else {
      const i = Math.floor(rnd() * live.length);
      const [p, n, t] = live[i];
      verify(p, n, t, "before realloc");
      const m = size();
      const q = heap.tryRealloc(p, m);
      if (!q) { errors.push(`realloc ${p} to ${m}: error ${heap.lastError}`); continue; }
      verify(q, Math.min(n, m), t, "after realloc");
      fill(q, m, tag);
      live[i] = [q, m, tag];
    }
  }
  for (const [p, n, t] of live) {
    verify(p, n, t, "at the end");
    const code = heap.tryFree(p);
    if (code) errors.push(`final free ${p}: error ${code}`);
  }
  heap.flushCache(); // the blocks this instance cached go back to the heap
} catch (e) {
  errors.push(`crashed: ${e}`);
}
parentPort.postMessage({ id, errors, allocs });
