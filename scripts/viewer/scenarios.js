// Step-by-step scenarios for the viewer: the shapes of the benchmark workloads
// (scripts/bench/workloads.js: same xorshift32, same size ranges), as generators that yield
// after every operation so the page can draw between steps. `a` is
// { alloc(bytes) -> address or -1, free(address), realloc?(address, bytes) -> address or -1,
//   scale } where scale multiplies sizes (a pool with 256-byte blocks wants larger requests).

import { xorshiftBelow as rng } from "../bench/workloads.js";

export const scenarios = {
  /** A steady population of 400 blocks of 8..4096 bytes, one replaced per step (churn). */
  *churn(a, seed = 1) {
    const below = rng(seed);
    const live = [];
    for (let i = 0; i < 400; i++) { live.push(a.alloc((8 + below(4089)) * a.scale)); yield `alloc ${i}`; }
    for (;;) {
      const i = below(live.length);
      if (live[i] >= 0) a.free(live[i]);
      live[i] = a.alloc((8 + below(4089)) * a.scale);
      yield "replace";
    }
  },
  /** Fill with 32-byte blocks until out of memory, then free them in random order (fill). */
  *fill(a, seed = 1) {
    const below = rng(seed);
    for (;;) {
      const live = [];
      for (let p; (p = a.alloc(32 * a.scale)) >= 0;) { live.push(p); if (live.length % 16 === 0) yield "fill"; }
      for (let i = live.length; i > 1; i--) { const j = below(i); [live[i - 1], live[j]] = [live[j], live[i - 1]]; }
      for (let i = 0; i < live.length; i++) { a.free(live[i]); if (i % 16 === 0) yield "free"; }
    }
  },
  /** Random allocs of 1..64 KiB and frees of random live blocks, about 300 live (random). */
  *random(a, seed = 1) {
    const below = rng(seed);
    const live = [];
    for (;;) {
      if (live.length < 300 && (live.length === 0 || below(2))) {
        const p = a.alloc((1 + below(below(4) === 0 ? 65536 : 512)) * a.scale);
        if (p >= 0) live.push(p);
      } else {
        a.free(live.splice(below(live.length), 1)[0]);
      }
      yield "random";
    }
  },
  /** Vectors that grow by realloc and are dropped at random (realloc; alloc + free on a pool). */
  *realloc(a, seed = 1) {
    const below = rng(seed);
    const vecs = [];
    for (;;) {
      if (vecs.length < 64 && below(3) === 0) {
        const p = a.alloc(16 * a.scale);
        if (p >= 0) vecs.push({ p, n: 16 });
      } else if (vecs.length) {
        const i = below(vecs.length);
        const v = vecs[i];
        if (below(8) === 0 || v.n >= 65536) { a.free(v.p); vecs.splice(i, 1); }
        else {
          const q = a.realloc(v.p, v.n * 2 * a.scale);
          if (q >= 0) { v.p = q; v.n *= 2; }
        }
      }
      yield "realloc";
    }
  },
};
