// Long randomized runs of the model-based test (tests/model.js): `npm run fuzz -- --ops=1e7`
// or `--seconds=600`; `--checked` runs them on the debug build that runs check() after every
// call (slower; a broken invariant traps in the call that broke it). Sequences of --length operations come from fast-check's generators with
// consecutive seeds; a failure prints the seed, the step and how to rerun it, and exits 1. At
// the end it reports what it covered, and fails if a path or error code was never reached.
import fc from "fast-check";
import { operations, configurations, createHarness, newCoverage, describeCoverage, missingCoverage } from "../tests/model.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const maxOps = Number(args.ops ?? 1e6);
const seconds = Number(args.seconds ?? Infinity);
const length = Number(args.length ?? 2000);
let seed = Number(args.seed ?? Date.now() % 2 ** 31);
const once = args.seed !== undefined && args.ops === undefined && args.seconds === undefined;

const coverage = newCoverage();
const start = Date.now();
let sequences = 0;
let lastReport = start;
while (coverage.steps < maxOps && (Date.now() - start) / 1000 < seconds) {
  const [[config, ops]] = fc.sample(fc.tuple(configurations(fc), fc.array(operations(fc), { minLength: length, maxLength: length })), { seed, numRuns: 1 });
  try {
    const sub = newCoverage();
    const h = createHarness(config, sub, "checked" in args ? "checked" : "release");
    for (const op of ops) h.step(op);
    h.finish();
    for (const k of ["steps", "grows", "regionsAdded", "moved", "inPlace", "grewInPlace", "slots", "runs", "borrows"]) coverage[k] += sub[k];
    coverage.maxLive = Math.max(coverage.maxLive, sub.maxLive);
    for (const [k, v] of Object.entries(sub.ops)) coverage.ops[k] = (coverage.ops[k] ?? 0) + v;
    for (const [k, v] of Object.entries(sub.codes)) coverage.codes[k] = (coverage.codes[k] ?? 0) + v;
  } catch (e) {
    console.error(`FAILED with seed ${seed} (config ${JSON.stringify(config)}): ${e.message}`);
    console.error(`rerun: node scripts/fuzz.js --seed=${seed} --length=${length}`);
    process.exit(1);
  }
  sequences++;
  seed = (seed + 1) % 2 ** 31;
  if (once) break;
  if (Date.now() - lastReport > 10000) {
    lastReport = Date.now();
    const rate = coverage.steps / ((Date.now() - start) / 1000);
    console.log(`${coverage.steps} operations, ${sequences} sequences, ${Math.round(rate)} ops/s`);
  }
}
const elapsed = (Date.now() - start) / 1000;
console.log(`fuzz: ${sequences} sequences in ${elapsed.toFixed(1)} s, first seed ${args.seed ?? "(time)"}, last ${seed}`);
console.log(`covered: ${describeCoverage(coverage)}`);
// A run of more than one sequence must reach every path and error code (tests/model.js).
const missing = once ? [] : missingCoverage(coverage);
if (missing.length) {
  console.error(`FAILED: not covered: ${missing.join(", ")}`);
  process.exit(1);
}
