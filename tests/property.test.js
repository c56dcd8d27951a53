// Property tests: random sequences of alloc, aligned alloc, free, sized free, realloc, bad
// frees (double, foreign, interior, misaligned), region adds and growth, against the model in
// tests/model.js. After every step: the error code is the model's, blocks are aligned, inside
// the regions and disjoint, contents survive, stats equal the model's and check() passes.
// The seed is fixed (1, or FC_SEED=<seed>) and printed, so a run is the same every time and
// what it covers can be asserted: every operation, growth, realloc in place, runs, borrowed
// slots and every error code (model.js, missingCoverage). fast-check shrinks a failure to a
// minimal sequence. FC_RUNS=<n> changes the number of sequences.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { operations, configurations, createHarness, newCoverage, describeCoverage, missingCoverage } from "./model.js";

const runs = Number(process.env.FC_RUNS) || 300;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 1;

test("missingCoverage names what a run did not reach (so the assertions below can fail)", () => {
  const c = newCoverage();
  assert.ok(missingCoverage(c).includes("runs") && missingCoverage(c).includes("code DOUBLE_FREE"));
});

test(`${runs} random operation sequences agree with the model`, (t) => {
  const coverage = newCoverage();
  fc.assert(
    fc.property(configurations(fc), fc.array(operations(fc), { minLength: 10, maxLength: 200, size: "max" }), (config, ops) => {
      const h = createHarness(config, coverage);
      for (const op of ops) h.step(op);
      h.finish();
    }),
    { numRuns: runs, seed, verbose: 1 },
  );
  t.diagnostic(`seed ${seed}: ${describeCoverage(coverage)}`);
  assert.deepEqual(missingCoverage(coverage), [], "every path and error code is reached");
});

test(`${Math.ceil(runs / 3)} sequences on the debug build that runs check() after every call`, (t) => {
  const coverage = newCoverage();
  fc.assert(
    fc.property(configurations(fc), fc.array(operations(fc), { minLength: 10, maxLength: 200, size: "max" }), (config, ops) => {
      const h = createHarness(config, coverage, "checked");
      for (const op of ops) h.step(op);
      h.finish();
    }),
    { numRuns: Math.ceil(runs / 3), seed, verbose: 1 },
  );
  t.diagnostic(`seed ${seed}: ${describeCoverage(coverage)}`);
  assert.deepEqual(missingCoverage(coverage), [], "every path and error code is reached");
});
