// The size classes (assembly/layout.ts, "Slabs"), derived here and written there as tables:
// `node scripts/size-classes.js` prints the tables (and, on stderr, each class's slab
// geometry); tests/layout.test.js checks that layout.ts holds exactly these, and tests/model.js
// predicts allocations from them.
//
// Why these sizes. A slab is a buddy block cut into slots of one class, and what it has past
// its last slot is lost to all of them. Classes at (1 + q/4) 2^b lost up to 1/16 of their slab
// that way (12 slots of 640 B in 8 KiB leave 464 B), and their steps a tenth of each request
// on average. So above 128 B each class is the largest size that fits a whole number of slots
// in its slab, and there are eight per doubling up to 4 KiB (five above, where a slab of 4 to 7
// slots has no more slot counts to give):
//   - up to 128 B every multiple of 16, then 160, 192, 224, 256 (8 KiB slabs: 31 slots and
//     more, so the tail is small anyway);
//   - per doubling (2^b, 2^(b+1)] from 256 B: slabs of 2^max(13, b+3) bytes, 2^(b+4) from 1 to
//     4 KiB (slabLogFor: 8 KiB up to 1 KiB slots, 16 and 32 KiB up to 4 KiB, then 32 and 64
//     KiB), and the sizes nearest
//     above 2^b (1 + i/8), i = 0..6 (as many as there are), among the largest multiples of the granule (16 B up to
//     1 KiB, 64 B up to 4 KiB, 128 B above: the steps of the class-index table) for each slot
//     count; plus the power of two itself, whose slots are aligned to it (as a request for a
//     power of two must be) in a slab of 2^(b+5) bytes (15 slots, the header takes the 16th;
//     7 for 16 KiB, in the largest slab, 128 KiB).
// Measured against the old classes with scripts/bench/efficiency.js: uniform 79% -> 84%, churn
// 78% -> 83%, random 75% -> 80% (docs/design.md, "Size classes"). Slabs of 2^(b+4) (8 to 15
// slots) for every doubling gave 84%, 82%, 79% but lost small heaps (powerlaw) more; for 1 to
// 4 KiB only, with the borrowing of a larger class's slot before growth, churn's rounding went
// down (docs/design.md, "Before the heap grows for a slab").
export const SLAB_MIN_LOG = 13;
export const SLAB_TOP_LOG = 17;
export const SLAB_HEADER = 32;
export const SLAB_MAX = 16384;

/** The bytes before slot 0 in a slab of 2^log bytes of slot size `size`: the header and the
 *  bitmap, aligned to the slot size for a power of two, else to 16 (+12 in a runtime heap). */
export function firstSlot(log, size, runtime) {
  const bits = ((Math.floor(2 ** log / size) + 31) >> 5) << 2;
  if (runtime) return ((SLAB_HEADER + bits + 15) & ~15) + 12;
  const align = size & (size - 1) ? 16 : size;
  return (SLAB_HEADER + bits + align - 1) & ~(align - 1);
}
/** Slots of `size` in a slab of 2^log bytes: the fewer of an ordinary and a runtime heap's. */
export function slotsIn(log, size) {
  return Math.min(...[false, true].map((rt) => Math.floor((2 ** log - firstSlot(log, size, rt)) / size)));
}
/** The granule of class sizes around `size`: the class-index table's step there. */
export const granule = (size) => (size <= 1024 ? 16 : size <= 4096 ? 64 : 128);

/** log2 of the slab size of the classes in (2^b, 2^(b+1)), b >= 8: 8 KiB up to 1 KiB slots,
 *  2^(b+4) for 1 to 4 KiB (8 to 15 slots, so seven sizes a doubling, not four), then 2^(b+3). */
export function slabLogFor(b) {
  return b === 10 || b === 11 ? b + 4 : Math.max(SLAB_MIN_LOG, b + 3);
}

/** [size, slab log] of every class, smallest first. */
export function sizeClasses() {
  const classes = [];
  for (let s = 16; s <= 128; s += 16) classes.push([s, SLAB_MIN_LOG]);
  for (let s = 160; s <= 256; s += 32) classes.push([s, SLAB_MIN_LOG]);
  for (let b = 8; 2 ** b < SLAB_MAX; b++) {
    const lo = 2 ** b, hi = 2 ** (b + 1), log = slabLogFor(b), g = granule(lo + 1);
    const best = new Map(); // slot count -> the largest size with that count
    for (let size = lo + g; size < hi; size += g) best.set(slotsIn(log, size), size);
    const fits = [...best.values()].sort((x, y) => x - y);
    const chosen = [];
    for (let i = 0; i < 7; i++) {
      const t = lo + (lo * i) / 8;
      const f = fits.find((x) => (i === 0 ? x > t : x >= t) && !chosen.includes(x));
      if (f !== undefined) chosen.push(f);
    }
    for (const size of chosen.sort((x, y) => x - y)) classes.push([size, log]);
    classes.push([hi, Math.min(SLAB_TOP_LOG, Math.max(SLAB_MIN_LOG, b + 5))]);
  }
  return classes;
}

/** The class-index table's step for a request of 1..SLAB_MAX bytes (layout.ts, classIndexOf). */
export function indexOf(size) {
  if (size <= 1024) return (size + 15) >> 4;
  if (size <= 4096) return 64 + ((size - 1024 + 63) >> 6);
  return 112 + ((size - 4096 + 127) >> 7);
}
/** The class-index table: for each step, the smallest class that holds every size in it. */
export function classIndex(classes = sizeClasses()) {
  const table = [];
  for (let i = 0; i <= indexOf(SLAB_MAX); i++) {
    const top = i <= 64 ? i * 16 : i <= 112 ? 1024 + (i - 64) * 64 : 4096 + (i - 112) * 128;
    table.push(classes.findIndex(([size]) => size >= Math.max(top, 1)));
  }
  return table;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const classes = sizeClasses();
  const rows = (xs, per) => xs.map((x, i) => (i % per === 0 ? "\n  " : " ") + x + ",").join("");
  console.log(`@inline export const SLAB_CLASSES: u32 = ${classes.length};`);
  console.log(`const CLASS_SIZES = memory.data<u16>([${rows(classes.map((c) => c[0]), 16)}\n]);`);
  console.log(`const CLASS_SLAB_LOGS = memory.data<u8>([${rows(classes.map((c) => c[1]), 24)}\n]);`);
  console.log(`const CLASS_INDEX = memory.data<u8>([${rows(classIndex(classes), 30)}\n]);`);
  for (const [size, log] of classes) {
    const n = slotsIn(log, size);
    console.error(`${size} B in ${2 ** (log - 10)} KiB: ${n} slots, ${((100 * (2 ** log - n * size)) / 2 ** log).toFixed(1)}% past them`);
  }
}
