// The JavaScriptCore shell's side of the benchmark: `jsc -m scripts/bench/jsc-main.js -- <json>`.
// Prints "LOG ..." lines while it runs and one "RESULT <json>" line at the end.
import { runSuite } from "./suite.js";
import { MODULE_FILES as FILES } from "./files.js";

// The shell passes what follows `--` as `arguments` (older builds) or `scriptArgs`.
const argv = typeof scriptArgs !== "undefined" ? scriptArgs : globalThis.arguments;
const { root, ...options } = JSON.parse(argv[0]);
const sizes = {};
const notes = [];
let BuddyHeap = null;
try {
  ({ BuddyHeap } = await import("../../bindings/dist/index.js"));
} catch (e) {
  notes.push(`bindings rows skipped in jsc: ${e}`);
}
notes.push("@thi.ng/malloc skipped in jsc: the shell cannot resolve npm package imports");
const result = await runSuite({
  ...options,
  now: () => preciseTime() * 1000,
  loadModule: async (name) => {
    try {
      const bytes = readFile(`${root}/${FILES[name]}`, "binary");
      sizes[name] = bytes.length;
      return new WebAssembly.Module(bytes);
    } catch {
      return null;
    }
  },
  moduleBytes: (name) => sizes[name] ?? null,
  BuddyHeap,
  log: (line) => print(`LOG ${line}`),
});
result.notes = [...notes, ...result.notes];
print(`RESULT ${JSON.stringify(result)}`);
