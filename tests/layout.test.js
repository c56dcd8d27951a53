// The JavaScript copy of the records that cross the boundary (bindings/src/layout.ts) must say
// what assembly/layout.ts says (its records are in assembly/layout/): read from their source, and
// from the module at run time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { CB_SIZE, STATS, POOL_STATS, SHARED, MODULE_HEADER, decodeStats } from "../bindings/dist/layout.js";
import { load } from "./support.js";

const dir = new URL("../assembly/layout/", import.meta.url);
const source = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(new URL(f, dir), "utf8")).join("\n");
const constant = (name) => {
  const m = new RegExp(`const ${name}: \\w+ = (\\d+);`).exec(source);
  assert.ok(m, `assembly/layout/ defines ${name}`);
  return Number(m[1]);
};

test("CB_SIZE and the statistics record's offsets equal assembly/layout.ts's", () => {
  assert.equal(CB_SIZE, constant("CB_SIZE"));
  assert.equal(STATS.size, constant("STATS_SIZE"));
  assert.equal(STATS.u32.slackBytes, constant("ST_SLACK"));
  assert.equal(STATS.counters, constant("ST_COUNTERS"));
  assert.equal(STATS.freeBlocks, constant("ST_FREE_BLOCKS"));
  const counters = /export enum Counter \{([^}]*)\}/.exec(source)[1].match(/[A-Z_]+ = \d+/g).map((x) => x.split(" = "));
  assert.deepEqual(counters.map(([, v]) => Number(v)), counters.map((_, i) => i), "Counter is 0, 1, 2, ...");
  const camel = (n) => n.toLowerCase().replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  assert.deepEqual(STATS.counterNames, counters.map(([n]) => camel(n)));
  // The u32 fields in the diagram's order: "0 totalBytes 4 usedBytes ... 28 regionCount".
  const diagram = /Statistics \(STATS_SIZE[\s\S]*?╘/.exec(source)[0];
  for (const [name, index] of Object.entries(STATS.u32)) {
    assert.match(diagram, new RegExp(`\\b${index * 4} ${name}\\b`), `${name} at byte ${index * 4}`);
  }
});

test("the pool statistics record's offsets equal assembly/layout.ts's", () => {
  const names = { size: "POOL_STATS_SIZE", totalBytes: "PS_TOTAL", usedBytes: "PS_USED", freeBytes: "PS_FREE",
    largestFree: "PS_LARGEST", minBuddy: "PS_MIN_BUDDY", maxBuddy: "PS_MAX_BUDDY", maxOrder: "PS_MAX_ORDER",
    metaBytes: "PS_META", counters: "PS_COUNTERS", splits: "PS_SPLITS", merges: "PS_MERGES", lists: "PS_LISTS",
    listBytes: "PS_LIST_BYTES" };
  for (const [js, as] of Object.entries(names)) assert.equal(POOL_STATS[js], constant(as), `${js} = ${as}`);
  const counters = /export enum PoolCounter \{([^}]*)\}/.exec(source)[1].match(/[A-Z_]+ = \d+/g).map((x) => x.split(" = "));
  assert.deepEqual(counters.map(([, v]) => Number(v)), counters.map((_, i) => i));
  // The JavaScript names, pair by pair with PoolCounter's (buddy_pool's BuddyStats names).
  assert.deepEqual(counters.map(([n]) => n), ["ALLOCS", "FREES", "OUT_OF_MEMORY", "FREEING_FREE", "INVALID_ADDRESSES", "OVERSIZE", "UNDERSIZE", "STALE_HANDLES"]);
  assert.deepEqual([...POOL_STATS.counterNames], ["allocs", "frees", "outOfMemory", "freeingFree", "invalidAddresses", "oversizeAllocs", "undersizeAllocs", "staleHandles"]);
  // Neither AssemblyScript side writes or reads the record with a number of its own.
  for (const file of ["pool.ts", "index.ts"]) {
    const text = readFileSync(new URL(`../assembly/${file}`, import.meta.url), "utf8");
    assert.doesNotMatch(text, /[gs]etPoolStat(64|32)\(\w+, \d/, `${file} uses the named offsets`);
  }
});

test("the record the module writes decodes to consistent figures", () => {
  const e = load("release");
  const ptrs = [16, 100, 4000, 70000].map((n) => e.malloc(n) >>> 0);
  e.free(ptrs[1]);
  const at = e.buddy_stats() >>> 0; // first: the call may grow memory
  const s = decodeStats(e.memory.buffer, at);
  assert.equal(s.allocs, 4);
  assert.equal(s.frees, 1);
  assert.equal(s.usedBytes, 16 + 4096 + 131072, "a 16-byte slot, a 4 KiB and a 128 KiB block");
  assert.equal(s.totalBytes, s.usedBytes + s.freeBytes + s.metaBytes + s.slackBytes);
  assert.equal(s.minBlock, 64, "the module's own heap");
  assert.equal(s.freeBlocks.length, s.maxOrder + 1);
  assert.equal(s.freeBlocks.reduce((n, c, k) => n + c * 64 * 2 ** k, 0), s.freeBytes);
});

