// docs/errors.md's misuse table, walked: every call of a row with every input of its row gets the
// answer the row gives, and an error leaves the heap's bytes, its blocks and a live block as
// they were. The table is the specification; this file only knows how to make the inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  BuddyHeap, BuddyPool, BuddyError, BuddyPoolError, ErrorCode, PoolError, instantiateGuest, instantiateGuests,
} from "../bindings/dist/index.js";

const doc = readFileSync(new URL("../docs/errors.md", import.meta.url), "utf8");
const section = doc.slice(doc.indexOf("## Misuse"));
const rows = section.split("\n").filter((l) => l.startsWith("| `") || l.startsWith("| `dead")).map((line) => {
  const [calls, inputs, answer] = line.slice(2, -2).split(" | ");
  const ticks = (s) => [...s.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
  return { line, calls: ticks(calls), inputs: inputs.trim() === "-" ? [null] : ticks(inputs), answer: answer.trim() };
});

const heap = await BuddyHeap.create();
const e = heap.exports;
const pool = BuddyPool.on(heap, { size: 1 << 20, minBuddy: 256 });
const otherPool = BuddyPool.on(heap, { size: 1 << 16, minBuddy: 256 });
const dead = BuddyPool.on(heap, { size: 1 << 16, minBuddy: 256 });
dead.destroy();
const usedInstance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("../build/as-buddy.wasm", import.meta.url))), {});
usedInstance.exports.free(usedInstance.exports.malloc(16));
// The AssemblyScript library (the table's `as.` rows), a heap over 16 pages of its own module.
const asc = (await import("assemblyscript/asc")).default;
const { mkdirSync } = await import("node:fs");
const OUT = new URL("../build/test/misuse/", import.meta.url);
mkdirSync(OUT, { recursive: true });
{
  const { error, stderr } = await asc.main(["tests/misuse/as-api.ts", "-o", new URL("as-api.wasm", OUT).pathname, "--runtime", "stub", "-O2", "--use", "abort=", "--config", "tests/runtime/asconfig.json"]);
  if (error) throw new Error(stderr.toString());
}
const as = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("as-api.wasm", OUT))), {}).exports;
as.setup();

/** The named inputs, made afresh for each case. */
function inputs() {
  const live = heap.alloc(64);
  const freed = heap.alloc(64);
  heap.free(freed);
  const plive = pool.alloc(256);
  const pfreed = pool.alloc(256);
  pool.free(pfreed);
  const stale = pool.allocHandle(256);
  pool.freeHandle(stale);
  const other = otherPool.allocHandle(256);
  const alive = as.alloc(64) >>> 0;
  const afreed = as.alloc(64) >>> 0;
  as.free(afreed);
  return {
    alive, afreed, ainterior: alive + 16, amisaligned: alive + 3,
    live, freed, interior: live + 16, misaligned: live + 3, foreign: 16, beyond: 2 ** 31,
    plive, pfreed, pinterior: plive + 16, outside: 2 ** 21, stale, other, dead, used: usedInstance,
    cleanup: () => { heap.free(live); pool.free(plive); otherPool.freeHandle(other); as.free(alive); },
  };
}

const state = () => {
  const s = heap.stats();
  return { used: s.usedBytes, free: s.freeBytes, total: s.totalBytes, pool: pool.stats().usedBytes, as: as.used() >>> 0 };
};

function expectAnswer(answer, outcome, ctx, what) {
  const { value, error } = outcome;
  let m;
  if ((m = /^Buddy(Pool)?Error `(\w+)`$/.exec(answer))) {
    const [Class, codes] = m[1] ? [BuddyPoolError, PoolError] : [BuddyError, ErrorCode];
    assert.ok(error instanceof Class, `${what}: expected ${answer}, got ${error ?? `the value ${value}`}`);
    assert.equal(error.code, codes[m[2]], `${what}: ${error.message}`);
    return "error";
  }
  if (answer === "TypeError") {
    assert.ok(error instanceof TypeError, `${what}: expected a TypeError, got ${error ?? `the value ${value}`}`);
    return "error";
  }
  assert.equal(error, undefined, `${what}: threw ${error}`);
  if ((m = /^(0|nothing), lastError `(\w+)`$/.exec(answer))) {
    assert.equal(m[1] === "0" ? value >>> 0 : value, m[1] === "0" ? 0 : undefined, `${what}: the result`);
    assert.equal(what.startsWith("as.") ? as.lastError() : heap.lastError, ErrorCode[m[2]], `${what}: lastError`);
    return "error";
  }
  if ((m = /^returns `(\w+)`$/.exec(answer))) {
    assert.equal(value, ErrorCode[m[1]], what);
    return "error";
  }
  if (answer === "a block") {
    assert.ok(typeof value === "number" && value >>> 0 > 0, `${what}: a block, got ${value}`);
    if (what.startsWith("as.")) as.free(value >>> 0); else heap.free(value >>> 0);
    return "block";
  }
  if (answer.startsWith("a view")) {
    assert.ok(value instanceof Uint8Array, `${what}: a view`);
    return "view";
  }
  throw new Error(`docs/errors.md: an answer this test does not know: ${answer}`);
}

test("docs/errors.md's misuse table is there and large", () => {
  assert.ok(rows.length >= 60, `${rows.length} rows`);
  assert.ok(rows.every((r) => r.calls.length && r.inputs.length), "every row has calls and inputs");
});

for (const row of rows) {
  test(row.line.slice(0, 150), async () => {
    for (const call of row.calls) {
      for (const input of row.inputs) {
        const ctx = inputs();
        const names = ["heap", "e", "as", "pool", "BuddyHeap", "BuddyPool", "instantiateGuest", "instantiateGuests", ...Object.keys(ctx).filter((k) => k !== "cleanup")];
        const values = [heap, e, as, pool, BuddyHeap, BuddyPool, instantiateGuest, instantiateGuests, ...names.slice(8).map((k) => ctx[k])];
        const x = input === null ? undefined : input in ctx ? ctx[input] : new Function(`return (${input});`)();
        const what = `${call} with x = ${input}`;
        const before = state();
        const outcome = {};
        try {
          outcome.value = await new Function(...names, "x", `return (${call});`)(...values, x);
        } catch (err) {
          outcome.error = err;
        }
        const kind = expectAnswer(row.answer, outcome, ctx, what);
        if (kind === "error") assert.deepEqual(state(), before, `${what}: the heap and the pool are as they were`);
        assert.equal(heap.usableSize(ctx.live), 64, `${what}: the live block is intact`);
        assert.equal(as.usableSize(ctx.alive), 64, `${what}: the AssemblyScript heap's live block is intact`);
        assert.equal(as.check(), ErrorCode.OK, `${what}: the AssemblyScript heap's check()`);
        heap.check();
        pool.check();
        ctx.cleanup();
      }
    }
  });
}
