// Two builds of the C module side by side on the driver's workloads, in one process, in
// alternating order: `node scripts/bench/compare.js a.wasm b.wasm [pairs,churn,...] [runs=7]`.
// Prints the median ns per call of each and b/a; each module runs once first, not counted
// (V8 starts a module on its baseline compiler, as the suite's warm-ups allow for). For "did this change slow the hot path":
// build the old commit's module (npx asc assembly/cabi.ts --config asconfig.json --target
// release -o old.wasm in its checkout) and compare it with build/as-buddy.wasm.
// Two GC program modules (build/bench/gc-*.wasm, which export `run`: a runtime's old and new
// build, or as-buddy's and TLSF's) compare the same way on `run(200000)`, ns per iteration.
import { readFileSync } from "node:fs";
import { plan, driverImports } from "./suite.js";

const [a, b, only = "pairs,churn,fill,random", runsArg = "7"] = process.argv.slice(2);
if (!a || !b) throw new Error("usage: node scripts/bench/compare.js a.wasm b.wasm [workloads] [runs]");
const driver = new WebAssembly.Module(readFileSync(new URL("../../build/bench/driver.wasm", import.meta.url)));
const modules = [new WebAssembly.Module(readFileSync(a)), new WebAssembly.Module(readFileSync(b))];
const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
const exportsRun = (m) => WebAssembly.Module.exports(m).some((e) => e.name === "run");
if (modules.every(exportsRun)) {
  const ns = [[], []];
  const once = (k) => {
    const e = new WebAssembly.Instance(modules[k], {}).exports;
    const t0 = performance.now();
    e.run(200000);
    return ((performance.now() - t0) * 1e6) / 200000;
  };
  once(0); // warm-ups, not counted
  once(1);
  for (let r = 0; r < Number(runsArg); r++) {
    for (const k of r & 1 ? [1, 0] : [0, 1]) ns[k].push(once(k));
  }
  const [ma, mb] = ns.map(median);
  console.log(`gc program a ${ma.toFixed(1).padStart(7)}  b ${mb.toFixed(1).padStart(7)}  b/a ${(mb / ma).toFixed(3)}`);
  process.exit(0);
}
for (const w of plan(1).filter((x) => only.split(",").includes(x.name))) {
  const ns = [[], []];
  const once = (k) => {
    const alloc = new WebAssembly.Instance(modules[k], {}).exports;
    const d = new WebAssembly.Instance(driver, driverImports(alloc)).exports;
    const t0 = performance.now();
    const calls = d[w.fn ?? w.name](...w.args, 0x2545f491) >>> 0;
    return ((performance.now() - t0) * 1e6) / calls;
  };
  once(0); // warm-ups, not counted: each module's first run is partly V8's baseline code
  once(1);
  for (let r = 0; r < Number(runsArg); r++) {
    for (const k of r & 1 ? [1, 0] : [0, 1]) ns[k].push(once(k));
  }
  const [ma, mb] = ns.map(median);
  console.log(`${w.name.padEnd(10)} a ${ma.toFixed(1).padStart(7)}  b ${mb.toFixed(1).padStart(7)}  b/a ${(mb / ma).toFixed(3)}`);
}
