// The stub runtime frees what the program frees: explicit heap.free returns memory.
import { runtimeHeap } from "../../assembly/runtime/index";
import { STATS_SIZE, Counter, getStat, getStat64 } from "../../assembly/layout";

// Read statistics into static memory: HeapStats objects would themselves be garbage (and,
// on the stub runtime, never freed).
const statsBuffer = memory.data(<i32>STATS_SIZE, 16);
export function used(): usize { runtimeHeap().statsInto(statsBuffer); return getStat(statsBuffer, 1); }
function rejectedFrees(): u64 { runtimeHeap().statsInto(statsBuffer); return getStat64(statsBuffer, Counter.REJECTED_FREES); }
export function pages(): i32 { return memory.size(); }

export function pairs(n: i32, size: i32): void {
  for (let i = 0; i < n; i++) {
    let p = heap.alloc(<usize>size);
    store<u32>(p, <u32>i);
    heap.free(p);
  }
}

/** Objects too: a StaticArray freed by hand (the stub has no GC). */
export function objects(n: i32): void {
  for (let i = 0; i < n; i++) {
    let a = new StaticArray<i32>(64);
    a[0] = i;
    heap.free(changetype<usize>(a) - 16); // the object's header starts 16 bytes before it
  }
}

export function badFrees(): string {
  let p = heap.alloc(64);    // a slot (4-byte prefix)
  let q = heap.alloc(65536); // a buddy block (16-byte prefix)
  let h = runtimeHeap();
  let before = used();
  heap.free(p + 16);     // interior
  heap.free(123456789);  // outside the heap
  heap.free(8);          // static data
  heap.free(q + 16);     // interior of a block
  let rejected = rejectedFrees();
  let ok = h.check() == 0 && used() == before;
  heap.free(p);
  heap.free(p);          // double
  heap.free(q);
  heap.free(q);          // double, of a block
  return `${ok}/${rejected}/${rejectedFrees()}/${h.check()}`;
}

export function exhaust(): i32 {
  let n = 0;
  while (true) { heap.alloc(1 << 20); n++; }
  return n;
}
