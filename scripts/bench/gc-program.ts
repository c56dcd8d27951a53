// The runtime benchmark: one AssemblyScript program that lives on GC objects (strings, arrays of
// objects, maps), built twice, with as-buddy's incremental runtime and with AssemblyScript's own
// (TLSF + the same incremental GC). run(n) does n iterations; the time per iteration is the figure.

class Point {
  constructor(public x: f64, public y: f64) {}
}

export function run(n: i32): i32 {
  let total = 0;
  let keep = new Array<string>(); // a slowly growing live set next to the garbage
  for (let i = 0; i < n; i++) {
    let s = "item-" + i.toString();
    let points = new Array<Point>();
    for (let j = 0; j < 8; j++) points.push(new Point(<f64>j, <f64>i));
    let m = new Map<string, i32>();
    m.set(s, i);
    m.set(s + "-copy", points.length);
    if ((i & 63) == 0) keep.push(s.repeat(4));
    total += s.length + points.length + m.size;
  }
  return total + keep.length;
}
