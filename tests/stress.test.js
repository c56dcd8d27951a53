// Seeded random stress of the C module: alloc, aligned alloc, calloc, realloc, free and sized
// free, with every block filled with its own pattern (checked before free and after realloc),
// check() every CHECK_EVERY operations, and full coalescing at the end. The seed is printed on
// failure; rerun one with SEED=<n>. OPS=<n> changes the length (default 1e5 per run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { load, stats, prng, ErrorCode, CHECKED_RUN } from "./support.js";

const OPS = Number(process.env.OPS) || 100_000;
const CHECK_EVERY = 2000;
const seeds = process.env.SEED ? [Number(process.env.SEED)] : [1, 0xb0dd7, (Math.random() * 2 ** 32) >>> 0];

function run(build, seed, deferLimit) {
  const e = load(build);
  assert.equal(e.buddy_init(16, 27, 65535, deferLimit), ErrorCode.OK);
  const rnd = prng(seed);
  const live = []; // [ptr, size, tag]
  const where = (op, what) => `${build} seed=${seed} defer=${deferLimit} op=${op}: ${what}`;
  const size = () => {
    const r = rnd();
    return r < 0.6 ? 1 + Math.floor(rnd() * 128) : r < 0.95 ? 1 + Math.floor(rnd() * 8192) : 1 + Math.floor(rnd() * 300_000);
  };
  const fill = (p, n, tag) => new Uint8Array(e.memory.buffer, p, n).fill(tag);
  const verify = (p, n, tag, op) => {
    const bytes = new Uint8Array(e.memory.buffer, p, n);
    for (let i = 0; i < n; i += 1 + (i >> 6)) if (bytes[i] !== tag) assert.fail(where(op, `pattern broken at ${p}+${i}`));
  };
  for (let op = 0; op < OPS; op++) {
    const r = rnd();
    const tag = 1 + (op % 255);
    if (r < 0.45 || live.length < 50) {
      const n = size();
      const kind = rnd();
      let p, align = 16;
      if (kind < 0.1) {
        align = 2 ** (4 + Math.floor(rnd() * 9));
        p = e.aligned_alloc(align, n) >>> 0;
      } else if (kind < 0.2) {
        p = e.calloc(1, n) >>> 0;
        if (p && !new Uint8Array(e.memory.buffer, p, n).every((x) => x === 0)) assert.fail(where(op, "calloc not zeroed"));
      } else p = e.malloc(n) >>> 0;
      assert.notEqual(p, 0, where(op, `alloc ${n} failed with ${e.buddy_last_error()}`));
      assert.equal(p % align, 0, where(op, `alignment ${align}`));
      fill(p, n, tag);
      live.push([p, n, tag]);
    } else if (r < 0.85) {
      const i = Math.floor(rnd() * live.length);
      const [p, n, t] = live[i];
      verify(p, n, t, op);
      if (rnd() < 0.3) assert.equal(e.buddy_dealloc(p, n, 0), ErrorCode.OK, where(op, "sized free"));
      else e.free(p);
      live[i] = live[live.length - 1];
      live.pop();
    } else {
      const i = Math.floor(rnd() * live.length);
      const [p, n, t] = live[i];
      const m = size();
      const q = e.realloc(p, m) >>> 0;
      assert.notEqual(q, 0, where(op, `realloc to ${m} failed with ${e.buddy_last_error()}`));
      verify(q, Math.min(n, m), t, op);
      fill(q, m, tag);
      live[i] = [q, m, tag];
    }
    if (op % CHECK_EVERY === 0) {
      const code = e.buddy_check();
      assert.equal(code, ErrorCode.OK, where(op, `check() = ${code}, detail ${e.buddy_check_detail()}`));
    }
  }
  const s = stats(e);
  assert.equal(s.failedAllocs + s.rejectedFrees, 0, where(OPS, "no call failed"));
  for (const [p, n, t] of live) {
    verify(p, n, t, OPS);
    e.free(p);
  }
  e.buddy_coalesce();
  assert.equal(e.buddy_coalesce(), 0, where(OPS, "a second coalesce finds nothing left to merge"));
  assert.equal(e.buddy_check(), ErrorCode.OK, where(OPS, `final check, detail ${e.buddy_check_detail()}`));
  const end = stats(e);
  assert.equal(end.usedBytes, 0);
  assert.equal(end.freeBytes + end.metaBytes, end.totalBytes);
}

for (const seed of seeds) {
  test(`random operations keep every block intact (release, seed ${seed})`, () => run("release", seed, 16));
}
test(`random operations on the debug build, internal asserts on (seed ${seeds[0]})`, () => run("debug", seeds[0], 16));
test(`random operations with eager coalescing (seed ${seeds[1] ?? seeds[0]})`, () => run("release", seeds[1] ?? seeds[0], 0));

// The efficiency issue's runaway: random malloc/free/realloc of 1 B to 1 MiB with a bounded
// live set once took 552 MiB of memory for 34 MiB live (every moving block of 64 KiB or more
// split the largest free block, and each growth added a quarter of memory). The benchmark's
// workloads that grow memory, on the C module as shipped, full scale, the benchmark's first
// seed and one other (fixed sequences: the figures are exact): memory never goes past twice
// the peak live bytes plus 1 MiB. The module of 8d90cf0 took reallocmix to 496 MiB for 33 MiB
// live and went past the bound on realloc, random and trace too; TLSF's module (the
// benchmark's) goes past it on realloc (35 MiB for 16), and with seed 7 on mixed and reallocmix.
// Not in the checked run: check() after every call, over a heap of up to 184 MiB, for 2e5 calls.
const checkedSkip = { skip: CHECKED_RUN && "the checked build checks the whole heap after every call" };
test("no runaway: the benchmark's growing workloads keep memory within 2x peak live + 1 MiB", checkedSkip, async () => {
  const { makeWorkloads } = await import("../scripts/bench/workloads.js");
  const { plan } = await import("../scripts/bench/suite.js");
  for (const w of plan(1).filter((x) => ["mixed", "reallocmix", "trace", "powerlaw", "random", "realloc"].includes(x.name))) {
    for (const seed of [625341585, 7]) {
      const e = load("release");
      const wl = makeWorkloads();
      wl[w.fn ?? w.name]({ malloc: e.malloc, free: e.free, realloc: e.realloc }, ...w.args, seed);
      const peak = wl.peakLiveBytes(), memory = e.memory.buffer.byteLength;
      assert.equal(wl.failedCalls(), 0, `${w.name} seed ${seed}: every call succeeded`);
      assert.ok(memory <= 2 * peak + 2 ** 20, `${w.name} seed ${seed}: ${(memory / 2 ** 20).toFixed(2)} MiB of memory for ${(peak / 2 ** 20).toFixed(2)} MiB live`);
      assert.equal(e.buddy_check(), ErrorCode.OK, `${w.name} seed ${seed}`);
    }
  }
});
