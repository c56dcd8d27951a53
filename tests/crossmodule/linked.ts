// An AssemblyScript guest on as-buddy's linked runtime (assembly/runtime/linked.ts): its GC
// objects and its raw blocks are on the host's heap, shared with the other guests of
// tests/crossmodule.test.js. Built twice, at two --memoryBase values, as two modules.
// Across modules it passes malloc'd blocks, never references to its GC objects
// (docs/other-modules.md, "Pointers across modules").
@external("as-buddy", "malloc") declare function malloc(size: usize): usize;
@external("as-buddy", "free") declare function free(ptr: usize): void;

let kept = new Array<string>();

/** A message as a block the receiver owns: [length u32][UTF-8 bytes]. */
export function makeMessage(i: i32): usize {
  let text = "message " + i.toString() + " from the module at " + (<u32>__heap_base).toString();
  let utf8 = String.UTF8.encode(text);
  let block = malloc(4 + <usize>utf8.byteLength);
  store<u32>(block, <u32>utf8.byteLength);
  memory.copy(block + 4, changetype<usize>(utf8), <usize>utf8.byteLength);
  return block;
}

/** Takes a message block made by any module: keeps its text as a string of this module's
 *  own, and frees the block (whoever allocated it). Returns the text's length. */
export function takeMessage(block: usize): i32 {
  let text = String.UTF8.decodeUnsafe(block + 4, <usize>load<u32>(block));
  free(block);
  kept.push(text);
  return text.length;
}

/** The kept texts joined, and dropped: they become garbage for this module's GC. */
export function drainKept(): string {
  let all = kept.join("|");
  kept = new Array<string>();
  return all;
}

/** Many short-lived objects: this module's GC frees them into the shared heap. */
export function churn(n: i32): i32 {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let parts = new Array<string>();
    for (let j = 0; j < 8; j++) parts.push(j.toString());
    sum += parts.join(",").length;
  }
  return sum;
}

/** A string of this module's, pinned so that the GC neither frees nor moves it while another
 *  module reads it (through raw loads, never as a reference of its own). */
let lent: string | null = null;
export function lendString(n: i32): usize {
  lent = "lent:" + "x".repeat(n);
  return __pin(changetype<usize>(lent));
}
export function returnString(ptr: usize): void {
  __unpin(ptr);
  lent = null;
}

/** Reads another module's string, lent as a pointer: its UTF-16 length (from the object
 *  header) and a checksum of its characters, with raw loads only. */
export function readLent(ptr: usize): i32 {
  let length = load<u32>(ptr - 4) >> 1;
  let sum = 0;
  for (let i: u32 = 0; i < length; i++) sum += load<u16>(ptr + (i << 1));
  return sum;
}
