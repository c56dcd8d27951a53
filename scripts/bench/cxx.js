// The "cxx-program" rows (Node): one C++ program (scripts/bench/cxx-program.cpp, every
// allocation through operator new) on as-buddy (c/as-buddy-malloc.c, the host build, run by
// instantiateGuest), on dlmalloc built in (wasi-libc's own malloc), and on dlmalloc in a
// module of its own behind the same imports as as-buddy's (what the module boundary costs).
// Time is wall time of the program's run (instantiation excluded) per round; memory is the
// memory's size at the end (the program keeps its index and buffers to the end).
import { readFileSync, openSync, closeSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WASI } from "node:wasi";
import { instantiateGuest, memoryImportMinimum } from "../../bindings/dist/index.js";
import { CXX } from "./build.js";
import { row } from "./suite.js";

/** Runs one program's instance once; returns its time, memory and stdout. */
async function once(rounds, instantiate) {
  const out = join(tmpdir(), `as-buddy-cxx-${process.pid}.out`);
  const fd = openSync(out, "w");
  const wasi = new WASI({ version: "preview1", args: ["cxx-program", String(rounds)], stdout: fd, returnOnExit: true });
  try {
    const { exports, memory } = await instantiate(wasi.getImportObject());
    const t0 = performance.now();
    const code = wasi.start({ exports });
    const ms = performance.now() - t0;
    if (code !== 0) throw new Error(`cxx-program exited with ${code}`);
    return { ms, memory: memory.buffer.byteLength, stdout: readFileSync(out, "utf8") };
  } finally {
    closeSync(fd);
  }
}

const PEERS = {
  "as-buddy (imported)": async (imports) => {
    const g = await instantiateGuest(readFileSync(CXX.buddy), imports);
    return { exports: g.exports, memory: g.memory };
  },
  "dlmalloc (built in)": async (imports) => {
    const { instance } = await WebAssembly.instantiate(readFileSync(CXX.dlmalloc), imports);
    return { exports: instance.exports, memory: instance.exports.memory };
  },
  "dlmalloc (imported)": async (imports) => {
    const host = readFileSync(CXX.dlmallocHost);
    const memory = new WebAssembly.Memory({ initial: memoryImportMinimum(host) });
    const { instance: h } = await WebAssembly.instantiate(host, { ...imports, env: { memory } });
    const { instance } = await WebAssembly.instantiate(readFileSync(CXX.buddy), { ...imports, env: { memory }, "as-buddy": h.exports });
    return { exports: { ...instance.exports, memory }, memory };
  },
};

export async function runCxx({ scale = 1, runs = 5, log = () => {} }) {
  if (!Object.values(CXX).every((f) => existsSync(f))) return { rows: [], notes: ["cxx-program: not built (see the build notes)"] };
  const rounds = Math.max(2000, Math.round(4e5 * scale));
  const rows = [];
  let expected = null;
  for (const [peer, instantiate] of Object.entries(PEERS)) {
    const results = [];
    for (let r = 0; r <= runs; r++) {
      const { ms, memory, stdout } = await once(rounds, instantiate);
      expected ??= stdout;
      if (stdout !== expected) throw new Error(`cxx-program on ${peer} printed ${JSON.stringify(stdout)}, not ${JSON.stringify(expected)}`);
      if (r > 0) results.push({ calls: rounds, ms, peak: 0, memory, failures: 0, meta: null });
    }
    const x = row("cxx-program", peer, "program", results);
    x.efficiency = null;
    rows.push(x);
  }
  log(`cxx-program done (${expected.trim()})`);
  return { rows, notes: [] };
}
