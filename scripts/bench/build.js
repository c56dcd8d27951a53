// Builds the benchmark's modules into build/bench/: the driver, AssemblyScript's TLSF and bump
// allocators under C names, dlmalloc from wasi-libc and Emscripten's emmalloc (these two only
// where clang and Debian's wasi-libc are installed; the benchmark says so and runs without them
// otherwise). as-buddy is
// the project's own build/as-buddy.wasm.
import asc from "assemblyscript/asc";
import { spawnSync } from "node:child_process";
import { mkdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { missing } from "../system-tools.js";
import { fetchEmmalloc, EMMALLOC_DIR } from "./fetch-emmalloc.js";
import { memoryImportMinimum, guestLayout } from "../../bindings/dist/index.js";

const OUT = "build/bench";
const COMMON = ["-O3", "--noAssert", "--use", "abort=", "--config", "scripts/bench/asconfig.json"];

async function compile(entry, out, runtime, extra = []) {
  const { error, stderr } = await asc.main([entry, "-o", `${OUT}/${out}`, "--runtime", runtime, ...COMMON, ...extra]);
  if (error) throw new Error(`${out}: ${error.message}\n${stderr}`);
}

/** Builds what the benchmark needs; returns notes on anything it could not build. */
export async function buildBench() {
  mkdirSync(OUT, { recursive: true });
  await compile("scripts/bench/driver.ts", "driver.wasm", "stub", ["--importMemory"]); // driverImports()
  await compile("scripts/bench/peers/as-heap.ts", "tlsf.wasm", "minimal");
  await compile("scripts/bench/peers/as-heap.ts", "bump.wasm", "stub");
  await compile("scripts/bench/gc-program.ts", "gc-buddy.wasm", "./assembly/runtime/incremental");
  await compile("scripts/bench/gc-program.ts", "gc-tlsf.wasm", "incremental");
  await compile("scripts/bench/gc-objects.ts", "gc-objects-buddy.wasm", "./assembly/runtime/incremental");
  await compile("scripts/bench/gc-objects.ts", "gc-objects-tlsf.wasm", "incremental");
  // The linked runtime: the same programs with every allocation on the host build's heap.
  // Instantiated by hand (suite.js), so their data and shadow stack must end below the host's
  // own heap start, 64 KiB.
  for (const [entry, out] of [["scripts/bench/gc-program.ts", "gc-linked.wasm"], ["scripts/bench/gc-objects.ts", "gc-objects-linked.wasm"]]) {
    await compile(entry, out, "./assembly/runtime/linked", ["--importMemory"]);
    const { end } = guestLayout(readFileSync(`${OUT}/${out}`));
    if (end > 65536) throw new Error(`${out}: its data and stack end at ${end}, above the host's heap start (65536)`);
  }
  await buildWasi();
  const notes = [];
  const why = missing("wasi-libc");
  if (why) {
    notes.push(`dlmalloc skipped: ${why}`);
  } else {
    const r = spawnSync("clang", [
      "--target=wasm32-wasi", "-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=malloc",
      "-Wl,--export=free", "-Wl,--export=realloc", "-Wl,--gc-sections", "-o", `${OUT}/dlmalloc.wasm`,
      "scripts/bench/peers/dlmalloc.c",
    ], { encoding: "utf8" });
    if (r.status !== 0) notes.push(`dlmalloc skipped: clang failed: ${r.stderr.trim()}`);
    // -fno-builtin-*: else clang elides malloc/free pairs whose memory is never used.
    const w = spawnSync("clang", ["--target=wasm32-wasi", "-O2", "-fno-builtin-malloc", "-fno-builtin-free", "-fno-builtin-realloc", "-fno-builtin-calloc", "-o", `${OUT}/wasi/dlmalloc.wasm`, "scripts/bench/peers/wasi-driver.c"], { encoding: "utf8" });
    if (w.status !== 0) notes.push(`dlmalloc's WASI build skipped: clang failed: ${w.stderr.trim()}`);
    notes.push(...buildEmmalloc());
  }
  const whyCxx = missing("libc++");
  if (whyCxx) notes.push(`cxx-program skipped: ${whyCxx}`);
  else notes.push(...buildCxx());
  return notes;
}

/** emmalloc (Emscripten's small allocator: emmalloc.c from Debian's emscripten package,
 *  fetch-emmalloc.js, with the wrapper in scripts/bench/peers/emmalloc/): a module of its own
 *  exporting the C names, like dlmalloc's, and a WASI command build with the C driver (whose
 *  _start runs the constructors). NDEBUG as in Emscripten's release builds of it (its asserts
 *  would pull in stdio). */
function buildEmmalloc() {
  const fetched = fetchEmmalloc();
  if (!fetched.path) return [fetched.note];
  // -fno-strict-aliasing: emmalloc reads and writes region sizes through several types; without
  // it the random workload faulted in attempt_allocate here (wasi-libc, which ships emmalloc,
  // met the same in prev_region: its issue 421).
  const flags = ["--target=wasm32-wasi", "-O2", "-DNDEBUG", "-fno-strict-aliasing", "-Iscripts/bench/peers/emmalloc/include", `-I${EMMALLOC_DIR}`];
  const source = "scripts/bench/peers/emmalloc/emmalloc-peer.c";
  const notes = [];
  // A reactor (-mexec-model=reactor): emmalloc sets its free lists up in a constructor, which
  // the module's _initialize runs (the suite calls it).
  const r = spawnSync("clang", [...flags, "-mexec-model=reactor", "-Wl,--export=malloc",
    "-Wl,--export=free", "-Wl,--export=realloc", "-Wl,--gc-sections", "-o", `${OUT}/emmalloc.wasm`, source], { encoding: "utf8" });
  if (r.status !== 0) notes.push(`emmalloc skipped: clang failed: ${r.stderr.trim()}`);
  const w = spawnSync("clang", [...flags, "-fno-builtin-malloc", "-fno-builtin-free", "-fno-builtin-realloc", "-fno-builtin-calloc",
    "-o", `${OUT}/wasi/emmalloc.wasm`, "scripts/bench/peers/wasi-driver.c", source], { encoding: "utf8" });
  if (w.status !== 0) notes.push(`emmalloc's WASI build skipped: clang failed: ${w.stderr.trim()}`);
  return notes;
}

/** The C++ program of the "cxx-program" row, three ways (scripts/bench/cxx.js runs them):
 *  on as-buddy (c/as-buddy-malloc.c, imports from the host build), on dlmalloc built in
 *  (wasi-libc's own malloc), and on dlmalloc in a module of its own behind the same imports. */
export const CXX = {
  buddy: `${OUT}/cxx-as-buddy.wasm`,
  dlmalloc: `${OUT}/cxx-dlmalloc.wasm`,
  dlmallocHost: `${OUT}/cxx-dlmalloc-host.wasm`,
};
function buildCxx() {
  const clang = (cmd, args) => {
    const r = spawnSync(cmd, args, { encoding: "utf8" });
    return r.status === 0 ? null : `cxx-program skipped: ${cmd} failed: ${r.stderr.trim()}`;
  };
  const flags = ["--target=wasm32-wasi", "-O2"];
  const cxx = [...flags, "-fno-exceptions", "scripts/bench/cxx-program.cpp"];
  const err = clang("clang", [...flags, "-c", "c/as-buddy-malloc.c", "-o", `${OUT}/as-buddy-malloc.o`])
    ?? clang("clang++", [...cxx, `${OUT}/as-buddy-malloc.o`, "-Wl,--import-memory", "-o", CXX.buddy])
    ?? clang("clang++", [...cxx, "-o", CXX.dlmalloc]);
  if (err) return [err];
  // dlmalloc's module keeps its data, stack and heap above the program's: it starts where the
  // program's memory (data, stack, up to __heap_base) ends.
  const pages = memoryImportMinimum(readFileSync(CXX.buddy));
  const host = clang("clang", [...flags, "-nostartfiles", "-Wl,--no-entry", "-Wl,--import-memory",
    `-Wl,--global-base=${pages * 65536}`, "-Wl,-z,stack-size=65536", "-o", CXX.dlmallocHost, "scripts/bench/peers/dlmalloc-host.c"]);
  return host ? [host] : [];
}

/** WASI command modules, one per AssemblyScript peer: driver.ts with the peer linked in (its
 *  allocator imports replaced, its slot arrays taken from the allocator under test) plus
 *  wasi-main.ts. They import only wasi_snapshot_preview1: node:wasi runs them here, wasmtime
 *  would run them unchanged. */
export const WASI_PEERS = {
  "as-buddy": { from: "../../../assembly/cabi", runtime: "stub" },
  tlsf: { from: "../../../scripts/bench/peers/as-heap", runtime: "minimal" },
  bump: { from: "../../../scripts/bench/peers/as-heap", runtime: "stub" },
};
async function buildWasi() {
  mkdirSync(`${OUT}/wasi`, { recursive: true });
  const driver = readFileSync("scripts/bench/driver.ts", "utf8");
  const main = readFileSync("scripts/bench/wasi-main.ts", "utf8");
  const externs = /@external\("alloc", "(malloc|free|realloc)"\) declare function [^\n]*\n/g;
  if ((driver.match(externs) ?? []).length !== 3) throw new Error("driver.ts: expected three @external allocator imports");
  for (const [peer, { from, runtime }] of Object.entries(WASI_PEERS)) {
    const source = `// Generated by scripts/bench/build.js from driver.ts and wasi-main.ts: do not edit.\n` +
      `import { malloc, free, realloc } from "${from}";\n` +
      driver.replace(externs, "").replaceAll("heap.alloc(", "malloc(") + "\n" + main;
    writeFileSync(`${OUT}/wasi/${peer}.ts`, source);
    await compile(`${OUT}/wasi/${peer}.ts`, `wasi/${peer}.wasm`, runtime);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const notes = await buildBench();
  for (const n of notes) console.log(n);
  console.log("built build/bench");
}
