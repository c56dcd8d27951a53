// The browser side of the benchmark: the same suite as Node, modules fetched from the server.
import { runSuite } from "./suite.js";
import { MODULE_FILES } from "./files.js";
import { BuddyHeap } from "../../bindings/dist/index.js";

const sizes = {};
const out = document.getElementById("log");

window.runBench = async (options) => {
  let MemPool = null;
  try { ({ MemPool } = await import("@thi.ng/malloc")); } catch (e) { console.log(`@thi.ng/malloc not loaded: ${e}`); }
  return runSuite({
    ...options,
    now: () => performance.now(),
    loadModule: async (name) => {
      const r = await fetch(`/${MODULE_FILES[name]}`);
      if (!r.ok) return null;
      const bytes = await r.arrayBuffer();
      sizes[name] = bytes.byteLength;
      return WebAssembly.compile(bytes);
    },
    moduleBytes: (name) => sizes[name] ?? null,
    BuddyHeap, MemPool,
    log: (line) => { out.textContent += `\n${line}`; console.log(line); },
  });
};
out.textContent = `ready (crossOriginIsolated: ${self.crossOriginIsolated})`;
