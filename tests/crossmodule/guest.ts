// An AssemblyScript module whose heap is as-buddy: it imports malloc/free/realloc from the
// as-buddy module and shares its memory (--importMemory). Built with --memoryBase below 64 KiB,
// the part of memory as-buddy's host build leaves to its guest.
@external("as-buddy", "malloc") declare function malloc(size: usize): usize;
@external("as-buddy", "free") declare function free(ptr: usize): void;
@external("as-buddy", "realloc") declare function realloc(ptr: usize, size: usize): usize;

const GREETING = "hello from the guest's static data";

/** A linked list of n nodes [next u32][value u32] on as-buddy's heap; returns its head. */
export function buildList(n: i32): usize {
  let head: usize = 0;
  for (let i = n - 1; i >= 0; i--) {
    let node = malloc(8);
    if (!node) return 0;
    store<u32>(node, <u32>head);
    store<i32>(node, i, 4);
    head = node;
  }
  return head;
}

export function sumList(head: usize): i64 {
  let sum: i64 = 0;
  while (head) { sum += load<i32>(head, 4); head = load<u32>(head); }
  return sum;
}

export function freeList(head: usize): void {
  while (head) { let next = load<u32>(head); free(head); head = next; }
}

/** Grows a buffer by realloc to `bytes`, writing as it goes; returns a checksum of it. */
export function growBuffer(bytes: i32): i32 {
  let size = 16;
  let buf = malloc(<usize>size);
  for (let i = 0; i < size; i++) store<u8>(buf + i, <u8>i);
  while (size < bytes) {
    buf = realloc(buf, <usize>(size * 2));
    for (let i = size; i < size * 2; i++) store<u8>(buf + i, <u8>i);
    size *= 2;
  }
  let sum = 0;
  for (let i = 0; i < size; i++) sum += load<u8>(buf + i);
  free(buf);
  return sum;
}

export function greetingLength(): i32 { return GREETING.length; }
