// A worker of the threads benchmark: waits at the start barrier, then runs `ops` operations
// on the shared heap (keep 64 blocks of 16..1024 bytes live, free a random one and allocate a
// new one), through the module's exports directly, and reports back.
import { parentPort, workerData } from "node:worker_threads";
import { BuddyHeap } from "../../bindings/dist/index.js";

const { shared, ops, seed, barrier } = workerData;
const heap = BuddyHeap.attach(shared);
const { buddy_alloc, buddy_free, buddy_cache_flush } = heap.exports;
let state = seed || 1;
const next = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; return (state >>>= 0); };
const live = new Uint32Array(64);
for (let i = 0; i < 64; i++) live[i] = buddy_alloc(16 + (next() % 1009), 0);
const flag = new Int32Array(barrier);
parentPort.postMessage("ready");
Atomics.wait(flag, 0, 0);
let failures = 0;
for (let i = 0; i < ops; i++) {
  const j = next() & 63;
  buddy_free(live[j]);
  live[j] = buddy_alloc(16 + (next() % 1009), 0);
  if (!live[j]) failures++;
}
for (let i = 0; i < 64; i++) buddy_free(live[i]);
buddy_cache_flush();
parentPort.postMessage({ failures });
