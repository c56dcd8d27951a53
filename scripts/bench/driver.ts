// The benchmark driver: every workload runs its whole loop inside wasm, calling the allocator
// under test through imports, so no JavaScript is in the loop. The same driver is linked to
// every peer (as-buddy, TLSF, bump, dlmalloc), and a fixed-seed PRNG makes the operation
// sequence identical for all of them. Each workload returns the number of allocator calls.
// The driver's own arrays live in its own memory (stub runtime), apart from the allocator's;
// the memory is imported, one for every run (suite.js, driverImports), so that its pages are
// touched once, not in every run's time.

@external("alloc", "malloc") declare function malloc(size: usize): usize;
@external("alloc", "free") declare function free(ptr: usize): void;
@external("alloc", "realloc") declare function realloc(ptr: usize, size: usize): usize;

// xorshift32: the JavaScript workloads (scripts/bench/workloads.js) use the same generator.
let state: u32 = 1;
// @ts-ignore: decorator
@inline function next(): u32 {
  let x = state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return state = x;
}
/** Uniform in [0, n). */
// @ts-ignore: decorator
@inline function below(n: u32): u32 { return <u32>((<u64>next() * <u64>n) >> 32); }

// Live bytes requested, their peak, and failed calls.
let live: u64 = 0;
let peak: u64 = 0;
let failures: u32 = 0;
export function peakLiveBytes(): f64 { return <f64>peak; }
export function failedCalls(): u32 { return failures; }

// @ts-ignore: decorator
@inline function take(size: usize): usize {
  let p = malloc(size);
  if (!p) { failures++; return 0; }
  live += size;
  if (live > peak) peak = live;
  return p;
}
// @ts-ignore: decorator
@inline function give(p: usize, size: usize): void {
  free(p);
  live -= size;
}

