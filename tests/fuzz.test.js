// A short run of the fuzzer (scripts/fuzz.js) with a fixed seed: the model-based sequences of
// `npm run fuzz`, long ones (2,000 operations each), on the release build and on the checked
// build; each run must pass and reach every path and error code (the fuzzer fails otherwise).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

for (const [name, extra] of [["release", []], ["checked", ["--checked"]]]) {
  test(`fuzz on the ${name} build: 200,000 operations from seed 1 pass and cover every path`, (t) => {
    const r = spawnSync(process.execPath, ["scripts/fuzz.js", "--ops=2e5", "--seed=1", ...extra], { encoding: "utf8" });
    t.diagnostic(r.stdout.trim().split("\n").slice(-2).join("\n"));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^fuzz: \d+ sequences/m);
  });
}
