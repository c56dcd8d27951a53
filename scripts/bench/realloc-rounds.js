// The realloc workload round by round: its first round (memory grown from nothing, a block
// doubled from 16 B to 16 MiB) against the later ones, which find the memory already there.
// The benchmark's realloc row is the sum of all rounds, so this shows what that sum is made
// of. `node scripts/bench/realloc-rounds.js a.wasm [b.wasm ...]`: any module with the C names
// (build/as-buddy.wasm, build/bench/tlsf.wasm, dlmalloc.wasm), each on a fresh instance, called
// from JavaScript. Prints the first round's time and the mean of 500 later rounds (after 50
// not counted), and the bytes copied by moves in a later round.
import { readFileSync } from "node:fs";

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node scripts/bench/realloc-rounds.js a.wasm [b.wasm ...]");
  process.exit(2);
}
const MAX = 16 * 2 ** 20;
for (const file of files) {
  const e = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), {}).exports;
  e._initialize?.(); // a WASI reactor's constructors (emmalloc)
  let copied = 0;
  const round = () => {
    let size = 16;
    let p = e.malloc(size) >>> 0;
    copied = 0;
    while (size < MAX) {
      const q = e.realloc(p, size * 2) >>> 0;
      if (!q) throw new Error(`${file}: realloc to ${size * 2} bytes failed`);
      if (q !== p) copied += size;
      p = q;
      size *= 2;
    }
    e.free(p);
  };
  let t0 = performance.now();
  round();
  const first = performance.now() - t0;
  for (let i = 0; i < 50; i++) round();
  t0 = performance.now();
  for (let i = 0; i < 500; i++) round();
  const later = (performance.now() - t0) / 500;
  console.log(`${file}: first round ${first.toFixed(1)} ms, later rounds ${(later * 1000).toFixed(1)} us each (${(copied / 1024).toFixed(0)} KiB copied by moves)`);
}
