// The package as a user gets it: `npm pack`, then `npm install <tarball>` in a new project (no
// --ignore-scripts, so an install script that a consumer cannot run fails here), then every
// documented way in: the AssemblyScript library, the runtime, the JavaScript classes with a
// worker on a shared heap, the other-module host build, and a strict TypeScript consumer of
// the shipped .d.ts. `npm test` builds first; this packs what the build left (prepack skipped).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync, readFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { missing, requireTool } from "../scripts/system-tools.js";
import { ROOT, sh, packProject } from "./pack.js";

let pack;
let project;
let installed;
let write;

function ascBuild(entry, out, extra) {
  pack.asc([entry, "-o", out, "-O2", ...extra], `asc ${entry} ${extra.join(" ")}`);
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(join(project, out))), {
    env: { abort: (m, f, l, c) => { throw new Error(`abort at ${l}:${c}`); } },
  }).exports;
}

before(() => {
  pack = packProject();
  ({ project, installed, write } = pack);
  // As a user: the tarball and the AssemblyScript it compiles with; scripts run as they would.
  pack.npmInstall(["as-buddy"]);
});

after(() => {
  pack?.cleanup();
});

test("the package installs with its scripts, and runs none a consumer cannot", () => {
  const pkg = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
  for (const hook of ["preinstall", "install", "postinstall"]) {
    assert.equal(pkg.scripts?.[hook], undefined, `no ${hook} script: it would run in every consumer's install`);
  }
  // Every file the package's exports point at, and every module the bindings load, is there.
  const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t))).filter((t) => !t.includes("*"));
  for (const t of targets) assert.ok(existsSync(join(installed, t)), `exports target ${t} is in the package`);
  assert.equal(pkg.scripts?.prepare, undefined, "no prepare script: it names a file the package does not ship");
  for (const f of ["build/as-buddy.wasm", "build/as-buddy.threads.wasm", "build/as-buddy.host.wasm", "build/as-buddy.debug.wasm", "build/as-buddy.js", "c/as-buddy-malloc.c", "c/as-buddy.h"]) {
    assert.ok(existsSync(join(installed, f)), `${f} is in the package`);
  }
  assert.ok(!existsSync(join(installed, "tests")) && !existsSync(join(installed, "build/bench")), "no tests or benchmark builds shipped");
});

test("(a) an AssemblyScript program imports as-buddy/assembly and runs a heap", () => {
  write("assembly/lib.ts", `
import { BuddyHeap, ErrorCode } from "as-buddy/assembly";
export function run(): u32 {
  const base = <usize>memory.grow(4) << 16;
  const heap = BuddyHeap.init(base, 4 << 16);
  if (heap == null) return 1000 + <u32>BuddyHeap.initError;
  const p = heap.alloc(100);
  const q = heap.allocAligned(24, 4096);
  if (heap.usableSize(p) != 112 || (q & 4095) != 0) return 2; // a 112-byte slot; a 32-byte block at 4096
  if (heap.free(q) != ErrorCode.OK || heap.free(q) != ErrorCode.DOUBLE_FREE) return 3;
  heap.free(p);
  return heap.check() == ErrorCode.OK && heap.stats().usedBytes == 0 ? 0 : 4;
}
`);
  const e = ascBuild("assembly/lib.ts", "build/lib.wasm", ["--runtime", "stub"]);
  assert.equal(e.run(), 0);
});

test("(b) a program built with --runtime ./node_modules/as-buddy/assembly/runtime/incremental runs", () => {
  write("assembly/gc.ts", `
class Node { constructor(public value: i32, public next: Node | null) {} }
export function run(n: i32): i32 {
  let total = 0;
  for (let round = 0; round < 20; round++) {
    let head: Node | null = null;
    for (let i = 0; i < n; i++) head = new Node(i, head);
    const words = new Array<string>();
    for (let i = 0; i < n; i++) words.push("w" + i.toString());
    const m = new Map<string, i32>();
    for (let i = 0; i < n; i++) m.set(words[i], i);
    let h = head;
    while (h) { total += h.value; h = h.next; }
    total += m.get(words[n - 1]);
  }
  __collect();
  return total;
}
`);
  const e = ascBuild("assembly/gc.ts", "build/gc.wasm", ["--runtime", "./node_modules/as-buddy/assembly/runtime/incremental", "--exportRuntime"]);
  const n = 500;
  assert.equal(e.run(n), 20 * ((n * (n - 1)) / 2 + (n - 1)));
  assert.ok(e.memory.buffer.byteLength < 64 << 20, "the GC gave memory back to the heap");
});