// Slot arrays, grown as needed (the stub runtime never frees them; they are reused).
let ptrs: usize = 0;
let lens: usize = 0;
let capacity: u32 = 0;
function slots(n: u32): void {
  if (n > capacity) {
    ptrs = heap.alloc(<usize>n << 2);
    lens = heap.alloc(<usize>n << 2);
    capacity = n;
  }
  memory.fill(ptrs, 0, <usize>n << 2);
  memory.fill(lens, 0, <usize>n << 2);
}
// @ts-ignore: decorator
@inline function ptrAt(i: u32): usize { return load<u32>(ptrs + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setPtr(i: u32, p: usize): void { store<u32>(ptrs + (<usize>i << 2), p); }
// @ts-ignore: decorator
@inline function lenAt(i: u32): usize { return load<u32>(lens + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function setLen(i: u32, n: usize): void { store<u32>(lens + (<usize>i << 2), n); }
/** Frees every block still in slots 0..n-1 at the end of a workload; returns the frees. */
function drain(n: u32): u32 {
  let calls: u32 = 0;
  for (let i: u32 = 0; i < n; ++i) if (ptrAt(i)) { give(ptrAt(i), lenAt(i)); calls++; }
  return calls;
}

function start(seed: u32): void {
  state = seed ? seed : 1;
  live = 0;
  peak = 0;
  failures = 0;
}

/** pairs: allocate 64 bytes, free them; n times. */
export function pairs(n: u32, seed: u32): u32 {
  start(seed);
  for (let i: u32 = 0; i < n; ++i) give(take(64), 64);
  return n * 2;
}

/** `liveCount` blocks of lo..lo+span-1 bytes (uniform); each step frees a random one and
 *  allocates a new one in its place. Everything is freed at the end. */
function replace(steps: u32, liveCount: u32, lo: u32, span: u32, seed: u32): u32 {
  start(seed);
  slots(liveCount);
  for (let i: u32 = 0; i < liveCount; ++i) {
    let n = lo + below(span);
    setPtr(i, take(n));
    setLen(i, n);
  }
  for (let s: u32 = 0; s < steps; ++s) {
    let i = below(liveCount);
    give(ptrAt(i), lenAt(i));
    let n = lo + below(span);
    setPtr(i, take(n));
    setLen(i, n);
  }
  for (let i: u32 = 0; i < liveCount; ++i) give(ptrAt(i), lenAt(i));
  return liveCount * 2 + steps * 2;
}

/** churn: `liveCount` blocks of 8..4096 bytes, replaced at random. */
export function churn(steps: u32, liveCount: u32, seed: u32): u32 {
  return replace(steps, liveCount, 8, 4089, seed);
}

/** uniform: churn's shape with small sizes only, 16..1024 B (the sizes of most objects,
 *  strings and vectors). */
export function uniform(steps: u32, liveCount: u32, seed: u32): u32 {
  return replace(steps, liveCount, 16, 1009, seed);
}

/** fill: 32-byte blocks until `bytes` are live, then free them all in random order. */
export function fill(bytes: u32, seed: u32): u32 {
  start(seed);
  let n = bytes >> 5;
  slots(n);
  for (let i: u32 = 0; i < n; ++i) setPtr(i, take(32));
  for (let i = n; i > 1; --i) { // Fisher-Yates
    let j = below(i);
    let t = ptrAt(i - 1);
    setPtr(i - 1, ptrAt(j));
    setPtr(j, t);
  }
  for (let i: u32 = 0; i < n; ++i) give(ptrAt(i), 32);
  return n * 2;
}

/** mixed: `slotCount` slots; each step picks one: frees it if taken, else allocates a size
 *  skewed towards small, 16 B .. 1 MiB: k = floor(16 u^2) with u uniform, size uniform in
 *  [16 << k, 32 << k). Integer arithmetic, so JavaScript draws exactly the same sizes. */
export function mixed(steps: u32, slotCount: u32, seed: u32): u32 {
  start(seed);
  slots(slotCount);
  let calls: u32 = 0;
  for (let s: u32 = 0; s < steps; ++s) {
    let i = below(slotCount);
    if (ptrAt(i)) {
      give(ptrAt(i), lenAt(i));
      setPtr(i, 0);
    } else {
      let a = below(65536);
      let k = (a * a) >> 28;
      let n = (<usize>16 << k) + below(16 << k);
      setPtr(i, take(n));
      setLen(i, n);
    }
    calls++;
  }
  return calls + drain(slotCount);
}

/** realloc: grow one block by doubling from 16 bytes to `maxBytes`, `rounds` times. */
export function reallocs(rounds: u32, maxBytes: u32, seed: u32): u32 {
  start(seed);
  let calls: u32 = 0;
  for (let r: u32 = 0; r < rounds; ++r) {
    let size: usize = 16;
    let p = take(size);
    calls++;
    while (size < maxBytes) {
      let q = realloc(p, size << 1);
      calls++;
      if (!q) { failures++; break; }
      live += size;
      if (live > peak) peak = live;
      p = q;
      size <<= 1;
    }
    give(p, size);
    calls++;
  }
  return calls;
}

/** random actions, as in talc's wasm benchmark: sizes 1..10000, alloc / free / realloc
 *  mixed, at least 50 blocks live. */
export function random(steps: u32, seed: u32): u32 {
  start(seed);
  let cap: u32 = 4096;
  slots(cap);
  let count: u32 = 0;
  for (let s: u32 = 0; s < steps; ++s) {
    let r = below(100);
    if (count < 50 || (r < 40 && count < cap)) {
      let n = 1 + below(10000);
      setPtr(count, take(n));
      setLen(count, n);
      count++;
    } else if (r < 70) {
      let i = below(count);
      give(ptrAt(i), lenAt(i));
      count--;
      setPtr(i, ptrAt(count));
      setLen(i, lenAt(count));
    } else {
      let i = below(count);
      let n = 1 + below(10000);
      let q = realloc(ptrAt(i), n);
      if (!q) { failures++; continue; }
      live = live - lenAt(i) + n;
      if (live > peak) peak = live;
      setPtr(i, q);
      setLen(i, n);
    }
  }
  for (let i: u32 = 0; i < count; ++i) give(ptrAt(i), lenAt(i));
  return steps + count;
}

/** A size for reallocmix: 1 B .. 1 MiB, most under 4 KiB, about 1% near 1 MiB. */
function mixSize(): usize {
  let r = below(1000);
  if (r < 10) return (768 << 10) + below(256 << 10) + 1; // 1%: 768 KiB .. 1 MiB
  if (r < 100) return 4096 + below(60 << 10) + 1;         // 9%: 4 KiB .. 64 KiB
  return 1 + below(4096);                                 // 90%: 1 B .. 4 KiB
}

/** reallocmix: `slotCount` slots; each step picks one: an empty slot gets malloc(mixSize()),
 *  a taken one is realloc'd to mixSize() or freed, half and half. A bounded live set with
 *  reallocs of random sizes, the shape that made buddy heaps run away. */
export function reallocmix(steps: u32, slotCount: u32, seed: u32): u32 {
  start(seed);
  slots(slotCount);
  let calls: u32 = 0;
  for (let s: u32 = 0; s < steps; ++s) {
    let i = below(slotCount);
    let p = ptrAt(i);
    if (!p) {
      let n = mixSize();
      setPtr(i, take(n));
      setLen(i, n);
    } else if (below(2)) {
      let n = mixSize();
      let q = realloc(p, n);
      if (!q) { failures++; continue; }
      live = live - lenAt(i) + n;
      if (live > peak) peak = live;
      setPtr(i, q);
      setLen(i, n);
    } else {
      give(p, lenAt(i));
      setPtr(i, 0);
    }
    calls++;
  }
  return calls + drain(slotCount);
}

/** trace: a program's shape: `buffers` long-lived buffers that grow by realloc (x1.5 + 64 B,
 *  from 1 KiB up to 4 MiB, then freed and started again) among short-lived small objects
 *  (16..512 B, a ring of 1024 whose oldest is freed as each new one comes). One buffer grows
 *  every 16 small allocations. */
export function trace(steps: u32, buffers: u32, seed: u32): u32 {
  start(seed);
  let ring: u32 = 1024;
  slots(ring + buffers);
  let calls: u32 = 0;
  for (let b: u32 = 0; b < buffers; ++b) {
    setPtr(ring + b, take(1024));
    setLen(ring + b, 1024);
    calls++;
  }
  for (let s: u32 = 0; s < steps; ++s) {
    let i = s & (ring - 1);
    if (ptrAt(i)) { give(ptrAt(i), lenAt(i)); calls++; }
    let n = 16 + below(497);
    setPtr(i, take(n));
    setLen(i, n);
    calls++;
    if ((s & 15) == 15) {
      let b = ring + below(buffers);
      let old = lenAt(b);
      let n2 = old + (old >> 1) + 64;
      if (n2 > (4 << 20)) {
        give(ptrAt(b), old);
        setPtr(b, take(1024));
        setLen(b, 1024);
        calls += 2;
      } else {
        let q = realloc(ptrAt(b), n2);
        calls++;
        if (!q) { failures++; continue; }
        live = live - old + n2;
        if (live > peak) peak = live;
        setPtr(b, q);
        setLen(b, n2);
      }
    }
  }
  return calls + drain(ring + buffers);
}

/** powerlaw: `slotCount` slots, each step frees a taken slot or fills an empty one with a size
 *  drawn from a power law, P(size >= s) ~ 16 / s, 16 B .. 1 MiB (size = 16 MiB / u, u uniform
 *  in [16, 1 MiB)): half the requests are under 32 B, 1 in 64 is over 1 KiB. */
export function powerlaw(steps: u32, slotCount: u32, seed: u32): u32 {
  start(seed);
  slots(slotCount);
  let calls: u32 = 0;
  for (let s: u32 = 0; s < steps; ++s) {
    let i = below(slotCount);
    if (ptrAt(i)) {
      give(ptrAt(i), lenAt(i));
      setPtr(i, 0);
    } else {
      let n = <usize>((16 << 20) / (16 + below((1 << 20) - 16)));
      setPtr(i, take(n));
      setLen(i, n);
    }
    calls++;
  }
  return calls + drain(slotCount);
}
