/* The benchmark driver (scripts/bench/driver.ts) in C, for dlmalloc's and emmalloc's WASI
 * command builds (wasi-libc's own malloc, or emmalloc linked in): the same xorshift32
 * sequence and the same workloads. argv: seed,
 * workload index (the order of plan() in suite.js), arguments; prints "calls ns peakLive memoryBytes failures" like
 * wasi-main.ts. Built by scripts/bench/build.js. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint32_t state = 1;
static uint32_t next(void) { uint32_t x = state; x ^= x << 13; x ^= x >> 17; x ^= x << 5; return state = x; }
static uint32_t below(uint32_t n) { return (uint32_t)(((uint64_t)next() * n) >> 32); }

static uint64_t live, peak;
static uint32_t failures;
static void *take(size_t n) {
  void *p = malloc(n);
  if (!p) { failures++; return 0; }
  live += n;
  if (live > peak) peak = live;
  return p;
}
static void give(void *p, size_t n) { free(p); live -= n; }
static void start(uint32_t seed) { state = seed ? seed : 1; live = peak = 0; failures = 0; }

static void **ptrs;
static uint32_t *lens;
/* Frees every block still in slots 0..n-1 at the end of a workload; returns the frees. */
static uint32_t drain(uint32_t n) {
  uint32_t calls = 0;
  for (uint32_t i = 0; i < n; i++) if (ptrs[i]) { give(ptrs[i], lens[i]); calls++; }
  return calls;
}
static void slots(uint32_t n) {
  ptrs = calloc(n, sizeof(void *));
  lens = calloc(n, sizeof(uint32_t));
}

