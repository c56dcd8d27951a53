// A browser Worker on the shared heap: attach, then random alloc/free/realloc of blocks filled
// with this worker's own byte, each block verified before it is freed or moved.
import { BuddyHeap } from "../../bindings/dist/index.js";

onmessage = ({ data: { shared, id, ops, seed } }) => {
  const errors = [];
  let allocs = 0;
  try {
    const heap = BuddyHeap.attach(shared);
    let s = seed >>> 0 || 1;
    const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
    const tag = 0x40 + id;
    const live = [];
    const fill = (p, n) => heap.bytes(p, n).fill(tag);
    const ok = (p, n, when) => { if (!heap.bytes(p, n).every((b) => b === tag)) errors.push(`block ${p} (${n} B) damaged ${when}`); };
    for (let i = 0; i < ops && errors.length < 5; i++) {
      const r = rnd();
      if (live.length < 32 || r < 0.45) {
        const n = 1 + Math.floor(rnd() * (rnd() < 0.9 ? 1024 : 16384));
        const p = heap.tryAlloc(n);
        if (!p) { errors.push(`alloc ${n}: error ${heap.lastError}`); continue; }
        allocs++;
        fill(p, n);
        live.push([p, n]);
      } else if (r < 0.9) {
        const [p, n] = live.splice(Math.floor(rnd() * live.length), 1)[0];
        ok(p, n, "before free");
        const code = heap.tryFree(p);
        if (code) errors.push(`free ${p}: error ${code}`);
      } else {
        const i = Math.floor(rnd() * live.length);
        const [p, n] = live[i];
        ok(p, n, "before realloc");
        const m = 1 + Math.floor(rnd() * 4096);
        const q = heap.tryRealloc(p, m);
        if (!q) { errors.push(`realloc ${p}: error ${heap.lastError}`); continue; }
        ok(q, Math.min(n, m), "after realloc");
        fill(q, m);
        live[i] = [q, m];
      }
    }
    for (const [p, n] of live) { ok(p, n, "at the end"); heap.free(p); }
    heap.flushCache();
  } catch (e) {
    errors.push(`crashed: ${e}`);
  }
  postMessage({ id, errors, allocs });
};
