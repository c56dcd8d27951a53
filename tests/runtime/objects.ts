// Bytes one GC object takes on as-buddy's runtime, measured: `n` ArrayBuffers of `payload`
// bytes, kept alive, against the heap's usedBytes (tests/runtime.test.js holds it against the
// allocator's rules).
import { runtimeHeap } from "../../assembly/runtime/index";
import { HeapStats } from "../../assembly/index";

export function bytesPerObject(payload: i32, n: i32): f64 {
  let keep = new StaticArray<ArrayBuffer | null>(n);
  let s = new HeapStats(); // made before measuring: stats() would allocate one otherwise
  __collect();             // no garbage left for the GC to free while we count
  let before = runtimeHeap().stats(s).usedBytes;
  for (let i = 0; i < n; i++) keep[i] = new ArrayBuffer(payload);
  let after = runtimeHeap().stats(s).usedBytes;
  for (let i = 0; i < n; i++) keep[i] = null;
  return <f64>(after - before) / <f64>n;
}