test("(c) BuddyHeap, BuddyPool and a worker on BuddyHeap.createShared, from import 'as-buddy'", () => {
  write("main.js", `
import { BuddyHeap, BuddyPool, BuddyError, ErrorCode } from "as-buddy";
import { Worker } from "node:worker_threads";
const heap = await BuddyHeap.create({ maxPages: 64 });
const p = heap.alloc(1000);
heap.bytes(p, 1000).fill(7);
let code = -1;
try { heap.free(p); heap.free(p); } catch (e) { code = e instanceof BuddyError ? e.code : -2; }
const pool = await BuddyPool.create({ size: 1 << 20, minBuddy: 64 });
const a = pool.alloc(3000);
pool.free(a);
pool.check();
const shared = await BuddyHeap.createShared({ maxPages: 256 });
const usedBefore = shared.stats().usedBytes; // this instance's statistics record lives on the heap
const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: shared.shared });
const fromWorker = await new Promise((resolve, reject) => { worker.on("message", resolve); worker.on("error", reject); });
const u = shared.usableSize(fromWorker);
shared.free(fromWorker);
shared.check();
await worker.terminate();
const host = await WebAssembly.compile((await import("node:fs")).readFileSync(new URL("./node_modules/as-buddy/build/as-buddy.host.wasm", import.meta.url)));
const hostOk = WebAssembly.Module.exports(host).some((x) => x.name === "malloc");
console.log(JSON.stringify({ double: code === ErrorCode.DOUBLE_FREE, pool: a, u, used: shared.stats().usedBytes - usedBefore, hostOk }));
`);
  write("worker.js", `
import { BuddyHeap } from "as-buddy";
import { parentPort, workerData } from "node:worker_threads";
const heap = BuddyHeap.attach(workerData);
const p = heap.alloc(300);
heap.flushCache();
parentPort.postMessage(p);
`);
  const out = JSON.parse(sh(process.execPath, ["main.js"], project, "node main.js").trim().split("\n").pop());
  assert.deepEqual(out, { double: true, pool: 0, u: 512, used: 0, hostOk: true });
});

test("(d) a strict TypeScript consumer type-checks against the shipped .d.ts", () => {
  write("consumer.ts", `
import { BuddyHeap, BuddyPool, BuddyError, ErrorCode, instantiateGuest, type HeapStats, type PoolStats } from "as-buddy";
export async function main(): Promise<number> {
  const heap: BuddyHeap = await BuddyHeap.create({ minBlock: 32 });
  const same: BuddyHeap = await BuddyHeap.create(undefined, { maxPages: 10 });
  const p: number = heap.alloc(64);
  const s: HeapStats = heap.stats();
  const pool = await BuddyPool.create({ size: 1 << 20, minBuddy: 64 }, { maxPages: 64 });
  const ps: PoolStats = pool.stats();
  const f: Float64Array = heap.view(Float64Array, heap.allocAligned(80, 8), 10);
  try { heap.free(p); } catch (e) { if (e instanceof BuddyError && e.code === ErrorCode.DOUBLE_FREE) return 1; }
  return s.usedBytes + ps.totalBytes + f.length + same.stats().minBlock;
}
export async function guest(bytes: Uint8Array, wasi: import("node:wasi").WASI): Promise<number> {
  const { exports, heap } = await instantiateGuest(bytes, wasi.getImportObject());
  wasi.start({ exports });
  return heap.stats().allocs;
}
`);
  write("tsconfig.json", JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022", "DOM"], types: ["node"], typeRoots: [join(ROOT, "node_modules/@types")], strict: true, noEmit: true, skipLibCheck: false },
    files: ["consumer.ts"],
  }));
  sh(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], project, "tsc (strict consumer of the package)");
  // The check can fail: a wrong type in the consumer is an error against the same .d.ts.
  write("bad.ts", `import { BuddyHeap } from "as-buddy";\nexport const x: string = (await BuddyHeap.create()).alloc(1);\n`);
  writeFileSync(join(project, "tsconfig.json"), readFileSync(join(project, "tsconfig.json"), "utf8").replace('"consumer.ts"', '"bad.ts"'));
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."], { cwd: project, encoding: "utf8" });
  assert.notEqual(r.status, 0, "tsc rejects a number assigned to a string");
  assert.match(r.stdout, /TS2322/);
});

