// Garbage collection on an as-buddy runtime: memory comes back to the heap.
import { runtimeHeap } from "../../assembly/runtime/index";
import { STATS_SIZE, Counter, getStat } from "../../assembly/layout";

class Item {
  next: Item | null = null;
  constructor(public name: string, public data: Array<i32>) {}
}

let keep: Array<Item> | null = null;

// Read statistics into static memory: HeapStats objects would themselves be garbage (and,
// on the stub runtime, never freed).
const statsBuffer = memory.data(<i32>STATS_SIZE, 16);
export function used(): usize { runtimeHeap().statsInto(statsBuffer); return getStat(statsBuffer, 1); }
export function check(): i32 { return runtimeHeap().check(); }
export function pages(): i32 { return memory.size(); }

/** Builds a graph of `n` items (with a cycle) reachable from a global. */
export function build(n: i32): i32 {
  let list = new Array<Item>();
  for (let i = 0; i < n; i++) {
    let data = new Array<i32>(i % 50);
    let item = new Item("item-" + i.toString(), data);
    if (i > 0) list[i - 1].next = item;
    list.push(item);
  }
  list[n - 1].next = list[0];
  keep = list;
  return list.length;
}

export function drop(): void { keep = null; }

/** Creates `n` short-lived objects; `live` of them stay reachable at any time. */
let ring: Array<Item> = new Array<Item>(100);
export function churn(n: i32): void {
  for (let i = 0; i < n; i++) {
    let item = new Item(i.toString(), new Array<i32>(i & 15));
    ring[i % 100] = item;
  }
}

/** Keeps buffers of just under 64 KiB (a 64 KiB block each, headers included) reachable until
 *  memory runs out (the runtime aborts). */
let hoarded = new Array<ArrayBuffer>();
export function hoard(): void {
  while (true) hoarded.push(new ArrayBuffer((1 << 16) - 64));
}
/** Lets the hoard go; returns how many buffers it held. */
export function unhoard(): i32 {
  let n = hoarded.length;
  hoarded = new Array<ArrayBuffer>();
  return n;
}
