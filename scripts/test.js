// `npm test`: builds every module, runs the AssemblyScript specs (as-pect) and the Node tests,
// and ends with one line CI reads: "N passed, N failed". Exits non-zero if anything failed.
import { spawnSync } from "node:child_process";
import { readdirSync, copyFileSync } from "node:fs";

const node = process.execPath;
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");
let passed = 0;
let failed = 0;

// A step that runs longer than this is killed and counted as failed: a test runner that hangs
// after its tests (one sat spinning with no child process left) must not hold CI for its 90
// minutes. The longest step, the Node tests on the checked build, takes about 6 minutes.
const STEP_TIMEOUT_MS = 30 * 60 * 1000;

function step(name, args, parse, env = process.env) {
  console.log(`\n== ${name}`);
  const r = spawnSync(node, args, { encoding: "utf8", maxBuffer: 1 << 28, env, timeout: STEP_TIMEOUT_MS, killSignal: "SIGKILL" });
  const out = strip((r.stdout || "") + (r.stderr || ""));
  process.stdout.write(out);
  if (r.error) {
    console.log(`${name}: ${r.error.code === "ETIMEDOUT" ? `killed after ${STEP_TIMEOUT_MS / 60000} minutes` : r.error.message}`);
    failed += 1;
    return;
  }
  const counts = parse(out);
  if (!counts) {
    console.log(`${name}: no test summary found (exit ${r.status})`);
    failed += 1;
    return;
  }
  passed += counts.pass;
  failed += counts.fail;
  if (r.status !== 0 && counts.fail === 0) failed += 1; // a crash after the last test still fails
}

const build = spawnSync(node, ["scripts/build.js"], { stdio: "inherit" });
if (build.status !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// as-pect's transform needs the installed compiler's node numbers (scripts/patch-aspect.js);
// it is applied here, not in a lifecycle script: the published manifest names no script it does not ship.
spawnSync(node, ["scripts/patch-aspect.js"], { stdio: "inherit" });

step("AssemblyScript specs (as-pect)", [
  "node_modules/@as-pect/cli/bin/asp.js", "--config", "tests/as-pect.config.js",
  "--as-config", "tests/as-pect.asconfig.json", "--no-logo",
], (out) => {
  const m = /\[Tests\]:\s*(\d+)\s*\/\s*(\d+)/.exec(out);
  return m && { pass: Number(m[1]), fail: Number(m[2]) - Number(m[1]) };
});

// A test that times out is "cancelled", not "fail": it counts as failed here.
const nodeSummary = (out) => {
  const p = /ℹ pass (\d+)/.exec(out);
  const f = /ℹ fail (\d+)/.exec(out);
  const c = /ℹ cancelled (\d+)/.exec(out);
  return p && f && { pass: Number(p[1]), fail: Number(f[1]) + (c ? Number(c[1]) : 0) };
};
const files = readdirSync("tests").filter((f) => f.endsWith(".test.js")).map((f) => `tests/${f}`);
// A hang fails its test by name instead of holding CI for its 90 minutes (a fresh-clone run once
// sat idle in tests/bench.test.js with no child process). The slowest test, the benchmark in
// every engine on the checked build, takes a few minutes; force-exit ends a file whose test
// left a handle open.
const nodeTest = ["--test", "--test-reporter=spec", "--test-timeout=1200000", "--test-force-exit"];
step("Node tests", [...nodeTest, ...files], nodeSummary);

// Every Node test again on the checked builds (check() after every call, and the pool's check
// after every pool call; a trap in the call that breaks an invariant): build/as-buddy.wasm,
// which the bindings load by default, the host build and the threads build are their checked
// builds for this step and the release builds again after it (the next build rewrites them
// anyway if this is interrupted). Tests read AS_BUDDY_BUILD (tests/support.js, CHECKED_RUN).
const swapped = [
  ["build/as-buddy.wasm", "build/test/as-buddy.checked.wasm"],
  ["build/as-buddy.host.wasm", "build/test/as-buddy.host.checked.wasm"],
  ["build/as-buddy.threads.wasm", "build/test/as-buddy.threads.checked.wasm"],
];
for (const [release, checked] of swapped) {
  copyFileSync(release, `${checked}.release`);
  copyFileSync(checked, release);
}
try {
  step("Node tests on the checked build", [...nodeTest, ...files], nodeSummary,
    { ...process.env, AS_BUDDY_BUILD: "checked" });
} finally {
  for (const [release, checked] of swapped) copyFileSync(`${checked}.release`, release);
}

// AS_LATEST=1 (CI sets it): users install the newest AssemblyScript 0.28.x, so the runtimes
// and the library they compile must build and pass on it too, not only on the pinned one.
if (process.env.AS_LATEST) {
  const prefix = "build/aslatest";
  // The npm running `npm test`: node_modules/.bin, first on an npm script's PATH, holds an npm 6
  // that a dev dependency of as-pect brings.
  const cli = process.env.npm_execpath;
  const args = ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", prefix, "assemblyscript@0.28"];
  const inst = cli && /npm-cli\.js$/.test(cli)
    ? spawnSync(node, [cli, ...args], { stdio: "inherit" })
    : spawnSync(process.platform === "win32" ? "npm.cmd" : "npm", args, { stdio: "inherit" });
  if (inst.status !== 0) {
    console.log("could not install the latest AssemblyScript 0.28.x");
    failed += 1;
  } else {
    const asc = `${process.cwd()}/${prefix}/node_modules/assemblyscript/dist/asc.js`;
    step("Runtime tests on the latest AssemblyScript 0.28.x", [...nodeTest, "tests/runtime.test.js"],
      nodeSummary, { ...process.env, AS_ASC: asc });
  }
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
