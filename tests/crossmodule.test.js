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
import { BuddyHeap, ErrorCode } from "../bindings/dist/index.js";
import { missing, requireTool } from "../scripts/system-tools.js";

const OUT = fileURLToPath(new URL("../build/test/crossmodule/", import.meta.url));
mkdirSync(OUT, { recursive: true });

async function host() {
  const module = new WebAssembly.Module(readFileSync(new URL("../build/as-buddy.host.wasm", import.meta.url)));
  const instance = new WebAssembly.Instance(module, {});
  return { exports: instance.exports, heap: BuddyHeap.fromInstance(instance) };
}

function guest(file, h) {
  return new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {
    env: { memory: h.exports.memory },
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
