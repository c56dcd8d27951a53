// Property tests: random sequences of alloc, aligned alloc, free, sized free, realloc, bad
// frees (double, foreign, interior, misaligned), region adds and growth, against the model in
// tests/model.js. After every step: the error code is the model's, blocks are aligned, inside
// the regions and disjoint, contents survive, stats equal the model's and check() passes.
// fast-check shrinks a failure to a minimal sequence and prints its seed; rerun with
// FC_SEED=<seed>. FC_RUNS=<n> changes the number of sequences.
import { test } from "node:test";
import fc from "fast-check";
import { operations, configurations, createHarness, newCoverage, describeCoverage } from "./model.js";

const runs = Number(process.env.FC_RUNS) || 300;
const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;

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
  t.diagnostic(describeCoverage(coverage));
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
  t.diagnostic(describeCoverage(coverage));
});
