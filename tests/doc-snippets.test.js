// Every code block in README.md and docs/ that a user is told to run, run as written against
// the packed tarball (tests/pack.js): shell commands through bash in the project (with its
// node_modules/.bin on PATH), AssemblyScript compiled with the project's asc, TypeScript
// type-checked with tsc --strict and then run, JavaScript run with node. A block that needs
// names it does not define (a `base`, a `wasi`, the module's bytes) gets them from a prelude
// here, and an epilogue prints what the test then asserts; the block's own text is never
// edited. A block of another kind (a diagram, headers) has no language tag. Each labelled
// block must have a runner: a new block without one fails the first test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { missing } from "../scripts/system-tools.js";
import { ROOT, packProject } from "./pack.js";

/** The labelled fenced blocks of README.md and docs/*.md: { key, file, line, lang, code }. The
 *  key is the file and the block's first line, so that a runner follows its block. */
function blocks() {
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  const out = [];
  for (const file of files) {
    const text = readFileSync(join(ROOT, file), "utf8");
    // A block may be indented (inside a list item): its lines lose that indentation.
    for (const m of text.matchAll(/^( *)```(\S*)[^\n]*\n([\s\S]*?)^\1```/gm)) {
      if (!m[2]) continue;
      const code = m[3].split("\n").map((l) => l.slice(m[1].length)).join("\n");
      out.push({ key: `${file}: ${code.split("\n")[0].trim()}`, file, line: text.slice(0, m.index).split("\n").length, lang: m[2], code });
    }
  }
  return out;
}

const ALL = blocks();
const byKey = (prefix) => {
  const found = ALL.filter((b) => b.key.startsWith(prefix));
  assert.equal(found.length, 1, `one block starts ${prefix} (found ${found.length})`);
  return found[0];
};

let pack;
const needCxx = (!process.env.CI && missing("libc++")) || false;
const needClang = (!process.env.CI && missing("clang")) || false;

/** Runs a shell block line by line through bash in the project, `asc` and the rest of the
 *  project's bins on PATH. Comments after # are the shell's. */
