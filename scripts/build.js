// Builds the C-ABI module: build/as-buddy.wasm (release), build/as-buddy.debug.wasm (internal
// asserts on) and build/test/as-buddy.limited.wasm (release code, memory capped at 32 pages so
// tests can reach the point where memory.grow fails). Targets are in asconfig.json.
import asc from "assemblyscript/asc";

const targets = process.argv.slice(2).length ? process.argv.slice(2) : ["release", "debug", "limited"];
for (const target of targets) {
  const { error, stderr } = await asc.main(["--config", "asconfig.json", "--target", target], {});
  if (error) {
    console.error(stderr.toString());
    console.error(`build ${target} failed: ${error.message}`);
    process.exit(1);
  }
  console.log(`built ${target}`);
}
