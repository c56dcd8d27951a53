// A worker of tests/threads.test.js's producer/consumer test: each step it allocates a block,
// writes its size and sequence number and a pattern into it and pushes it on its own queue,
// then pops a block that the next worker allocated from that worker's queue, checks the
// contents and frees it: every block is freed by an instance other than the one that
// allocated it, while the others allocate and free. The queues are single-producer,
// single-consumer rings in a SharedArrayBuffer (Int32: head, tail, then the slots), waited
// on with Atomics.wait. Reports what went wrong instead of throwing.
import { parentPort, workerData } from "node:worker_threads";
import { BuddyHeap } from "../bindings/dist/index.js";
import { prng } from "./support.js";

const { shared, id, count, ops, seed, rings, capacity } = workerData;
const errors = [];
let freed = 0;
const ring = (i) => new Int32Array(rings, i * (2 + capacity) * 4, 2 + capacity);
const out = ring(id);
const inq = ring((id + 1) % count);
function push(q, v) {
  for (;;) {
    const head = Atomics.load(q, 0);
    if (Atomics.load(q, 1) - head < capacity) break;
    Atomics.wait(q, 0, head); // the consumer moves head and notifies
  }
  const tail = Atomics.load(q, 1);
  q[2 + (tail % capacity)] = v;
  Atomics.store(q, 1, tail + 1);
  Atomics.notify(q, 1);
}
function pop(q) {
  const head = Atomics.load(q, 0);
  for (let tail = Atomics.load(q, 1); tail === head; tail = Atomics.load(q, 1)) Atomics.wait(q, 1, tail);
  const v = q[2 + (head % capacity)];
  Atomics.store(q, 0, head + 1);
  Atomics.notify(q, 0);
  return v;
}
try {
  const heap = BuddyHeap.attach(shared);
  const rnd = prng(seed);
  for (let step = 0; step < ops && errors.length < 20; step++) {
    const n = 8 + Math.floor(rnd() < 0.9 ? rnd() * 256 : rnd() * 16384);
    const p = heap.tryAlloc(n);
    if (!p) { errors.push(`alloc ${n}: error ${heap.lastError}`); break; }
    const b = heap.bytes(p, n);
    const v = new DataView(b.buffer, p, 8);
    v.setUint32(0, n, true);
    v.setUint32(4, step * count + id, true);
    b.fill((step + id) & 255, 8);
    push(out, p);
    const q = pop(inq);
    const dv = new DataView(heap.memory.buffer, q, 8);
    const m = dv.getUint32(0, true);
    const seq = dv.getUint32(4, true);
    const from = (id + 1) % count;
    if (seq !== step * count + from) errors.push(`block ${q}: sequence ${seq}, want ${step * count + from}`);
    const c = heap.bytes(q, m);
    for (let i = 8; i < m; i += 1 + (i >> 4)) if (c[i] !== ((step + from) & 255)) { errors.push(`block ${q}+${i} damaged`); break; }
    const code = heap.tryFree(q);
    if (code) errors.push(`free ${q}: error ${code}`);
    else freed++;
  }
  heap.flushCache(); // the blocks this instance cached go back to the heap
} catch (e) {
  errors.push(`crashed: ${e}`);
}
parentPort.postMessage({ id, errors, freed });
