// Real C and C++ programs on as-buddy's malloc (docs/other-modules.md, "C and C++ programs"): built with clang
// for wasm32-wasi against wasi-libc (and libc++), with c/as-buddy-malloc.c linked in, run by
// instantiateGuest on the host build, their output compared with the same programs on
// wasi-libc's own malloc (dlmalloc), and the heap checked afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync, openSync, closeSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { instantiateGuest, memoryImportMinimum, ErrorCode } from "../bindings/dist/index.js";
import { missing, requireTool } from "../scripts/system-tools.js";
import { classSize } from "./model.js";

const OUT = fileURLToPath(new URL("../build/test/cprograms/", import.meta.url));
mkdirSync(OUT, { recursive: true });
const SRC = fileURLToPath(new URL("./cprograms/", import.meta.url));
const SHIM = fileURLToPath(new URL("../c/as-buddy-malloc.c", import.meta.url));
const STACK = ["-Wl,-z,stack-size=1048576"];

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  assert.equal(r.status, 0, `${cmd} ${args.join(" ")}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Builds `file` twice: on as-buddy (the README's recipe) and on wasi-libc's dlmalloc. Returns
 *  both paths and the linker's trace of the as-buddy build (every input file it took). */
function build(file) {
  const cxx = file.endsWith(".cpp");
  const name = file.replace(/\.\w+$/, "");
  const compiler = cxx ? "clang++" : "clang";
  // contract.c reads errno after malloc: clang assumes the allocation functions touch no
  // memory the program sees (errno included) unless told they are not builtins.
  const flags = ["--target=wasm32-wasi", "-O2", ...(cxx ? ["-fno-exceptions"] : []), ...(name === "contract" ? ["-fno-builtin"] : [])];
  const shim = `${OUT}as-buddy-malloc.o`;
  run("clang", ["--target=wasm32-wasi", "-O2", "-c", SHIM, "-o", shim]);
  const buddy = `${OUT}${name}.as-buddy.wasm`;
  const trace = run(compiler, [...flags, `${SRC}${file}`, shim, "-Wl,--import-memory", ...STACK, "-Wl,--trace", "-o", buddy]);
  const libc = `${OUT}${name}.dlmalloc.wasm`;
  run(compiler, [...flags, `${SRC}${file}`, ...STACK, "-o", libc]);
  return { buddy, libc, trace };
}

/** Runs a WASI command; returns its exit code, stdout and stderr. `instantiate(imports)` gives
 *  the instance's exports (with memory). */
async function runWasi(tag, instantiate, args = []) {
  const files = { stdout: `${OUT}${tag}.stdout`, stderr: `${OUT}${tag}.stderr` };
  const fds = { stdout: openSync(files.stdout, "w"), stderr: openSync(files.stderr, "w") };
  const wasi = new WASI({ version: "preview1", args: [tag, ...args], ...fds, returnOnExit: true });
  let code, error;
  try {
    const exports = await instantiate(wasi.getImportObject());
    code = wasi.start({ exports });
  } catch (e) {
    error = e;
  } finally {
    closeSync(fds.stdout);
    closeSync(fds.stderr);
  }
  return { code, error, stdout: readFileSync(files.stdout, "utf8"), stderr: readFileSync(files.stderr, "utf8") };
}

async function onBuddy(path, tag, args = []) {
  let guest;
  const result = await runWasi(`${tag}.as-buddy`, async (imports) => {
    guest = await instantiateGuest(readFileSync(path), imports);
    return guest.exports;
  }, args);
  return { ...result, guest };
}

async function onLibc(path, tag) {
  return runWasi(`${tag}.dlmalloc`, async (imports) =>
    (await WebAssembly.instantiate(readFileSync(path), imports)).instance.exports);
}

/** The as-buddy build took no allocator from libc: no dlmalloc.o among the linker's inputs,
 *  and its allocator calls are imports from "as-buddy". */
function assertNoLibcMalloc({ buddy, trace }) {
  assert.match(trace, /libc\.a\(/, "the trace lists the libc members the link took");
  assert.doesNotMatch(trace, /dlmalloc\.o/, "wasi-libc's dlmalloc was not linked");
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(buddy)));
  const fromBuddy = imports.filter((i) => i.module === "as-buddy").map((i) => i.name);
  assert.ok(fromBuddy.includes("malloc") && fromBuddy.includes("free"), `imports from as-buddy: ${fromBuddy}`);
  assert.deepEqual(imports.filter((i) => i.module === "env").map((i) => i.name), ["memory"]);
}

/** What wasi-libc keeps allocated for a main(argc, argv) program: argv's pointer array and its
 *  strings, two blocks it never frees (contract.c takes argv; the other programs do not). */
function argvBytes(args) {
  return classSize(4 * (args.length + 1)) + classSize(args.reduce((n, a) => n + a.length + 1, 0));
}

const needC = { skip: (!process.env.CI && missing("wasi-libc")) || false };
const needCxx = { skip: (!process.env.CI && missing("libc++")) || false };

test("a C program with libc, a 1 MiB stack and 200 KiB of static data runs on as-buddy's malloc", needC, async () => {
  requireTool("wasi-libc");
  const b = build("words.c");
  assertNoLibcMalloc(b);
  const pages = memoryImportMinimum(readFileSync(b.buddy));
  assert.ok(pages * 65536 > (1 << 20) + 200 * 1024, `the guest needs ${pages} pages: its data and stack alone are over 1.2 MiB`);
  const libc = await onLibc(b.libc, "words");
  const mine = await onBuddy(b.buddy, "words");
  assert.equal(libc.code, 0, libc.stderr);
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.match(libc.stdout, /^unique \d+ of 60000/);
  assert.equal(mine.stdout, libc.stdout, "the same output as on wasi-libc's malloc");
  const { heap } = mine.guest;
  const root = heap.exports.buddy_root() >>> 0;
  assert.ok(root >= (1 << 20) + 200 * 1024, `the heap (control block at ${root}) starts above the guest's data and stack`);
  const s = heap.stats();
  assert.ok(s.allocs > 10000, `the program's allocations were as-buddy's (${s.allocs})`);
  assert.equal(s.usedBytes, 0, "the program freed everything it took");
  heap.check();
});