function runShell(code, what) {
  const env = { ...process.env, PATH: `${join(pack.project, "node_modules/.bin")}:${process.env.PATH}` };
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", code], { cwd: pack.project, env, encoding: "utf8" });
  assert.equal(r.status, 0, `${what}:\n${code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Runs JavaScript (prelude + the block + epilogue) as an ES module in the project; returns
 *  the last line it printed, parsed as JSON, and all of stdout. */
function runJs(name, prelude, code, epilogue = "") {
  writeFileSync(join(pack.project, name), `${prelude}\n${code}\n${epilogue}\n`);
  const r = spawnSync(process.execPath, [name], { cwd: pack.project, encoding: "utf8" });
  assert.equal(r.status, 0, `node ${name}:\n${r.stdout}\n${r.stderr}`);
  const lines = r.stdout.trim().split("\n");
  let last = null;
  try { last = JSON.parse(lines[lines.length - 1]); } catch { /* not JSON */ }
  return { last, stdout: r.stdout };
}

/** Type-checks TypeScript (prelude + the block + epilogue) with tsc --strict, then runs it. */
function runTs(name, prelude, code, epilogue = "") {
  writeFileSync(join(pack.project, `${name}.ts`), `${prelude}\n${code}\n${epilogue}\n`);
  writeFileSync(join(pack.project, `tsconfig.${name}.json`), JSON.stringify({
    compilerOptions: {
      target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: ["node"],
      typeRoots: [join(ROOT, "node_modules/@types")], strict: true, outDir: "out", skipLibCheck: false,
    },
    files: [`${name}.ts`],
  }));
  const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", `tsconfig.${name}.json`], { cwd: pack.project, encoding: "utf8" });
  assert.equal(tsc.status, 0, `tsc --strict ${name}.ts:\n${tsc.stdout}\n${tsc.stderr}`);
  return runJs(`out/${name}.js`, "", readFileSync(join(pack.project, "out", `${name}.js`), "utf8"));
}

/** Compiles AssemblyScript (prelude + the block + epilogue) with the project's asc. */
function compileAs(name, prelude, code, epilogue, args) {
  writeFileSync(join(pack.project, `${name}.ts`), `${prelude}\n${code}\n${epilogue}\n`);
  pack.asc([`${name}.ts`, "-o", `${name}.wasm`, ...args]);
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(pack.project, `${name}.wasm`))), {
    env: { abort: (m, f, l, c) => { throw new Error(`abort in ${name} at ${l}:${c}`); } },
  }).exports;
}

/** An AssemblyScript program on the linked runtime, for the several-modules recipes. */
const LINKED_GUEST = `
@external("as-buddy", "malloc") declare function malloc(size: usize): usize;
@external("as-buddy", "free") declare function free(ptr: usize): void;
let words = new Array<string>();
export function grow(n: i32): i32 { for (let i = 0; i < n; i++) words.push("word " + i.toString()); return words.length; }
export function give(): usize { let p = malloc(32); store<u32>(p, 0xC0FFEE); return p; }
export function take(p: usize): u32 { let v = load<u32>(p); free(p); return v; }
`;

const GUESTS_CHECK = `
a.exports.grow(1000); b.exports.grow(1000);
const value = b.exports.take(a.exports.give());
heap.check();
console.log(JSON.stringify({ value, allocs: heap.stats().allocs, rejected: heap.stats().rejectedFrees }));`;

const C_PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  char **v = malloc(100 * sizeof *v);
  for (int i = 0; i < 100; i++) { v[i] = malloc(16); snprintf(v[i], 16, "%d", i); }
  printf("%s\\n", v[99]);
  for (int i = 0; i < 100; i++) free(v[i]);
  free(v);
  return 0;
}
`;

const CXX_PROGRAM = `#include <map>
#include <string>
#include <vector>
#include <cstdio>
int main() {
  std::map<std::string, std::vector<int>> index;
  for (int i = 0; i < 1000; i++) index["k" + std::to_string(i % 50)].push_back(i);
  std::printf("%zu %zu\\n", index.size(), index["k7"].size());
  return 0;
}
`;

/** What the package's .ci/run installs: the apt-get blocks must list the same packages. */
function ciPackages() {
  const run = readFileSync(join(ROOT, ".ci/run"), "utf8");
  return run.match(/^PACKAGES=\(([^)]*)\)/m)[1].trim().split(/\s+/);
}

/** Runners, by block key. Each is a test; `skip` names a system tool it needs. */
const RUNNERS = {
  "README.md: npm install as-buddy": {
    // Run in before(): every other runner uses the project it sets up.
    run: () => assert.ok(existsSync(join(pack.installed, "package.json")), "the tarball is installed"),
  },
  "README.md: npm install": {
    what: "names only npm scripts and bench flags this repository has (CI runs npm install and npm test as written)",
    run: (b) => {
      const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
      for (const [, name] of b.code.matchAll(/npm (?:run )?(test|start|build|bench)\b/g)) assert.ok(scripts[name], `npm script ${name}`);
      const usage = readFileSync(join(ROOT, "scripts/bench.js"), "utf8").split("\n")[0];
      for (const [, flag] of b.code.matchAll(/ (--[a-z]+)=/g)) assert.ok(usage.includes(flag), `scripts/bench.js takes ${flag}`);
    },
  },
  "README.md: apt-get update": { what: "lists the packages .ci/run installs", run: (b) => assert.deepEqual(b.code.replace(/\\\n/g, " ").split("--no-install-recommends")[1].trim().split(/\s+/), ciPackages()) },
  "docs/testing.md: apt-get update": { what: "lists the packages .ci/run installs", run: (b) => assert.deepEqual(b.code.replace(/\\\n/g, " ").split("--no-install-recommends")[1].trim().split(/\s+/), ciPackages()) },
  "README.md: import { BuddyHeap, ErrorCode } from \"as-buddy/assembly\";": {
    run: (b) => {
      const e = compileAs("readme-as", "const base: usize = <usize>memory.grow(2) << 16;\nconst size: usize = 2 << 16;", b.code,
        "export function used(): u32 { return <u32>heap.stats().usedBytes; }\nexport function at(): usize { return p; }", ["--runtime", "stub"]);
      assert.equal(e.at() % 4096, 0, "a 4 KiB block aligned to 4 KiB");
      assert.equal(e.used(), 0, "and freed");
    },
  },
  "README.md: { \"options\": { \"runtime\": \"./node_modules/as-buddy/assembly/runtime/incremental\" } }": {
    what: "as asconfig.json, puts a program on as-buddy's runtime (docs/assemblyscript.md's runtimeHeap block is the program)",
    run: (b) => {
      writeFileSync(join(pack.project, "asconfig.json"), b.code);
      const program = byKey("docs/assemblyscript.md: import { runtimeHeap }").code;
      const e = compileAs("asconfig-runtime", "", program, "export function used(): u32 { return <u32>s.usedBytes; }\nexport function keep(): string { return \"x\".repeat(100); }", ["--config", "asconfig.json"]);
      e.keep();
      assert.equal(typeof e.used(), "number", "runtimeHeap() compiled: only as-buddy's runtimes have it");
    },
  },
  "docs/assemblyscript.md: { \"options\": { \"runtime\": \"./node_modules/as-buddy/assembly/runtime/incremental\" } }": {
    what: "is the README's asconfig line", run: (b) => assert.equal(b.code, byKey("README.md: { \"options\"").code),
  },
  "docs/assemblyscript.md: import { runtimeHeap }": {
    what: "compiles and checks its heap on as-buddy's runtime; on AssemblyScript's own it does not compile",
    run: (b) => {
      const e = compileAs("runtime-heap", "", b.code, "export function used(): u32 { return <u32>s.usedBytes; }", ["--runtime", "./node_modules/as-buddy/assembly/runtime/incremental"]);
      assert.ok(e.used() >= 0);
      writeFileSync(join(pack.project, "runtime-heap-tlsf.ts"), b.code);
      const r = spawnSync(process.execPath, [join(pack.project, "node_modules/assemblyscript/bin/asc.js"), "runtime-heap-tlsf.ts", "-o", "x.wasm", "--runtime", "incremental"], { cwd: pack.project, encoding: "utf8" });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /runtimeHeap\(\) needs a compiled-in as-buddy runtime/);
    },
  },
  "docs/assemblyscript.md: import { BuddyHeap, ErrorCode } from \"as-buddy/assembly\";": {
    run: (b) => {
      const e = compileAs("as-demo", "", b.code,
        "export function after(base: usize): u32 { const h = BuddyHeap.at(base); return h ? <u32>h.stats().usedBytes * 100 + h.stats().regionCount : 0xFFFFFFFF; }",
        ["--runtime", "stub", "--initialMemory", "4"]);
      e.demo(65536, 65536, 3 << 16, 65536);
      assert.equal(e.after(65536), 2, "every block it took is back (0 used), and the added region is the heap's second");
    },
  },
  "README.md: import { BuddyHeap } from \"as-buddy\";": {
    run: (b) => {
      const { last } = runTs("readme-js", "", b.code, "console.log(JSON.stringify(heap.stats()));");
      assert.equal(last.usedBytes, 0, "the block was freed");
      assert.ok(last.allocs >= 1);
    },
  },
  "docs/javascript.md: import { BuddyHeap, BuddyError, ErrorCode } from \"as-buddy\";": {
    what: "type-checks, runs, and prints what its comment says",
    run: (b) => {
      const { stdout } = runTs("javascript-md", "", b.code);
      const said = b.code.match(/\/\/ (true "[^"]+")/)[1];
      assert.ok(stdout.startsWith(said.replace(/^true "(.*)"$/, "true $1")), `printed ${stdout.split("\n")[0]}; the comment says ${said}`);
    },
  },
  "README.md: const pool = await BuddyPool.create": {
    run: (b) => {
      const { last } = runTs("readme-pool", 'import { BuddyPool } from "as-buddy";', b.code, "console.log(JSON.stringify({ offset, size: pool.usableSize(offset) }));");
      assert.equal(last.offset % 1024, 0, "a 1024-aligned offset");
      assert.equal(last.size, 1024, "a 1024-byte block");
    },
  },
  "docs/pool.md: import { BuddyPool, BuddyPoolError, PoolError } from \"as-buddy\";": {
    run: (b) => {
      const { last } = runTs("pool-md", "", b.code, "console.log(JSON.stringify({ again: pool.tryFreeHandle(h), stale: PoolError.STALE_HANDLE, used: pool.stats().usedBytes }));");
      assert.equal(last.again, last.stale, "the handle is stale after its free, as the comment says");
      assert.equal(last.used, 0);
    },
  },
  "README.md: const heap = await BuddyHeap.createShared": {
    what: "runs with a worker that attaches",
    run: (b) => {
      writeFileSync(join(pack.project, "worker.js"), 'import { BuddyHeap } from "as-buddy";\nimport { workerData } from "node:worker_threads";\n' +
        "const heap = BuddyHeap.attach(workerData);\nconst p = heap.alloc(100);\nheap.free(p);\nheap.flushCache();\nconsole.log(JSON.stringify({ attached: true, same: heap.memory.buffer.byteLength > 0 }));\n");
      const { last } = runJs("readme-shared.mjs", 'import { BuddyHeap } from "as-buddy";\nimport { Worker } from "node:worker_threads";', b.code);
      assert.deepEqual(last, { attached: true, same: true }, "the worker attached to the heap");
    },
  },
  "docs/threads.md: // main thread": {
    what: "runs, its worker part as worker.js",
    run: (b) => {
      const [main, worker] = b.code.split("// worker.js");
      writeFileSync(join(pack.project, "worker.js"), 'import { BuddyHeap } from "as-buddy";\nimport { workerData } from "node:worker_threads";\n' +
        `${worker}\nheap.flushCache();\nconsole.log(JSON.stringify({ p, usable: heap.usableSize(p) }));\n`);
      const { last } = runJs("threads-md.mjs", 'import { BuddyHeap } from "as-buddy";\nimport { Worker } from "node:worker_threads";', main);
      assert.ok(last.p > 0 && last.usable >= 100, JSON.stringify(last));
    },
  },
  "docs/viewer.md: import { renderSvg } from \"as-buddy\";": {
    run: (b) => {
      const { last } = runJs("viewer-md.mjs", 'import { BuddyHeap } from "as-buddy";\nimport { writeFileSync, readFileSync } from "node:fs";\nconst heap = await BuddyHeap.create();\nheap.alloc(1 << 16); heap.alloc(1 << 17);',
        b.code, 'console.log(JSON.stringify({ svg: readFileSync("heap.svg", "utf8").startsWith("<svg"), used: snap.blocks.filter((x) => x.state === "used").length }));');
      assert.deepEqual(last, { svg: true, used: 2 });
    },
  },
  "docs/javascript.md: import loader from \"@assemblyscript/loader\";": {
    run: (b) => {
      pack.npmInstall(["@assemblyscript/loader@0.28.20"]);
      const { last } = runJs("loader-md.mjs", 'import { BuddyHeap } from "as-buddy";\nimport { readFileSync } from "node:fs";\nconst bytes = readFileSync("node_modules/as-buddy/build/as-buddy.wasm");',
        b.code, "console.log(JSON.stringify({ p, same: heap.usableSize(p) }));");
      assert.ok(last.p > 0 && last.same >= 100, "the typed class sees the loader's block");
    },
  },
  "README.md: clang++ --target=wasm32-wasi": {
    skip: needCxx,
    run: (b) => {
      writeFileSync(join(pack.project, "prog.cpp"), CXX_PROGRAM);
      runShell(b.code, "the README's C++ build");
    },
  },
  "README.md: const { exports, heap } = await instantiateGuest": {
    skip: needCxx,
    what: "runs the README's C++ build on as-buddy's heap",
    run: (b) => {
      const { last, stdout } = runJs("readme-guest.mjs", 'import { WASI } from "node:wasi";\nimport { readFileSync } from "node:fs";\nimport { instantiateGuest } from "as-buddy";\nconst wasi = new WASI({ version: "preview1", returnOnExit: true });',
        b.code, "heap.check();\nconsole.log(JSON.stringify({ allocs: heap.stats().allocs }));");
      assert.match(stdout, /^50 20$/m, "the program's output");
      assert.ok(last.allocs > 100, `its allocations are on as-buddy's heap (${last.allocs})`);
    },
  },
  "docs/other-modules.md: clang --target=wasm32-wasi -O2 -c node_modules/as-buddy/c/as-buddy-malloc.c": {
    skip: needCxx,
    run: (b) => {
      writeFileSync(join(pack.project, "prog.c"), C_PROGRAM);
      writeFileSync(join(pack.project, "prog.cpp"), CXX_PROGRAM);
      runShell(b.code, "the two-step C and C++ builds");
    },
  },
  "docs/other-modules.md: import { WASI } from \"node:wasi\";": {
    skip: needCxx,
    what: "runs the program the two-step recipe built last (the C++ one)",
    run: (b) => {
      const { stdout } = runJs("other-modules-wasi.mjs", "", b.code);
      const [out, allocs] = stdout.trim().split("\n");
      assert.equal(out, "50 20");
      assert.ok(Number(allocs) > 100, `allocations on as-buddy's heap: ${allocs}`);
    },
  },
  "docs/other-modules.md: asc a.ts --runtime ./node_modules/as-buddy/assembly/runtime/linked": {
    skip: needClang,
    what: "builds two AssemblyScript guests and a C guest",
    run: (b) => {
      writeFileSync(join(pack.project, "a.ts"), LINKED_GUEST);
      writeFileSync(join(pack.project, "b.ts"), LINKED_GUEST);
      writeFileSync(join(pack.project, "c.c"), 'int table[1000] = {1};\n__attribute__((export_name("sum"))) int sum(void) { int s = 0; for (int i = 0; i < 1000; i++) s += table[i]; return s; }\n');
      runShell(b.code, "the several-modules builds");
    },
  },
  "docs/other-modules.md: import { readFileSync } from \"node:fs\";": {
    skip: needClang,
    run: (b) => {
      writeFileSync(join(pack.project, "a-ext.ts"), `${LINKED_GUEST}\nexport function makeMessage(i: i32): usize { let p = malloc(8); store<i32>(p, i); return p; }\n`);
      writeFileSync(join(pack.project, "b-ext.ts"), `${LINKED_GUEST}\nexport function takeMessage(p: usize): i32 { let v = load<i32>(p); free(p); return v; }\n`);
      // The block names makeMessage and takeMessage: a.wasm and b.wasm get them, built as the block above says.
      const build = byKey("docs/other-modules.md: asc a.ts").code.replace(/asc a\.ts/, "asc a-ext.ts").replace(/asc b\.ts/, "asc b-ext.ts");
      runShell(build, "the several-modules builds, with makeMessage/takeMessage");
      const { last } = runJs("other-modules-guests.mjs", "", b.code, "console.log(JSON.stringify({ used: heap.stats().usedBytes, rejected: heap.stats().rejectedFrees, c: c.exports.sum() }));");
      assert.deepEqual({ rejected: last.rejected, c: last.c }, { rejected: 0, c: 1 }, "B freed A's block; C's data intact");
    },
  },
  "docs/assemblyscript.md: asc a.ts --runtime ./node_modules/as-buddy/assembly/runtime/linked": {
    run: (b) => {
      writeFileSync(join(pack.project, "a.ts"), LINKED_GUEST);
      writeFileSync(join(pack.project, "b.ts"), LINKED_GUEST);
      runShell(b.code, "the linked runtime builds");
    },
  },
  "docs/assemblyscript.md: const { heap, guests: [a, b] } = await instantiateGuests": {
    run: (b) => {
      const { last } = runJs("as-md-guests.mjs", 'import { readFileSync } from "node:fs";\nimport { instantiateGuests } from "as-buddy";', b.code, GUESTS_CHECK);
      assert.equal(last.value, 0xC0FFEE);
      assert.equal(last.rejected, 0);
      assert.ok(last.allocs > 2000);
    },
  },
  "README.md: const { heap, guests: [a, b] } = await instantiateGuests": {
    what: "runs on the modules the linked runtime's asc lines build",
    run: (b) => {
      runShell(byKey("docs/assemblyscript.md: asc a.ts").code, "the linked runtime builds");
      const { last } = runJs("readme-guests.mjs", 'import { readFileSync } from "node:fs";\nimport { instantiateGuests } from "as-buddy";\nconst aBytes = readFileSync("a.wasm");\nconst bBytes = readFileSync("b.wasm");', b.code, GUESTS_CHECK);
      assert.equal(last.value, 0xC0FFEE);
    },
  },
  "docs/other-modules.md: // guest.c: clang": {
    skip: needClang,
    what: "compiles with the command in its first lines",
    run: (b) => {
      writeFileSync(join(pack.project, "guest.c"), b.code);
      const command = b.code.split("\n").filter((l) => l.startsWith("//")).map((l) => l.replace(/^\/\/( guest\.c:)?\s*/, "")).join("\n");
      runShell(command, "the freestanding guest's build");
    },
  },
  "docs/other-modules.md: const buddy = new WebAssembly.Instance": {
    skip: needClang,
    what: "instantiates the freestanding guest by hand and runs it",
    run: (b) => {
      const { last } = runJs("by-hand.mjs", 'import { readFileSync } from "node:fs";\nconst hostBytes = readFileSync("node_modules/as-buddy/build/as-buddy.host.wasm");\nconst guestBytes = readFileSync("guest.wasm");',
        b.code, "console.log(JSON.stringify({ demo: guest.exports.demo(), check: buddy.exports.buddy_check() }));");
      assert.deepEqual(last, { demo: 0, check: 0 });
    },
  },
};

before(() => {
  pack = packProject();
  // The README's install line, as written: "as-buddy" is the tarball here.
  const line = byKey("README.md: npm install as-buddy").code.split("#")[0].trim().split(/\s+/);
  assert.deepEqual(line.slice(0, 2), ["npm", "install"]);
  pack.npmInstall(line.slice(2));
});

after(() => pack?.cleanup());

/** The runner of a block: the longest runner key its key starts with. */
function runnerOf(b) {
  const k = Object.keys(RUNNERS).filter((k) => b.key.startsWith(k)).sort((x, y) => y.length - x.length)[0];
  return k && RUNNERS[k];
}

test("every labelled code block in README.md and docs/ has a runner here", () => {
  const unrun = ALL.filter((b) => !runnerOf(b)).map((b) => `${b.file}:${b.line} ${b.key}`);
  assert.deepEqual(unrun, [], "blocks no test runs: add a runner, or drop the language tag if it is not code to run");
  const used = new Set(ALL.map(runnerOf));
  const stale = Object.keys(RUNNERS).filter((k) => !used.has(RUNNERS[k]));
  assert.deepEqual(stale, [], "runners whose block is gone");
});

// In document order within each file, so that a block that builds what a later one runs comes first.
const ORDER = ["README.md: npm install as-buddy", "docs/assemblyscript.md: asc a.ts", "docs/other-modules.md: clang --target", "README.md: clang++"];
const ordered = [...ALL].sort((x, y) => {
  const rank = (b) => { const i = ORDER.findIndex((k) => b.key.startsWith(k)); return i < 0 ? ORDER.length : i; };
  return rank(x) - rank(y);
});
for (const b of ordered) {
  const runner = runnerOf(b);
  if (!runner) continue;
  test(`${b.file}:${b.line} (${b.lang}) ${runner.what ?? "runs as written"}`, { skip: runner.skip }, () => runner.run(b));
}
