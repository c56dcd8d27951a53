// Compiled with every as-buddy runtime and with AssemblyScript's own incremental runtime; the
// test compares the outputs. Each export exercises one part of the standard library that
// allocates, and returns a summary string.

function hash(s: string): u32 {
  let h: u32 = 2166136261;
  for (let i = 0; i < s.length; i++) h = (h ^ <u32>s.charCodeAt(i)) * 16777619;
  return h;
}

export function strings(): string {
  let s = "";
  for (let i = 0; i < 2000; i++) s += String.fromCharCode(65 + (i % 26));
  let parts = s.split("A");
  let joined = parts.join("-");
  let big = "ab".repeat(100000);
  let t = `${s.length}/${parts.length}/${joined.length}/${big.length}`;
  return t + "/" + hash(joined).toString() + "/" + big.slice(1000, 1010) + "/" + s.toLowerCase().substring(0, 5);
}

export function arrays(): string {
  let a = new Array<i32>();
  for (let i = 0; i < (1 << 20); i++) a.push(i * 3); // 4 MiB of data, grown by doubling
  let sum: i64 = 0;
  for (let i = 0; i < a.length; i++) sum += a[i];
  let words = new Array<string>();
  for (let i = 0; i < 10000; i++) words.push("w" + i.toString());
  let f = new Array<f64>(1000);
  f.fill(1.5);
  return `${a.length}/${sum}/${words.length}/${words[9999]}/${f.reduce<f64>((x, y) => x + y, 0)}`;
}

export function maps(): string {
  let m = new Map<i32, string>();
  let s = new Set<i32>();
  for (let i = 0; i < 100000; i++) {
    m.set(i, i.toString());
    s.add(i * 7);
  }
  for (let i = 0; i < 100000; i += 2) {
    m.delete(i);
    s.delete(i * 7);
  }
  let total: i64 = 0;
  let keys = m.keys();
  for (let i = 0; i < keys.length; i++) total += I64.parseInt(m.get(keys[i]));
  let sm = new Map<string, i32>();
  for (let i = 0; i < 20000; i++) sm.set("k" + (i % 5000).toString(), i);
  return `${m.size}/${s.size}/${total}/${sm.size}/${sm.get("k42")}`;
}

class Node {
  next: Node | null = null;
  parent: Node | null = null;
  children: Array<Node> = new Array<Node>();
  constructor(public value: i32) {}
}

export function cycles(): string {
  // A ring of nodes, each also pointing at a parent that lists it as a child: cycles everywhere.
  let root = new Node(-1);
  let first = new Node(0);
  let prev = first;
  root.children.push(first);
  first.parent = root;
  for (let i = 1; i < 20000; i++) {
    let n = new Node(i);
    prev.next = n;
    n.parent = root;
    root.children.push(n);
    prev = n;
  }
  prev.next = first; // close the ring
  let sum: i64 = 0;
  let n = first;
  for (let i = 0; i < 20000; i++) {
    sum += n.value + n.parent!.value;
    n = n.next!;
  }
  return `${root.children.length}/${sum}/${n.value}`;
}

function double(x: i32): i32 { return x * 2; }
function isOdd(x: i32): bool { return (x & 1) == 1; }

export function closures(): string {
  // AssemblyScript has first-class functions without captured locals.
  let ops: Array<(x: i32) => i32> = [double, (x: i32): i32 => x + 1, (x: i32): i32 => x * x];
  let a = new Array<i32>();
  for (let i = 0; i < 1000; i++) a.push(i);
  let b = a.map<i32>((x: i32): i32 => x * 3).filter((x: i32): bool => isOdd(x));
  let acc = 0;
  for (let i = 0; i < ops.length; i++) acc += ops[i](7);
  return `${b.length}/${b.reduce<i32>((s, x) => s + x, 0)}/${acc}`;
}

