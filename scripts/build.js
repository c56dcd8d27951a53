// Builds every target of asconfig.json (or those named on the command line): the C-ABI module
// build/as-buddy.wasm (release, with asc's raw bindings beside it), build/as-buddy.debug.wasm
// (internal asserts on), build/test/as-buddy.checked.wasm (debug, and check() after every
// call), build/test/as-buddy.limited.wasm (release code, memory capped at 32 pages so tests
// reach the point where memory.grow fails), build/as-buddy.host.wasm (its heap at 64 KiB
// unless a guest module sharing the memory says where, buddy_set_heap_start),
// build/as-buddy.threads.wasm (one heap for every instance on an imported shared memory,
// behind a lock), build/test/as-buddy.threads-unlocked.wasm (the same without the lock, for the
// test that shows the lock is what waits) and build/test/as-buddy.threads-nocache.wasm (one
// lock and no per-instance caches: what the threads benchmark compares with).
// Then the TypeScript bindings.
import asc from "assemblyscript/asc";
import { readFileSync } from "node:fs";

const targets = process.argv.slice(2).length ? process.argv.slice(2)
  : Object.keys(JSON.parse(readFileSync(new URL("../asconfig.json", import.meta.url), "utf8")).targets);
for (const target of targets) {
  const { error, stderr } = await asc.main(["--config", "asconfig.json", "--target", target], {});
  if (error) {
    console.error(stderr.toString());
    console.error(`build ${target} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`built ${target}`);
}

// The TypeScript bindings (bindings/src -> bindings/dist, with .d.ts), type-checked strictly.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
if (!process.argv.slice(2).length) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  for (const project of ["bindings/tsconfig.json", "tests/types/tsconfig.json"]) {
    const r = spawnSync(process.execPath, [tsc, "-p", project], { stdio: "inherit" });
    if (r.status !== 0) {
      console.error(`tsc -p ${project} failed`);
      process.exit(1);
    }
  }
  console.log("built bindings (and type-checked a strict consumer)");
}