test("a C++ program with std::vector, std::string, std::map and std::unique_ptr runs on as-buddy's malloc", needCxx, async () => {
  requireTool("libc++");
  const b = build("inventory.cpp");
  assertNoLibcMalloc(b);
  const libc = await onLibc(b.libc, "inventory");
  const mine = await onBuddy(b.buddy, "inventory");
  assert.equal(libc.code, 0, libc.stderr);
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.match(libc.stdout, /^items \d+, indexed \d+, moves \d+\n/);
  assert.equal(mine.stdout, libc.stdout, "the same output as on wasi-libc's malloc");
  const s = mine.guest.heap.stats();
  assert.ok(s.allocs > 20000, `operator new reached as-buddy (${s.allocs} allocations)`);
  mine.guest.heap.check();
});

test("malloc, posix_memalign, aligned_alloc, realloc and errno keep the C contracts", needC, async () => {
  requireTool("wasi-libc");
  const b = build("contract.c");
  assertNoLibcMalloc(b);
  const mine = await onBuddy(b.buddy, "contract");
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.equal(mine.stdout, [
    "posix_memalign(3): EINVAL, out kept 1",
    "posix_memalign(2): EINVAL",
    "posix_memalign(4096, 3 GiB): ENOMEM, out kept 1",
    "posix_memalign(4096, 100): 0, aligned 1",
    "malloc(3 GiB): NULL, errno ENOMEM 1",
    "calloc overflow: NULL, errno ENOMEM 1",
    "aligned_alloc(64, 100): aligned 1, usable 1",
    "malloc(0): unique block",
    "realloc kept \"as-buddy\", usable 1",
    "realloc(p, 3 GiB): NULL, errno ENOMEM 1, p kept \"as-buddy\"",
    "realloc(p, 0): block, errno 0", // as wasi-libc's dlmalloc: p freed, a minimum block back
    "done",
    "",
  ].join("\n"));
  const libc = await onLibc(b.libc, "contract");
  assert.equal(libc.stdout, mine.stdout, "wasi-libc's dlmalloc prints the same");
  assert.equal(mine.guest.heap.stats().usedBytes, argvBytes(["contract.as-buddy"]), "all freed but libc's argv");
  mine.guest.heap.check();
});

test("misuse from C (realloc or free of a pointer that is no live block) gets NULL and EINVAL, nothing lost", needC, async () => {
  requireTool("wasi-libc");
  const b = build("contract.c");
  const mine = await onBuddy(b.buddy, "contract-misuse", ["misuse"]);
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.equal(mine.stdout, [
    "realloc(interior, 0): NULL, errno EINVAL 1",
    "realloc(interior, 200): NULL, errno EINVAL 1",
    "p still usable: 1",
    "aligned_alloc(3, 100): NULL, errno EINVAL 1",
    "done",
    "",
  ].join("\n"));
  const s = mine.guest.heap.stats();
  assert.equal(s.usedBytes, argvBytes(["contract-misuse.as-buddy", "misuse"]), "the one block was freed once (libc's argv stays); the bad calls freed nothing");
  assert.equal(s.rejectedFrees, 4, "two reallocs, a free of the interior pointer and a double free, rejected");
  mine.guest.heap.check();
});

test("the README's one-line C++ build puts every allocation on as-buddy's heap; built as C++, the file refuses to compile", needCxx, async () => {
  requireTool("libc++");
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const line = readme.split("\n").find((l) => l.startsWith("clang++ ") && l.includes("as-buddy-malloc.c"));
  assert.ok(line, "README.md has the one-line C++ build");
  const args = line.split(/\s+/).slice(1).map((a) => a === "prog.cpp" ? `${SRC}inventory.cpp`
    : a === "prog.wasm" ? `${OUT}readme-oneliner.wasm` : a.replace("node_modules/as-buddy/", fileURLToPath(new URL("../", import.meta.url))));
  run("clang++", args);
  const mine = await onBuddy(`${OUT}readme-oneliner.wasm`, "readme-oneliner");
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.ok(mine.guest.heap.stats().allocs > 1000, `the program's allocations are on as-buddy's heap: ${mine.guest.heap.stats().allocs}`);
  mine.guest.heap.check();
  // The command as the README gave it before (no -x c): as C++ the file's malloc would get a
  // mangled name and dlmalloc would run; the file stops that build with an #error.
  const wrong = spawnSync("clang++", args.filter((a) => a !== "-x" && a !== "c"), { encoding: "utf8" });
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /must be compiled as C/);
});

