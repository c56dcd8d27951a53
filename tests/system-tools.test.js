// The Debian packages the tests need are listed in scripts/system-tools.js, which probes them;
// .ci/run and the README's apt-get line must install exactly that list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { packages, missing, requireTool, TOOLS } from "../scripts/system-tools.js";

test("the README's apt-get line and .ci/run install exactly the packages of scripts/system-tools.js", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const m = /apt-get install --no-install-recommends \\\n([^`]+)```/.exec(readme);
  assert.ok(m, "the README has an apt-get install line");
  assert.deepEqual(m[1].replace(/\\\n/g, " ").trim().split(/\s+/).sort(), packages().sort());
  const ci = /^PACKAGES=\(([^)]*)\)/m.exec(readFileSync(new URL("../.ci/run", import.meta.url), "utf8"));
  assert.ok(ci, ".ci/run lists its packages");
  assert.deepEqual(ci[1].trim().split(/\s+/).sort(), packages().sort(), ".ci/run installs exactly the list");
});

test("a missing tool is named with its packages; an unknown tool is a TypeError", () => {
  // A tool whose probe fails, as a missing package's would.
  TOOLS.probeTest = { packages: ["pkg-a", "pkg-b"], use: "this test", probe: () => "/usr/bin/nothing is not installed" };
  try {
    const why = missing("probeTest");
    assert.match(why, /^\/usr\/bin\/nothing is not installed: this test needs Debian's pkg-a, pkg-b \(apt-get install pkg-a pkg-b/);
    assert.throws(() => requireTool("probeTest"), (e) => e.message.includes("apt-get install pkg-a pkg-b"));
  } finally {
    delete TOOLS.probeTest;
  }
  for (const name of Object.keys(TOOLS)) {
    const why = missing(name);
    if (why) for (const p of TOOLS[name].packages) assert.ok(why.includes(p), `${name}: "${why}" names ${p}`);
  }
  assert.throws(() => missing("cc"), TypeError);
});