static uint32_t pairs(uint32_t n, uint32_t seed) {
  start(seed);
  for (uint32_t i = 0; i < n; i++) give(take(64), 64);
  return n * 2;
}
static uint32_t replace(uint32_t steps, uint32_t count, uint32_t lo, uint32_t span, uint32_t seed) {
  start(seed);
  slots(count);
  for (uint32_t i = 0; i < count; i++) { uint32_t n = lo + below(span); ptrs[i] = take(n); lens[i] = n; }
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t i = below(count);
    give(ptrs[i], lens[i]);
    uint32_t n = lo + below(span);
    ptrs[i] = take(n);
    lens[i] = n;
  }
  for (uint32_t i = 0; i < count; i++) give(ptrs[i], lens[i]);
  return count * 2 + steps * 2;
}
static uint32_t churn(uint32_t steps, uint32_t count, uint32_t seed) { return replace(steps, count, 8, 4089, seed); }
static uint32_t uniform(uint32_t steps, uint32_t count, uint32_t seed) { return replace(steps, count, 16, 1009, seed); }
static uint32_t fill(uint32_t bytes, uint32_t seed) {
  start(seed);
  uint32_t n = bytes >> 5;
  slots(n);
  for (uint32_t i = 0; i < n; i++) ptrs[i] = take(32);
  for (uint32_t i = n; i > 1; i--) { uint32_t j = below(i); void *t = ptrs[i - 1]; ptrs[i - 1] = ptrs[j]; ptrs[j] = t; }
  for (uint32_t i = 0; i < n; i++) give(ptrs[i], 32);
  return n * 2;
}
static uint32_t mixed(uint32_t steps, uint32_t count, uint32_t seed) {
  start(seed);
  slots(count);
  uint32_t calls = 0;
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t i = below(count);
    if (ptrs[i]) { give(ptrs[i], lens[i]); ptrs[i] = 0; }
    else {
      uint32_t a = below(65536);
      uint32_t k = (a * a) >> 28;
      uint32_t n = (16u << k) + below(16u << k);
      ptrs[i] = take(n);
      lens[i] = n;
    }
    calls++;
  }
  return calls + drain(count);
}
static uint32_t reallocs(uint32_t rounds, uint32_t max, uint32_t seed) {
  start(seed);
  uint32_t calls = 0;
  for (uint32_t r = 0; r < rounds; r++) {
    size_t size = 16;
    void *p = take(size);
    calls++;
    while (size < max) {
      void *q = realloc(p, size << 1);
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
static uint32_t random_actions(uint32_t steps, uint32_t seed) {
  start(seed);
  uint32_t cap = 4096, count = 0;
  slots(cap);
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t r = below(100);
    if (count < 50 || (r < 40 && count < cap)) {
      uint32_t n = 1 + below(10000);
      ptrs[count] = take(n);
      lens[count] = n;
      count++;
    } else if (r < 70) {
      uint32_t i = below(count);
      give(ptrs[i], lens[i]);
      count--;
      ptrs[i] = ptrs[count];
      lens[i] = lens[count];
    } else {
      uint32_t i = below(count);
      uint32_t n = 1 + below(10000);
      void *q = realloc(ptrs[i], n);
      if (!q) { failures++; continue; }
      live = live - lens[i] + n;
      if (live > peak) peak = live;
      ptrs[i] = q;
      lens[i] = n;
    }
  }
  for (uint32_t i = 0; i < count; i++) give(ptrs[i], lens[i]);
  return steps + count;
}

static size_t mix_size(void) {
  uint32_t r = below(1000);
  if (r < 10) return (768u << 10) + below(256u << 10) + 1;
  if (r < 100) return 4096 + below(60u << 10) + 1;
  return 1 + below(4096);
}
static uint32_t reallocmix(uint32_t steps, uint32_t count, uint32_t seed) {
  start(seed);
  slots(count);
  uint32_t calls = 0;
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t i = below(count);
    void *p = ptrs[i];
    if (!p) { size_t n = mix_size(); ptrs[i] = take(n); lens[i] = n; }
    else if (below(2)) {
      size_t n = mix_size();
      void *q = realloc(p, n);
      if (!q) { failures++; continue; }
      live = live - lens[i] + n;
      if (live > peak) peak = live;
      ptrs[i] = q;
      lens[i] = n;
    } else { give(p, lens[i]); ptrs[i] = 0; }
    calls++;
  }
  return calls + drain(count);
}
static uint32_t trace(uint32_t steps, uint32_t buffers, uint32_t seed) {
  start(seed);
  uint32_t ring = 1024, calls = 0;
  slots(ring + buffers);
  for (uint32_t b = 0; b < buffers; b++) { ptrs[ring + b] = take(1024); lens[ring + b] = 1024; calls++; }
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t i = s & (ring - 1);
    if (ptrs[i]) { give(ptrs[i], lens[i]); calls++; }
    uint32_t n = 16 + below(497);
    ptrs[i] = take(n);
    lens[i] = n;
    calls++;
    if ((s & 15) == 15) {
      uint32_t b = ring + below(buffers);
      uint32_t old = lens[b], n2 = old + (old >> 1) + 64;
      if (n2 > (4u << 20)) {
        give(ptrs[b], old);
        ptrs[b] = take(1024);
        lens[b] = 1024;
        calls += 2;
      } else {
        void *q = realloc(ptrs[b], n2);
        calls++;
        if (!q) { failures++; continue; }
        live = live - old + n2;
        if (live > peak) peak = live;
        ptrs[b] = q;
        lens[b] = n2;
      }
    }
  }
  return calls + drain(ring + buffers);
}
static uint32_t powerlaw(uint32_t steps, uint32_t count, uint32_t seed) {
  start(seed);
  slots(count);
  uint32_t calls = 0;
  for (uint32_t s = 0; s < steps; s++) {
    uint32_t i = below(count);
    if (ptrs[i]) { give(ptrs[i], lens[i]); ptrs[i] = 0; }
    else {
      uint32_t n = (16u << 20) / (16 + below((1u << 20) - 16));
      ptrs[i] = take(n);
      lens[i] = n;
    }
    calls++;
  }
  return calls + drain(count);
}

int main(int argc, char **argv) {
  if (argc < 4) return 2;
  uint32_t seed = (uint32_t)strtoul(argv[1], 0, 10), which = (uint32_t)strtoul(argv[2], 0, 10);
  uint32_t a = (uint32_t)strtoul(argv[3], 0, 10), b = argc > 4 ? (uint32_t)strtoul(argv[4], 0, 10) : 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  uint32_t calls = which == 0 ? pairs(a, seed) : which == 1 ? churn(a, b, seed) : which == 2 ? fill(a, seed)
    : which == 3 ? mixed(a, b, seed) : which == 4 ? reallocs(a, b, seed) : which == 5 ? random_actions(a, seed)
    : which == 6 ? reallocmix(a, b, seed) : which == 7 ? trace(a, b, seed) : which == 8 ? powerlaw(a, b, seed)
    : which == 9 ? uniform(a, b, seed) : 0;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  uint64_t ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000u + (uint64_t)(t1.tv_nsec - t0.tv_nsec);
  printf("%u %llu %llu %llu %u\n", calls, (unsigned long long)ns, (unsigned long long)peak,
         (unsigned long long)__builtin_wasm_memory_size(0) * 65536ull, failures);
  return 0;
}
