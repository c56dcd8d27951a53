// The documentation says what the committed results and the tree say: the benchmark tables in
// docs/benchmarks.md (Node's and the other engines') are the ones scripts/chart.js makes from
// the committed results, the
// README's headline figures are those results' figures, every relative link leads to a file,
// and the README stays a guide (under 250 lines, the rest in docs/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { markdown, enginesTable } from "../scripts/chart.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const read = (rel) => readFileSync(join(ROOT, rel), "utf8");
const node = JSON.parse(read("scripts/bench/results/bench-node.json"));
const tables = markdown(node).split(/\n\n+/).filter((b) => b.startsWith("|")).map((t) => t.trim());

test("docs/benchmarks.md holds the Node tables made from the committed results, and names their commit", () => {
  const doc = read("docs/benchmarks.md");
  assert.ok(tables.length >= 4);
  for (const t of tables) assert.ok(doc.includes(t), `docs/benchmarks.md has the table starting ${t.split("\n")[2]}`);
  assert.ok(doc.replace(/\s+/g, " ").includes(`commit \`${node.meta.commit}\``), `docs/benchmarks.md names commit ${node.meta.commit}`);
});

test("docs/benchmarks.md holds the other engines' table made from their committed results, all of one commit", () => {
  const others = ["chromium", "firefox", "jsc", "wasi"].map((e) => JSON.parse(read(`scripts/bench/results/bench-${e}.json`)));
  for (const r of others) assert.equal(r.meta.commit, node.meta.commit, `${r.meta.engine.name} ran on the Node results' commit`);
  assert.ok(read("docs/benchmarks.md").includes(enginesTable(others)), "the table of `npm run chart -- --engines` over those results");
});