export function typed(): string {
  let u8 = new Uint8Array(1 << 20);
  for (let i = 0; i < u8.length; i++) u8[i] = <u8>(i * 13);
  let f64 = new Float64Array(50000);
  for (let i = 0; i < f64.length; i++) f64[i] = Math.sqrt(<f64>i);
  let sub = u8.subarray(1000, 2000);
  let copy = f64.slice(10, 20);
  let sum: u64 = 0;
  for (let i = 0; i < u8.length; i++) sum += u8[i];
  return `${sum}/${sub.length}/${copy[3]}/${f64.reduce<f64>((s, x) => s + x, 0)}`;
}

export function sorting(): string {
  let a = new Array<i32>(100000);
  let x: u32 = 12345;
  for (let i = 0; i < a.length; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    a[i] = <i32>(x % 1000000);
  }
  a.sort((p: i32, q: i32): i32 => p - q);
  let ok = true;
  for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) ok = false;
  let s = new Array<string>();
  for (let i = 0; i < 5000; i++) s.push(((i * 7919) % 5000).toString());
  s.sort();
  return `${ok}/${a[0]}/${a[99999]}/${s[0]}/${s[4999]}`;
}

export function rawHeap(): string {
  let p = heap.alloc(100);
  for (let i = 0; i < 100; i++) store<u8>(p + i, <u8>i);
  p = heap.realloc(p, 100000);
  let ok = true;
  for (let i = 0; i < 100; i++) if (load<u8>(p + i) != <u8>i) ok = false;
  let q = heap.realloc(p, 50);
  for (let i = 0; i < 50; i++) if (load<u8>(q + i) != <u8>i) ok = false;
  heap.free(q);
  let r = heap.alloc(16);
  let aligned = (r & 15) == 0;
  heap.free(r);
  return `${ok}/${aligned}`;
}

/** Strings and arrays across the generated bindings. */
export function echo(s: string, values: Int32Array): string {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return s.toUpperCase() + ":" + sum.toString();
}

export function squares(n: i32): Int32Array {
  let a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i * i;
  return a;
}

/** How many of the last dirtyReuse() scenarios really landed in the dirtied memory (1 + 2). */
let reuse = 0;
export function reused(): i32 { return reuse; }

/** Memory the program dirtied and freed must read as zero when an array grows into it: first
 *  within its slot's slack (in-place __renew), then into a free buddy (__realloc in place).
 *  Returns the number of non-zero elements seen in each case (0/0 on a correct runtime). On
 *  as-buddy's runtimes an 800-byte request and the 800-byte buffer of an Array<i32>(200) take
 *  the same 896-byte slot class (each plus the runtime's 16-byte prefix, the buffer plus its
 *  16-byte object header). */
export function dirtyReuse(): string {
  reuse = 0;
  let slackDirty = 0;
  for (let attempt = 0; attempt < 64; attempt++) {
    let p = heap.alloc(800);
    memory.fill(p, 0xAB, 800);
    heap.free(p);
    let a = new Array<i32>(200);          // 800-byte buffer: the slot p had
    a.length = 210;                       // grows the buffer to 840 bytes, within the slot
    if (changetype<usize>(a.buffer) == p + 16) reuse |= 1;
    for (let i = 200; i < 210; i++) if (a[i] != 0) slackDirty++;
    if (reuse & 1) break;
  }
  // An array whose 32 KiB buffer block (past the largest slot class, 16 KiB) is the lower half
  // of a 64 KiB one; its upper half taken, dirtied and freed; the array grown to twice the
  // block, over the dirty half.
  let buddyDirty = 0;
  for (let attempt = 0; attempt < 64; attempt++) {
    let a = new Array<i32>(4200);                        // 16800-byte buffer
    let block = changetype<usize>(a.buffer) - 32;        // the runtime's prefix, the object header
    if (block & 65535) continue;                         // not a lower half
    let q = heap.alloc(20000);
    if (q != block + 32768 + 16) { heap.free(q); continue; } // not its upper half
    memory.fill(q, 0xCD, 20000);
    heap.free(q);
    a.length = 9000;                                     // 36000 bytes: over q's old bytes
    if (changetype<usize>(a.buffer) - 32 == block) reuse |= 2;
    for (let i = 4200; i < 9000; i++) if (a[i] != 0) buddyDirty++;
    if (reuse & 2) break;
  }
  return `${slackDirty}/${buddyDirty}`;
}
