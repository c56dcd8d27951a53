// Other WebAssembly modules use as-buddy as their allocator: they import malloc/free/realloc
// from the as-buddy module and share its memory. These guests do not call buddy_set_heap_start,
// so the host build (build/as-buddy.host.wasm) starts its heap at 64 KiB, leaving [0, 64 KiB)
// to the guest's static data and stack (tests/cprograms.test.js: guests of any size).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import asc from "assemblyscript/asc";
import { BuddyHeap, ErrorCode, instantiateGuest, instantiateGuests, GuestHost, GuestLayoutError, guestLayout } from "../bindings/dist/index.js";
import { missing, requireTool } from "../scripts/system-tools.js";
import { CHECKED_RUN } from "./support.js";

const OUT = fileURLToPath(new URL("../build/test/crossmodule/", import.meta.url));
mkdirSync(OUT, { recursive: true });

async function host() {
  const module = new WebAssembly.Module(readFileSync(new URL("../build/as-buddy.host.wasm", import.meta.url)));
  const instance = new WebAssembly.Instance(module, {});
  return { exports: instance.exports, heap: BuddyHeap.fromInstance(instance) };
}

function guest(file, h) {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
    env: { memory: h.exports.memory, abort() { throw new Error("abort"); } },
    "as-buddy": h.exports,
  }).exports;
}

test("an AssemblyScript module with @external imports uses as-buddy as its heap", async () => {
  const { error, stderr } = await asc.main([
    "tests/crossmodule/guest.ts", "-o", `${OUT}guest-as.wasm`, "--importMemory", "--runtime", "stub",
    "--memoryBase", "8192", "-O2", "--use", "abort=", "--config", "tests/runtime/asconfig.json",
  ]);
  if (error) throw new Error(stderr.toString());
  const h = await host();
  const g = guest(`${OUT}guest-as.wasm`, h);
  const head = g.buildList(10000) >>> 0;
  assert.equal(g.sumList(head), BigInt((9999 * 10000) / 2));
  assert.equal(h.heap.stats().usedBytes, 10000 * 16, "10000 nodes of 8 bytes in 16-byte blocks");
  assert.equal(h.heap.usableSize(head), 16, "the guest's node is an as-buddy block");
  g.freeList(head);
  assert.equal(h.heap.stats().usedBytes, 0);
  assert.equal(g.growBuffer(1 << 22), ((1 << 22) / 256) * (255 * 256) / 2, "4 MiB grown by realloc, intact");
  assert.ok(h.exports.memory.buffer.byteLength > 4 << 20, "as-buddy grew the shared memory");
  assert.equal(g.greetingLength(), 34, "the guest's static data below 64 KiB is untouched");
  h.heap.check();
});

test("a C program built with clang links as-buddy's malloc instead of libc's", { skip: (!process.env.CI && missing("clang")) || false }, async () => {
  requireTool("clang");
  const out = `${OUT}guest-c.wasm`;
  const cc = spawnSync("clang", [
    "--target=wasm32", "-O2", "-nostdlib", "-fno-builtin", "-Wl,--no-entry", "-Wl,--import-memory",
    "-Wl,--stack-first", "-Wl,-z,stack-size=16384", "-o", out, "tests/crossmodule/guest.c",
  ], { encoding: "utf8" });
  assert.equal(cc.status, 0, cc.stderr);
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(out))).map((i) => `${i.module}.${i.name}`);
  assert.deepEqual(imports.sort(), ["as-buddy.aligned_alloc", "as-buddy.calloc", "as-buddy.free", "as-buddy.malloc", "as-buddy.realloc", "env.memory"]);
  const h = await host();
  const g = guest(out, h);
  const list = g.words(1000) >>> 0;
  assert.equal(Number(g.total_length(list)), 1000 * 48, "48 letters per sentence");
  const s = h.heap.stats();
  assert.equal(s.allocs, 12000, "one as-buddy block per word");
  g.free_words(list);
  assert.equal(h.heap.stats().usedBytes, 0);
  assert.equal(g.vector_sum(100000), BigInt((99999 * 100000) / 2));
  assert.equal(g.aligned_ok(), 1);
  assert.equal(h.heap.stats().usedBytes, 0, "the C program freed everything it took");
  // A bad free from C is rejected like any other, and the heap stays intact.
  h.exports.free(12345);
  assert.equal(h.exports.buddy_last_error(), ErrorCode.NOT_IN_HEAP);
  h.heap.check();
});

// ── Several modules, one memory, one heap (bindings/src/guest.ts, assembly/runtime/linked.ts) ──

async function buildAs(source, name, runtime, base, extra = []) {
  const out = `${OUT}${name}.wasm`;
  const { error, stderr } = await asc.main([
    source, "-o", out, "--importMemory", "--runtime", runtime, "--memoryBase", String(base), "-O2",
    "--config", "tests/runtime/asconfig.json", ...extra,
  ]);
  if (error) throw new Error(stderr.toString());
  return readFileSync(out);
}