test("the README's headline figures are the committed results'", () => {
  const readme = read("README.md");
  assert.ok(readme.includes(`commit\n\`${node.meta.commit}\``) || readme.includes(`commit \`${node.meta.commit}\``), "the README names the results' commit");
  const cells = (table, workload) => table.split("\n").find((l) => l.startsWith(`| ${workload} |`))?.split(" | ").slice(1);
  const [time, efficiency] = tables;
  const headline = readme.slice(readme.indexOf("## Benchmark"));
  let rows = 0;
  for (const line of headline.split("\n").filter((l) => /^\| [a-z]+ \(/.test(l))) {
    const [name, ...mine] = line.slice(2, -2).split(" | ");
    const w = name.split(" ")[0];
    const t = cells(time, w);
    assert.ok(t, `${w} is a workload of the results`);
    assert.deepEqual([mine[0], mine[2]], [t[0], t[2]], `${w}: as-buddy's and dlmalloc's time`);
    assert.equal(mine[1], t[1].replace(/ x1\.00$/, ""), `${w}: TLSF's time`);
    const e = cells(efficiency, w);
    if (e) assert.deepEqual(mine.slice(3, 6), e.slice(0, 1).concat(e.slice(1, 3)), `${w}: efficiencies`);
    rows++;
  }
  assert.ok(rows >= 5, `the headline table has its rows (${rows})`);
});

test("every relative link in the README and docs/ leads to a file, and the README stays short", () => {
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  for (const f of files) {
    for (const [, target] of read(f).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue; // http(s), mailto
      assert.ok(existsSync(join(ROOT, dirname(f), target)), `${f} links to ${target}, which exists`);
    }
  }
  assert.ok(read("README.md").split("\n").length < 250, "README.md is under 250 lines");
});

test("README.md, docs/ and assembly/ hold at most 5 commit hashes between them (history lives in CHANGELOG.md)", () => {
  const files = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  (function walk(dir) {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${dir}/${e.name}`);
      else if (e.name.endsWith(".ts")) files.push(`${dir}/${e.name}`);
    }
  })("assembly");
  const hashes = new Set();
  for (const f of files) {
    // A commit as the guides write one: 7 to 40 hex digits in backticks, with a digit and a letter.
    for (const [, h] of read(f).matchAll(/`([0-9a-f]{7,40})`/g)) if (/[0-9]/.test(h) && /[a-f]/.test(h)) hashes.add(`${h} (${f})`);
  }
  assert.ok(hashes.size <= 5, `${hashes.size} commit hashes: ${[...hashes].join(", ")}`);
});

test("docs/benchmarks.md's module sizes are the committed results'", () => {
  const doc = read("docs/benchmarks.md");
  for (const [peer, { wasmBytes }] of Object.entries(node.peers)) {
    assert.ok(doc.includes(`${wasmBytes.toLocaleString("en-US")} (${peer}`) || doc.includes(`${wasmBytes.toLocaleString("en-US")} bytes (${peer}`), `docs/benchmarks.md gives ${peer}'s module as ${wasmBytes.toLocaleString("en-US")} bytes`);
  }
});

/** Efficiency in percent, as the tables round it, of a workload's peer from inside wasm. */
const effOf = (w, peer) => Math.round(100 * node.rows.find((r) => r.workload === w && r.peer === peer && r.mode === "wasm").efficiency);

test("docs/benchmarks.md's shortfalls quote the committed results' efficiencies", () => {
  const doc = read("docs/benchmarks.md").replace(/\s+/g, " ");
  const memory = doc.slice(doc.indexOf("*Memory against dlmalloc*"), doc.indexOf("*Time in Node"));
  const [againstDl, againstEm] = memory.split("Below emmalloc on");
  let quoted = 0;
  for (const [part, peer] of [[againstDl, "dlmalloc"], [againstEm, "emmalloc"]]) {
    for (const [, w, a, b] of part.matchAll(/([a-z]+) (\d+)% against (\d+)%/g)) {
      assert.deepEqual([Number(a), Number(b)], [effOf(w, "as-buddy"), effOf(w, peer)], `${w} against ${peer}`);
      quoted++;
    }
  }
  assert.ok(quoted >= 4, `the shortfalls quote efficiencies (${quoted})`);
  const notes = doc.slice(doc.indexOf("**When not to use as-buddy.**"));
  const mixed = /mixed: (\d+)% efficiency, TLSF (\d+)%, dlmalloc (\d+)%/.exec(notes);
  assert.deepEqual(mixed.slice(1).map(Number), ["as-buddy", "tlsf", "dlmalloc"].map((p) => effOf("mixed", p)));
});

test("the README's claims after its table are the committed results'", () => {
  const readme = read("README.md").replace(/\s+/g, " ");
  const fastest = (r, w) => r.rows.filter((x) => x.workload === w && (x.mode === "wasm" || x.mode === "wasi") && x.peer !== "bump")
    .sort((a, b) => a.nsPerOp.median - b.nsPerOp.median)[0].peer;
  const m = /as-buddy is the fastest allocator that frees on ([a-z, ]+?), and on ([a-z ]+?) in every engine; (.+?)\. It packs/.exec(readme);
  assert.ok(m, "the README says where as-buddy is fastest");
  const list = (s) => s.split(/, | and /).map((w) => w.trim()).filter(Boolean);
  for (const w of list(m[1])) assert.equal(fastest(node, w), "as-buddy", `fastest in Node on ${w}`);
  const others = ["chromium", "firefox", "jsc", "wasi"].map((e) => JSON.parse(read(`scripts/bench/results/bench-${e}.json`)));
  for (const w of list(m[2])) for (const r of [node, ...others]) assert.equal(fastest(r, w), "as-buddy", `${w} in ${r.meta.engine.name}`);
  for (const [, peer, ws] of m[3].matchAll(/(dlmalloc|emmalloc|TLSF) (?:leads )?([a-z]+)/g)) {
    assert.equal(fastest(node, ws), peer === "TLSF" ? "tlsf" : peer, `${peer} leads ${ws}`);
  }
  const below = /and below dlmalloc on ([a-z, ]+?)\./.exec(readme);
  const want = ["churn", "uniform", "fill", "mixed", "random", "reallocmix", "trace", "powerlaw"].filter((w) => effOf(w, "as-buddy") < effOf(w, "dlmalloc"));
  assert.deepEqual(list(below[1]).sort(), want.sort(), "below dlmalloc's efficiency exactly there");
});

test("the guides' results parts are exactly what scripts/results-docs.js writes from the committed results", async () => {
  const { render } = await import("../scripts/results-docs.js");
  for (const [file, text] of Object.entries(render())) {
    assert.ok(read(file) === text, `${file} differs from the committed results: run node scripts/results-docs.js`);
  }
});