test("instantiateGuest places the heap above the program before it runs: using the heap first is safe", needC, async () => {
  requireTool("wasi-libc");
  const b = build("contract.c");
  const mine = await runWasi("contract.early", async (imports) => {
    const guest = await instantiateGuest(readFileSync(b.buddy), imports);
    guest.heap.free(guest.heap.alloc(100)); // sets the heap up before the program's first allocation
    assert.ok(guest.heap.stats().totalBytes > 0);
    return guest.exports;
  });
  assert.equal(mine.code, 0, `${mine.stderr} ${mine.error ?? ""}`);
  assert.match(mine.stdout, /^malloc\(0\)/m, "the program ran to its end");
});

test("a heap set up below the program by hand stops it with a message, not silent overlap", needC, async () => {
  requireTool("wasi-libc");
  const b = build("contract.c");
  const bytes = readFileSync(b.buddy);
  const mine = await runWasi("contract.byhand", async (imports) => {
    const host = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("../build/as-buddy.host.wasm", import.meta.url))), {});
    host.exports.free(host.exports.malloc(100)); // the heap, at the host build's own start (64 KiB), below the program's stack
    const memory = host.exports.memory;
    memory.grow(memoryImportMinimum(bytes) - (memory.buffer.byteLength >>> 16));
    const guest = new WebAssembly.Instance(new WebAssembly.Module(bytes), { ...imports, env: { memory }, "as-buddy": host.exports });
    return { ...guest.exports, memory };
  });
  assert.ok(mine.error instanceof WebAssembly.RuntimeError, `trapped: ${mine.error}`);
  assert.match(mine.stderr, /as-buddy's heap was set up before this program's first allocation/);
});

test("buddy_set_heap_start: the heap starts above the highest start given; once set up, a higher one is refused", async () => {
  const host = await WebAssembly.instantiate(readFileSync(new URL("../build/as-buddy.host.wasm", import.meta.url)), {});
  const e = host.instance.exports;
  assert.equal(e.buddy_set_heap_start(0), ErrorCode.BAD_REGION);
  assert.equal(e.buddy_set_heap_start(0xffff0001), ErrorCode.BAD_REGION);
  assert.equal(e.buddy_set_heap_start(3 << 20 | 5), ErrorCode.OK, "a start past memory: memory grows to it");
  assert.equal(e.buddy_set_heap_start(1 << 20), ErrorCode.OK, "a lower start (another guest's) keeps the higher");
  const p = e.malloc(100) >>> 0;
  assert.ok(p > 3 << 20, "the heap is above the highest start");
  assert.equal(e.buddy_set_heap_start(3 << 20 | 5), ErrorCode.OK, "the same start again");
  assert.equal(e.buddy_set_heap_start((3 << 20) + 16), ErrorCode.OK, "the same start once aligned");
  assert.equal(e.buddy_set_heap_start(2 << 20), ErrorCode.OK, "a guest below the heap");
  assert.equal(e.buddy_set_heap_start((3 << 20) + 17), ErrorCode.ALREADY_INITIALIZED, "the heap is below this start");
  assert.equal(e.buddy_check(), ErrorCode.OK);
  const t = await WebAssembly.instantiate(readFileSync(new URL("../build/as-buddy.threads.wasm", import.meta.url)), {
    env: { memory: new WebAssembly.Memory({ initial: 2, maximum: 16384, shared: true }) },
  });
  assert.equal(t.instance.exports.buddy_set_heap_start(1 << 20), ErrorCode.BAD_CONFIG, "the threads build's layout is fixed");
});

test("instantiateGuest rejects what is not a guest with a TypeError", async () => {
  await assert.rejects(instantiateGuest("prog.wasm"), /guest must be the module's bytes/);
  await assert.rejects(instantiateGuest(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), /not a WebAssembly module/);
  const own = readFileSync(new URL("../build/as-buddy.wasm", import.meta.url));
  await assert.rejects(instantiateGuest(own), /does not import env.memory/);
  await assert.rejects(instantiateGuest(new Uint8Array(8), null), /imports must be an object/);
  await assert.rejects(instantiateGuest(own, {}, { stack: 1 }), /unknown option options.stack/);
});

test("c/as-buddy.h's error codes are the module's", () => {
  const header = readFileSync(new URL("../c/as-buddy.h", import.meta.url), "utf8");
  const defined = [...header.matchAll(/#define AS_BUDDY_([A-Z_]+) (\d+)/g)];
  assert.ok(defined.length >= 5);
  for (const [, name, value] of defined) assert.equal(Number(value), ErrorCode[name], `AS_BUDDY_${name}`);
});