const LINKED = "./assembly/runtime/linked";

/** An AssemblyScript string (UTF-16, its byte length at ptr - 4) read from memory. */
function liftString(memory, ptr) {
  ptr >>>= 0;
  const bytes = new Uint32Array(memory.buffer, ptr - 4, 1)[0];
  return new TextDecoder("utf-16le").decode(new Uint8Array(memory.buffer, ptr, bytes));
}

test("the docs' old AssemblyScript guest recipe (--runtime stub) overwrites the heap; instantiateGuest refuses it, the linked runtime is safe", async () => {
  const stub = await buildAs("tests/crossmodule/repro.ts", "repro-stub", "stub", 8192);
  const linked = await buildAs("tests/crossmodule/repro.ts", "repro-linked", LINKED, 8192);
  // By hand, as docs/other-modules.md said: the stub runtime's bump allocator runs into the heap.
  const h = await host();
  const g = guest(`${OUT}repro-stub.wasm`, h);
  if (CHECKED_RUN) {
    // The checked host build checks the heap after each call: the corruption traps in one.
    assert.throws(() => g.work(5000), (e) => e instanceof WebAssembly.RuntimeError, "the checked build traps on the corrupted heap");
  } else {
    assert.ok(g.work(5000) > 1000, "the old recipe loses blocks (this is the bug)");
    assert.notEqual(h.exports.buddy_check(), ErrorCode.OK, "and corrupts the heap");
  }
  await assert.rejects(instantiateGuest(stub), (e) => e instanceof GuestLayoutError && e.reason === "grows-memory" && /runtime\/linked/.test(e.message));
  const safe = await instantiateGuest(linked);
  assert.equal(safe.layout.source, "as-buddy linked runtime");
  assert.equal(safe.exports.work(5000), 0, "every block intact");
  assert.ok(safe.heap.stats().allocs >= 3 * 5000, "the guest's strings, arrays and blocks are all on as-buddy's heap");
  safe.heap.check();
});

test("two AssemblyScript guests and a C guest share one heap: blocks and strings cross, each GC collects, every block comes back", { skip: (!process.env.CI && missing("clang")) || false }, async () => {
  requireTool("clang");
  const a = await buildAs("tests/crossmodule/linked.ts", "linked-a", LINKED, 8192, ["--exportRuntime"]);
  const b = await buildAs("tests/crossmodule/linked.ts", "linked-b", LINKED, 65536, ["--exportRuntime"]);
  const cc = spawnSync("clang", [
    "--target=wasm32", "-O2", "-nostdlib", "-fno-builtin", "-Wl,--no-entry", "-Wl,--import-memory",
    "-Wl,--global-base=196608", "-Wl,-z,stack-size=16384", "-o", `${OUT}shared-c.wasm`, "tests/crossmodule/shared.c",
  ], { encoding: "utf8" });
  assert.equal(cc.status, 0, cc.stderr);
  const c = readFileSync(`${OUT}shared-c.wasm`);
  const { heap, memory, guests: [A, B, C] } = await instantiateGuests([
    { module: a, name: "A" }, { module: b, name: "B" }, { module: c, name: "C" },
  ]);
  const ends = [A, B, C].map((g) => g.layout.end);
  const blocks = [];
  const probe = heap.alloc(16);
  assert.ok(probe >= Math.max(...ends), `the heap (${probe}) is above every guest's data and stack (${ends})`);
  heap.free(probe);
  const baseline = heap.stats().usedBytes;
  // A makes a block, C reads it, frees it and answers with one of its own, B keeps its text and frees it.
  for (let i = 0; i < 500; i++) {
    const message = A.exports.makeMessage(i) >>> 0;
    const reply = C.exports.reply(message) >>> 0;
    blocks.push(reply);
    assert.equal(B.exports.takeMessage(reply), `C saw: message ${i} from the module at ${A.layout.end}`.length);
  }
  // A string of A's, pinned, read by B with raw loads.
  const lent = A.exports.lendString(1000) >>> 0;
  assert.equal(B.exports.readLent(lent), [..."lent:" + "x".repeat(1000)].reduce((s, ch) => s + ch.charCodeAt(0), 0));
  A.exports.returnString(lent);
  // Each module's GC frees its garbage into the shared heap.
  assert.equal(A.exports.churn(20000), 20000 * 15);
  assert.equal(B.exports.churn(20000), 20000 * 15);
  const texts = liftString(memory, B.exports.drainKept()).split("|");
  assert.equal(texts.length, 500);
  assert.equal(texts[499], `C saw: message 499 from the module at ${A.layout.end}`);
  A.exports.__collect();
  B.exports.__collect();
  heap.check();
  assert.equal(heap.stats().usedBytes, baseline, "every block is back once all modules have freed and collected");
  assert.equal(heap.stats().rejectedFrees, 0, "no module freed what it should not");
  // C's static data (16 KiB at 192 KiB, below the heap) was never written by another module.
  let t = 1, x = 1;
  for (let i = 1; i < 4096; i++) { t = (Math.imul(t, 3) + i) >>> 0; x = (x ^ t) >>> 0; }
  assert.equal(C.exports.table_sum() >>> 0, x);
});