test("(e) a wasi-libc C program with the packaged c/as-buddy-malloc.c runs on instantiateGuest from 'as-buddy'", { skip: (!process.env.CI && missing("wasi-libc")) || false }, () => {
  requireTool("wasi-libc");
  write("prog.c", `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(void) {
  char *s = strdup("from the package");
  char **v = NULL;
  for (int i = 0; i < 1000; i++) { v = realloc(v, (i + 1) * sizeof *v); v[i] = malloc(32); snprintf(v[i], 32, "%d", i); }
  printf("%s %s\\n", s, v[999]);
  for (int i = 0; i < 1000; i++) free(v[i]);
  free(v); free(s);
  return 0;
}
`);
  sh("clang", ["--target=wasm32-wasi", "-O2", "prog.c", "node_modules/as-buddy/c/as-buddy-malloc.c", "-Wl,--import-memory", "-o", "prog.wasm"], project, "clang (the README's recipe)");
  write("run.js", `
import { WASI } from "node:wasi";
import { readFileSync } from "node:fs";
import { instantiateGuest } from "as-buddy";
const wasi = new WASI({ version: "preview1", returnOnExit: true });
const { exports, heap } = await instantiateGuest(readFileSync("prog.wasm"), wasi.getImportObject());
const code = wasi.start({ exports });
heap.check();
console.log(JSON.stringify({ code, allocs: heap.stats().allocs, used: heap.stats().usedBytes }));
`);
  const lines = sh(process.execPath, ["run.js"], project, "node run.js").trim().split("\n");
  assert.equal(lines[0], "from the package 999");
  const out = JSON.parse(lines.pop());
  assert.deepEqual({ code: out.code, used: out.used }, { code: 0, used: 0 });
  assert.ok(out.allocs > 1001, `the program's mallocs and strdup reached as-buddy (${out.allocs})`);
});

test("(f) two AssemblyScript modules on the packaged linked runtime share one heap; the host build resolves through the exports", () => {
  write("assembly/guest.ts", `
@external("as-buddy", "malloc") declare function malloc(size: usize): usize;
@external("as-buddy", "free") declare function free(ptr: usize): void;
let names = new Array<string>();
export function add(n: i32): i32 { for (let i = 0; i < n; i++) names.push("name " + i.toString()); return names.length; }
export function give(): usize { let p = malloc(64); store<u32>(p, 0xC0FFEE); return p; }
export function own(): usize { return heap.alloc(64); }
export function take(p: usize): u32 { let v = load<u32>(p); free(p); return v; }
`);
  for (const [name, base] of [["a", 8192], ["b", 65536]]) {
    sh(process.execPath, [join(project, "node_modules/assemblyscript/bin/asc.js"), "assembly/guest.ts", "-o", `build/${name}.wasm`, "-O2",
      "--runtime", "./node_modules/as-buddy/assembly/runtime/linked", "--importMemory", "--memoryBase", String(base)], project, `asc guest ${name}`);
  }
  write("guests.js", `
import { readFileSync } from "node:fs";
import { instantiateGuests } from "as-buddy";
const hostUrl = import.meta.resolve("as-buddy/build/as-buddy.host.wasm");
const { heap, guests: [a, b] } = await instantiateGuests(
  [{ module: readFileSync("build/a.wasm") }, { module: readFileSync("build/b.wasm") }], { host: new URL(hostUrl) });
a.exports.add(1000); b.exports.add(1000);
const v = b.exports.take(a.exports.give());
b.exports.take(a.exports.own()); // heap.alloc's blocks are the runtime's own (a 16-byte prefix): rejected, nothing changes
heap.check();
console.log(JSON.stringify({ v, allocs: heap.stats().allocs > 2000, rejected: heap.stats().rejectedFrees }));
`);
  const out = JSON.parse(sh(process.execPath, ["guests.js"], project, "node guests.js").trim().split("\n").pop());
  assert.deepEqual(out, { v: 0xC0FFEE, allocs: true, rejected: 1 });
});

test("the tarball holds what the files list says and nothing from the development tree", () => {
  const names = readdirSync(installed);
  assert.deepEqual(names.filter((n) => !["assembly", "bindings", "build", "c", "docs", "package.json", "README.md", "LICENSE", "LICENSE-MIT", "LICENSE-APACHE"].includes(n)), []);
});
