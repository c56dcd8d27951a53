// The benchmark workloads in JavaScript: the same algorithms and the same xorshift32 sequence
// as scripts/bench/driver.ts, calling an allocator through JavaScript (one call across the
// boundary per operation). `a` is { malloc, free, realloc } returning numbers.

/** The driver's xorshift32 sequence from `seed`, as below(n): an integer in [0, n), exact for
 *  n < 2^21 like the driver's (next * n) >> 32. Also used by the viewer's scenarios. */
export function xorshiftBelow(seed) {
  let state = seed || 1;
  const next = () => {
    let x = state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return (state = x);
  };
  return (n) => Math.floor((next() * n) / 4294967296);
}

export function makeWorkloads() {
  let below = xorshiftBelow(1);
  let live = 0, peak = 0, failures = 0;
  const start = (seed) => { below = xorshiftBelow(seed); live = 0; peak = 0; failures = 0; };
  const take = (a, n) => {
    const p = a.malloc(n);
    if (!p) { failures++; return 0; }
    live += n;
    if (live > peak) peak = live;
    return p;
  };
  const give = (a, p, n) => { a.free(p); live -= n; };
  /** Frees every block still in the slots at the end of a workload; returns the frees. */
  const drain = (a, ptrs, lens) => {
    let calls = 0;
    for (let i = 0; i < ptrs.length; i++) if (ptrs[i]) { give(a, ptrs[i], lens[i]); calls++; }
    return calls;
  };

  /** `liveCount` blocks of lo..lo+span-1 bytes (uniform), each step frees a random one and
   *  allocates a new one in its place (churn and uniform). */
  const replace = (a, steps, liveCount, lo, span, seed) => {
    start(seed);
    const ptrs = new Uint32Array(liveCount), lens = new Uint32Array(liveCount);
    for (let i = 0; i < liveCount; i++) { const n = lo + below(span); ptrs[i] = take(a, n); lens[i] = n; }
    for (let s = 0; s < steps; s++) {
      const i = below(liveCount);
      give(a, ptrs[i], lens[i]);
      const n = lo + below(span);
      ptrs[i] = take(a, n);
      lens[i] = n;
    }
    for (let i = 0; i < liveCount; i++) give(a, ptrs[i], lens[i]);
    return liveCount * 2 + steps * 2;
  };
  return {
    peakLiveBytes: () => peak,
    failedCalls: () => failures,
    pairs(a, n, seed) {
      start(seed);
      for (let i = 0; i < n; i++) give(a, take(a, 64), 64);
      return n * 2;
    },
    churn(a, steps, liveCount, seed) { return replace(a, steps, liveCount, 8, 4089, seed); },
    uniform(a, steps, liveCount, seed) { return replace(a, steps, liveCount, 16, 1009, seed); },
    fill(a, bytes, seed) {
      start(seed);
      const n = bytes >>> 5;
      const ptrs = new Uint32Array(n);
      for (let i = 0; i < n; i++) ptrs[i] = take(a, 32);
      for (let i = n; i > 1; i--) { const j = below(i); const t = ptrs[i - 1]; ptrs[i - 1] = ptrs[j]; ptrs[j] = t; }
      for (let i = 0; i < n; i++) give(a, ptrs[i], 32);
      return n * 2;
    },
    /** fill through batch entry points (allocMany / freeMany), `batch` blocks per call. */
    fillBatched(heap, bytes, seed, batch = 4096) {
      start(seed);
      const n = bytes >>> 5;
      const ptrs = new Uint32Array(n);
      const sizes = new Uint32Array(batch).fill(32);
      for (let i = 0; i < n; i += batch) {
        const k = Math.min(batch, n - i);
        ptrs.set(heap.allocMany(k === batch ? sizes : sizes.subarray(0, k)), i);
        live += 32 * k;
        if (live > peak) peak = live;
      }
      for (let i = n; i > 1; i--) { const j = below(i); const t = ptrs[i - 1]; ptrs[i - 1] = ptrs[j]; ptrs[j] = t; }
      for (let i = 0; i < n; i += batch) heap.freeMany(ptrs.subarray(i, Math.min(n, i + batch)));
      live = 0;
      return n * 2;
    },
    mixed(a, steps, slotCount, seed) {
      start(seed);
      const ptrs = new Uint32Array(slotCount), lens = new Uint32Array(slotCount);
      let calls = 0;
      for (let s = 0; s < steps; s++) {
        const i = below(slotCount);
        if (ptrs[i]) { give(a, ptrs[i], lens[i]); ptrs[i] = 0; }
        else {
          const u = below(65536);
          const k = Math.floor((u * u) / 268435456);
          const n = (16 << k) + below(16 << k);
          ptrs[i] = take(a, n);
          lens[i] = n;
        }
        calls++;
      }
      return calls + drain(a, ptrs, lens);
    },
    reallocs(a, rounds, maxBytes, seed) {
      start(seed);
      let calls = 0;
      for (let r = 0; r < rounds; r++) {
        let size = 16;
        let p = take(a, size);
        calls++;
        while (size < maxBytes) {
          const q = a.realloc(p, size * 2);
          calls++;
          if (!q) { failures++; break; }
          live += size;
          if (live > peak) peak = live;
          p = q;
          size *= 2;
        }
        give(a, p, size);
        calls++;
      }
      return calls;
    },
    reallocmix(a, steps, slotCount, seed) {
      start(seed);
      const ptrs = new Uint32Array(slotCount), lens = new Uint32Array(slotCount);
      const mixSize = () => {
        const r = below(1000);
        if (r < 10) return 768 * 1024 + below(256 * 1024) + 1;
        if (r < 100) return 4096 + below(60 * 1024) + 1;
        return 1 + below(4096);
      };
      let calls = 0;
      for (let s = 0; s < steps; s++) {
        const i = below(slotCount);
        const p = ptrs[i];
        if (!p) {
          const n = mixSize();
          ptrs[i] = take(a, n);
          lens[i] = n;
        } else if (below(2)) {
          const n = mixSize();
          const q = a.realloc(p, n);
          if (!q) { failures++; continue; }
          live = live - lens[i] + n;
          if (live > peak) peak = live;
          ptrs[i] = q;
          lens[i] = n;
        } else {
          give(a, p, lens[i]);
          ptrs[i] = 0;
        }
        calls++;
      }
      return calls + drain(a, ptrs, lens);
    },
    trace(a, steps, buffers, seed) {
      start(seed);
      const ring = 1024;
      const ptrs = new Uint32Array(ring + buffers), lens = new Uint32Array(ring + buffers);
      let calls = 0;
      for (let b = 0; b < buffers; b++) { ptrs[ring + b] = take(a, 1024); lens[ring + b] = 1024; calls++; }
      for (let s = 0; s < steps; s++) {
        const i = s & (ring - 1);
        if (ptrs[i]) { give(a, ptrs[i], lens[i]); calls++; }
        const n = 16 + below(497);
        ptrs[i] = take(a, n);
        lens[i] = n;
        calls++;
        if ((s & 15) === 15) {
          const b = ring + below(buffers);
          const old = lens[b];
          const n2 = old + (old >>> 1) + 64;
          if (n2 > 4 * 1024 * 1024) {
            give(a, ptrs[b], old);
            ptrs[b] = take(a, 1024);
            lens[b] = 1024;
            calls += 2;
          } else {
            const q = a.realloc(ptrs[b], n2);
            calls++;
            if (!q) { failures++; continue; }
            live = live - old + n2;
            if (live > peak) peak = live;
            ptrs[b] = q;
            lens[b] = n2;
          }
        }
      }
      return calls + drain(a, ptrs, lens);
    },
    powerlaw(a, steps, slotCount, seed) {
      start(seed);
      const ptrs = new Uint32Array(slotCount), lens = new Uint32Array(slotCount);
      let calls = 0;
      for (let s = 0; s < steps; s++) {
        const i = below(slotCount);
        if (ptrs[i]) { give(a, ptrs[i], lens[i]); ptrs[i] = 0; }
        else {
          const n = Math.floor(16777216 / (16 + below(1048576 - 16)));
          ptrs[i] = take(a, n);
          lens[i] = n;
        }
        calls++;
      }
      return calls + drain(a, ptrs, lens);
    },
    random(a, steps, seed) {
      start(seed);
      const cap = 4096;
      const ptrs = new Uint32Array(cap), lens = new Uint32Array(cap);
      let count = 0;
      for (let s = 0; s < steps; s++) {
        const r = below(100);
        if (count < 50 || (r < 40 && count < cap)) {
          const n = 1 + below(10000);
          ptrs[count] = take(a, n);
          lens[count] = n;
          count++;
        } else if (r < 70) {
          const i = below(count);
          give(a, ptrs[i], lens[i]);
          count--;
          ptrs[i] = ptrs[count];
          lens[i] = lens[count];
        } else {
          const i = below(count);
          const n = 1 + below(10000);
          const q = a.realloc(ptrs[i], n);
          if (!q) { failures++; continue; }
          live = live - lens[i] + n;
          if (live > peak) peak = live;
          ptrs[i] = q;
          lens[i] = n;
        }
      }
      for (let i = 0; i < count; i++) give(a, ptrs[i], lens[i]);
      return steps + count;
    },
  };
}
