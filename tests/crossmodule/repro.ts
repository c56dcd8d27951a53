// The guest of issue "One heap for many modules": an AssemblyScript program that builds strings
// and arrays (its runtime's objects) and mallocs blocks on as-buddy's heap, then checks them.
// Built with --runtime stub (the old recipe: its bump allocator runs into the heap) and with
// as-buddy's linked runtime (every object on the shared heap).
@external("as-buddy", "malloc") declare function malloc(size: usize): usize;
@external("as-buddy", "free") declare function free(ptr: usize): void;

/** Returns the number of blocks whose contents were overwritten (0 when all is well). */
export function work(n: i32): i32 {
  let keep = new Array<string>(); let ptrs = new Array<usize>();
  for (let i = 0; i < n; i++) {
    keep.push("item " + i.toString());
    let p = malloc(64); store<u32>(p, i); ptrs.push(p);
  }
  let bad = 0;
  for (let i = 0; i < n; i++) if (load<u32>(ptrs[i]) != <u32>i) bad++;
  for (let i = 0; i < n; i++) free(ptrs[i]);
  return bad + keep.length - n;
}
