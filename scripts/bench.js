// `npm start` / `npm run bench -- [--engine=node|chromium|firefox|jsc|wasi|all] [--scale=1] [--runs=5]
//                                 [--only=pairs,churn,...] [--modes=wasm,js]`
// Runs the side-by-side benchmark (scripts/bench/suite.js) in the chosen engines, prints a
// table per engine with ratios to TLSF and to the best peer, and writes results/bench-<engine>.json
// with its metadata (engine and version, CPU, commit, seed). scripts/chart.js draws the SVG.
import { writeFileSync, mkdirSync } from "node:fs";
import { buildBench } from "./bench/build.js";
import { table } from "./bench/table.js";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const engine = args.engine ?? "node";
const scale = Number(args.scale ?? 1);
const runs = Number(args.runs ?? 5);
const out = args.out ?? "results";
const only = args.only ? args.only.split(",") : null;
const modes = args.modes ? args.modes.split(",") : ["wasm", "js"];


async function main() {
  console.log("building the benchmark modules...");
  const notes = await buildBench();
  for (const n of notes) console.log(n);
  const engines = engine === "all" ? ["node", "chromium", "firefox", "jsc", "wasi"] : [engine];
  mkdirSync(out, { recursive: true });
  for (const e of engines) {
    const options = { scale, runs, only, modes, log: (l) => console.log(`[${e}] ${l}`) };
    // Engines that are not installed say so and are skipped (npm start runs what is here).
    const mod = await import(`./bench/engine-${e}.js`).catch(() => null);
    if (!mod) { console.log(`[${e}] no harness for this engine`); continue; }
    const result = await mod.run(options);
    if (!result) continue; // the harness said why
    result.notes = [...notes, ...(result.notes ?? [])];
    const file = `${out}/bench-${e}.json`;
    writeFileSync(file, JSON.stringify(result, null, 1));
    console.log(`\n== ${result.meta.engine.name} ${result.meta.engine.version}, ${result.meta.cpu}, commit ${result.meta.commit}, scale ${scale}`);
    console.log(table(result));
    for (const n of result.notes) console.log(`note: ${n}`);
    console.log(`\nwrote ${file}`);
  }
}

await main();
