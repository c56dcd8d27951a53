// Runs one WASI command module with Node's node:wasi, like `wasmtime <module> <args...>`:
//   node scripts/bench/wasi-run.js build/bench/wasi/as-buddy.wasm <seed> <workload> <args...>
// The benchmark starts one process per run (many WASI instances in one Node process exhaust
// its address space). Exits with the module's exit code.
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [file, ...args], env: {}, returnOnExit: true });
// Keep the WASI object reachable: Node 20 otherwise lets a GC (triggered by a large memory's
// external-memory pressure) finalize it in the middle of an fd_write, and aborts.
globalThis.wasiKeepAlive = wasi;
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), wasi.getImportObject());
globalThis.wasiInstanceKeepAlive = instance;
process.exitCode = wasi.start(instance);
