// The shape of assembly/: dependencies point down. No import cycle between files, no call cycle
// among the heap's functions (the core never calls back into a policy), no file over 600 lines
// and a core of at most 500.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../assembly/", import.meta.url));
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".ts")) files.push(path);
  }
})(root);
const text = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const rel = (f) => relative(root, f);
const code = (s) => s.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/[^\n]*/g, "");

/** The files a file imports or re-exports from, resolved as asc does (x.ts, then x/index.ts). */
function importsOf(file) {
  const out = [];
  for (const m of code(text.get(file)).matchAll(/\bfrom\s+"(\.[^"]+)"/g)) {
    const base = join(dirname(file), m[1]);
    const target = [base + ".ts", join(base, "index.ts")].find((p) => existsSync(p));
    assert.ok(target, `${rel(file)} imports ${m[1]}, which resolves to no file`);
    out.push(target);
  }
  return out;
}

/** A cycle in the graph (a list of nodes, first == last), or null. */
function findCycle(graph) {
  const state = new Map(); // 1: on the path, 2: done
  const path = [];
  const visit = (n) => {
    state.set(n, 1);
    path.push(n);
    for (const m of graph.get(n) ?? []) {
      if (state.get(m) === 1) return [...path.slice(path.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    path.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of graph.keys()) {
    if (!state.has(n)) {
      const c = visit(n);
      if (c) return c;
    }
  }
  return null;
}

test("findCycle finds a cycle and only a cycle (the check below can fail)", () => {
  assert.deepEqual(findCycle(new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]]])), ["a", "b", "c", "a"]);
  assert.equal(findCycle(new Map([["a", ["b", "c"]], ["b", ["c"]], ["c", []]])), null);
});

test("the import graph of assembly/ is acyclic", () => {
  const graph = new Map(files.map((f) => [f, importsOf(f)]));
  const cycle = findCycle(graph);
  assert.equal(cycle, null, cycle && `import cycle: ${cycle.map(rel).join(" -> ")}`);
});

test("the heap's functions call each other without a cycle (the core never calls a policy back)", () => {
  const heapFiles = ["core", "metadata", "regions", "growth", "runs", "slots", "alloc", "realloc", "stats", "heap", "slab"]
    .map((n) => join(root, n + ".ts"));
  // Top-level functions: from `function name(` to the closing brace at column 0.
  const bodies = new Map();
  for (const f of heapFiles) {
    for (const m of code(text.get(f)).matchAll(/^(?:@inline )?(?:export )?function (\w+)\(([\s\S]*?)^}/gm)) {
      assert.ok(!bodies.has(m[1]), `${m[1]} is defined once among the heap's files`);
      bodies.set(m[1], m[2]);
    }
  }
  assert.ok(bodies.size > 100, `the heap's functions were found (${bodies.size})`);
  const graph = new Map();
  for (const [name, body] of bodies) {
    graph.set(name, [...new Set([...body.matchAll(/(?<![.\w])(\w+)\(/g)].map((m) => m[1]))].filter((c) => c !== name && bodies.has(c)));
  }
  const cycle = findCycle(graph);
  assert.equal(cycle, null, cycle && `call cycle: ${cycle.join(" -> ")}`);
  // The core calls nothing outside itself but layout.ts's accessors.
  const core = code(text.get(join(root, "core.ts")));
  for (const m of core.matchAll(/\bfrom\s+"([^"]+)"/g)) assert.ok(["./layout", "./errors"].includes(m[1]), `core.ts imports only layout.ts (found ${m[1]})`);
});

test("no file in assembly/ is over 600 lines, and the core is at most 500", () => {
  const lines = (f) => text.get(f).split("\n").length - 1;
  const long = files.filter((f) => lines(f) > 600).map((f) => `${rel(f)} (${lines(f)})`);
  assert.deepEqual(long, []);
  assert.ok(lines(join(root, "core.ts")) <= 500, `core.ts has ${lines(join(root, "core.ts"))} lines`);
});