test("the threads build's shared header and the C module's header equal assembly/layout.ts's", () => {
  assert.equal(SHARED.size, constant("SHARED_HEADER"));
  for (const [js, as] of Object.entries({ state: "SHARED_STATE", lock: "SHARED_LOCK", error: "SHARED_ERROR", seq: "SHARED_SEQ" })) {
    assert.equal(SHARED[js], constant(as), `${js} = ${as}`);
  }
  assert.equal(constant("CB_ALIGN"), 16, "the control block follows the shared header directly");
  assert.equal(MODULE_HEADER.stats, constant("MODULE_STATS"));
  assert.equal(MODULE_HEADER.poolStats, STATS.size, "MODULE_POOL_STATS = MODULE_STATS + STATS_SIZE");
  assert.equal(MODULE_HEADER.size, STATS.size + POOL_STATS.size, "MODULE_HEADER = MODULE_POOL_STATS + POOL_STATS_SIZE");
  assert.match(source, /MODULE_POOL_STATS: usize = MODULE_STATS \+ STATS_SIZE;/);
  assert.match(source, /MODULE_HEADER: usize = MODULE_POOL_STATS \+ POOL_STATS_SIZE;/);
});

test("the C module's header holds both statistics records before the heap, as its diagram says", () => {
  const diagram = /Module header at the start[\s\S]*?╘/.exec(source)[0];
  assert.match(diagram, new RegExp(`\\b${MODULE_HEADER.stats}  statistics record`));
  assert.match(diagram, new RegExp(`\\b${MODULE_HEADER.poolStats}  pool statistics record`));
  assert.match(diagram, new RegExp(`\\b${MODULE_HEADER.size}  the heap`));
  // And the module puts them there: the records' addresses, then the control block after them.
  const e = load("release");
  const stats = e.buddy_stats() >>> 0;
  const root = e.buddy_root() >>> 0;
  assert.equal(root, stats + MODULE_HEADER.size + ((16 - (MODULE_HEADER.size % 16)) % 16), `records at ${stats}, control block at ${root} (16-aligned)`);
  assert.equal(e.buddy_pool_stats(e.buddy_pool_create(2 ** 40, 2 ** 20, 64, 2 ** 20, 64)) >>> 0, stats + MODULE_HEADER.poolStats);
});

test("a heap's size-class tables are scripts/size-classes.js's output, and each class fills its slab", async () => {
  const { sizeClasses, classIndex, slotsIn, indexOf } = await import("../scripts/size-classes.js");
  const classes = sizeClasses();
  // initClasses wrote them into the control block (layout.ts: classSizes, classLogs, classIndex).
  const e = load("release");
  const root = e.buddy_root() >>> 0;
  const at = (name) => {
    const m = new RegExp(`const ${name}: usize = (\\d+);`).exec(source);
    assert.ok(m, `assembly/layout/ defines ${name}`);
    return root + Number(m[1]);
  };
  const steps = constant("CLASS_STEPS");
  assert.equal(constant("SLAB_CLASSES"), classes.length);
  assert.deepEqual([...new Uint16Array(e.memory.buffer, at("CB_CLASS_SIZES"), classes.length)], classes.map(([size]) => size));
  assert.deepEqual([...new Uint8Array(e.memory.buffer, at("CB_CLASS_LOGS"), classes.length)], classes.map(([, log]) => log));
  assert.deepEqual([...new Uint8Array(e.memory.buffer, at("CB_CLASS_INDEX"), steps)], classIndex(classes));
  assert.ok(at("CB_CLASS_INDEX") + steps <= root + CB_SIZE, "the index fits in the control block");
  // The index on its own terms: every request's class is the smallest that holds it.
  const index = classIndex(classes);
  for (let i = 1; i < classes.length; i++) assert.ok(classes[i][0] > classes[i - 1][0], "classes grow");
  for (let n = 1; n <= 16384; n++) {
    const c = index[indexOf(n)];
    assert.ok(classes[c][0] >= n && (c === 0 || classes[c - 1][0] < n), `${n} bytes: class ${classes[c][0]}`);
  }
  for (const [size, log] of classes) {
    const past = 2 ** log - slotsIn(log, size) * size;
    const pow2 = (size & (size - 1)) === 0;
    assert.ok(past <= 2 ** log * (size === 16384 ? 1 / 8 : pow2 ? 1 / 16 : 0.04), `${size} B in ${2 ** log}: ${past} bytes past the last slot`);
    assert.equal(size % 16, 0, "16-byte multiples");
  }
});