test("overlapping guests, a guest above a heap already set up and a guest with its own allocator are refused before anything runs", async () => {
  const a = await buildAs("tests/crossmodule/linked.ts", "linked-a", LINKED, 8192, ["--exportRuntime"]);
  const b = await buildAs("tests/crossmodule/linked.ts", "linked-b", LINKED, 65536, ["--exportRuntime"]);
  // Two guests at the same --memoryBase: their data overlap.
  await assert.rejects(instantiateGuests([{ module: a, name: "A" }, { module: a, name: "A2" }]),
    (e) => e instanceof GuestLayoutError && e.reason === "overlap" && /A2: its static data and stack \[0x200c, 0x[0-9a-f]+\) overlap A's/.test(e.message));
  // A heap used before the guest is added sits at the host's own start (64 KiB), below B's data.
  const gh = await GuestHost.create();
  const [A] = await gh.add([{ module: a, name: "A" }]);
  const p = gh.heap.alloc(1000);
  const before = gh.heap.stats();
  await assert.rejects(gh.add([{ module: b, name: "B" }]), (e) => e instanceof GuestLayoutError && e.reason === "heap-below");
  assert.deepEqual(gh.heap.stats(), before, "the heap is unchanged");
  assert.equal(A.exports.takeMessage(A.exports.makeMessage(1)), "message 1 from the module at ".length + String(A.layout.end).length);
  gh.heap.free(p);
  gh.heap.check();
  // A second allocator on the memory: an AssemblyScript module with as-buddy compiled in (its own
  // heap at its own __heap_base), or AssemblyScript's stub.
  const own = await buildAs("tests/crossmodule/linked.ts", "linked-own", "./assembly/runtime/incremental", 8192);
  await assert.rejects(instantiateGuest(own), (e) => e instanceof GuestLayoutError && e.reason === "grows-memory");
});

test("instantiateGuest takes the host as bytes, a Buffer, a Module, a URL or a path", async () => {
  const bytes = await buildAs("tests/crossmodule/repro.ts", "repro-linked", LINKED, 8192);
  const url = new URL("../build/as-buddy.host.wasm", import.meta.url);
  const file = readFileSync(url);
  for (const [kind, hostSource] of [
    ["Buffer", file], ["Uint8Array", new Uint8Array(file)], ["ArrayBuffer", file.buffer.slice(file.byteOffset, file.byteOffset + file.length)],
    ["Module", new WebAssembly.Module(file)], ["URL", url], ["path", fileURLToPath(url)],
  ]) {
    const g = await instantiateGuest(bytes, {}, { host: hostSource });
    assert.equal(g.exports.work(100), 0, kind);
    g.heap.check();
  }
  await assert.rejects(instantiateGuest(bytes, {}, { host: 42 }), /options.host must be the host build/);
  await assert.rejects(instantiateGuest(bytes, {}, { host: readFileSync(new URL("../build/as-buddy.threads.wasm", import.meta.url)) }),
    (e) => e instanceof TypeError && /options.host must be the host build \(build\/as-buddy.host.wasm, a module with no imports\)/.test(e.message));
  await assert.rejects(instantiateGuest(bytes, {}, { host: new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]) }),
    (e) => e instanceof TypeError && /options.host must be the host build.*exports no buddy_set_heap_start/.test(e.message));
});

test("the layout reader decodes SIMD (shuffle, lanes, loads and stores) and sign extension, and finds a memory.grow after them", async () => {
  for (const [name, extra] of [["decode-grow", ["--use", "GROW=1"]], ["decode", []]]) {
    const bytes = await buildAs("tests/crossmodule/decode.ts", name, "stub", 8192, ["--enable", "simd", "--enable", "bulk-memory", "--use", "abort=", ...extra]);
    assert.equal(guestLayout(bytes).growsMemory, name === "decode-grow", name);
  }
});

test("the layout reader: a linked guest built at -O0 (its __heap_base through a global) and AssemblyScript's memory.grow", async () => {
  const o0 = await buildAs("tests/crossmodule/repro.ts", "repro-linked-o0", LINKED, 8192, ["-O0"]);
  const layout = guestLayout(o0);
  assert.equal(layout.source, "as-buddy linked runtime");
  assert.equal(layout.growsMemory, false);
  assert.ok(layout.start >= 8192 && layout.end > layout.start + 16384, JSON.stringify(layout));
  const g = await instantiateGuest(o0);
  assert.equal(g.exports.work(2000), 0);
  g.heap.check();
});
