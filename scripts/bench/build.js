// Builds the benchmark's modules into build/bench/: the driver, AssemblyScript's TLSF and bump
// allocators under C names, and dlmalloc from wasi-libc (only where clang and Debian's
// wasi-libc are installed; the benchmark says so and runs without it otherwise). as-buddy is
// the project's own build/as-buddy.wasm.
import asc from "assemblyscript/asc";
import { spawnSync } from "node:child_process";
import { mkdirSync, existsSync } from "node:fs";

const OUT = "build/bench";
const COMMON = ["-O3", "--noAssert", "--use", "abort=", "--config", "scripts/bench/asconfig.json"];

async function compile(entry, out, runtime, extra = []) {
  const { error, stderr } = await asc.main([entry, "-o", `${OUT}/${out}`, "--runtime", runtime, ...COMMON, ...extra]);
  if (error) throw new Error(`${out}: ${error.message}\n${stderr}`);
}

/** Builds what the benchmark needs; returns notes on anything it could not build. */
export async function buildBench() {
  mkdirSync(OUT, { recursive: true });
  await compile("scripts/bench/driver.ts", "driver.wasm", "stub");
  await compile("scripts/bench/peers/as-heap.ts", "tlsf.wasm", "minimal");
  await compile("scripts/bench/peers/as-heap.ts", "bump.wasm", "stub");
  const notes = [];
  const sysroot = existsSync("/usr/lib/wasm32-wasi/libc.a") ? "/usr" : null;
  const cc = spawnSync("clang", ["--version"]);
  if (cc.status !== 0 || !sysroot) {
    notes.push("dlmalloc skipped: needs Debian's clang, lld and wasi-libc (apt-get install clang lld wasi-libc)");
  } else {
    const r = spawnSync("clang", [
      "--target=wasm32-wasi", "-O2", "-nostartfiles", "-Wl,--no-entry", "-Wl,--export=malloc",
      "-Wl,--export=free", "-Wl,--export=realloc", "-Wl,--gc-sections", "-o", `${OUT}/dlmalloc.wasm`,
      "scripts/bench/peers/dlmalloc.c",
    ], { encoding: "utf8" });
    if (r.status !== 0) notes.push(`dlmalloc skipped: clang failed: ${r.stderr.trim()}`);
  }
  return notes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const notes = await buildBench();
  for (const n of notes) console.log(n);
  console.log("built build/bench");
}
