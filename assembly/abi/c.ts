// The standard C names (build/as-buddy.wasm and its host build): as-buddy as the allocator of
// other code. C contracts: a failed call returns 0 (the reason is buddy_last_error()),
// free(0) does nothing, malloc(0) returns a unique smallest allocation (malloc(1)'s: a 16-byte
// slot, or a minimum block without size classes), every block is 16-byte
// aligned (wasm32's max_align_t), and a bad pointer is rejected without harm.

import * as core from "../heap";
import { ErrorCode } from "../errors";
import { begin, leave, rejectAlloc } from "./module";
import { inCache, rejectCached, usableSizeOf, allocate, freeOrCache } from "./cache";

export function malloc(size: usize): usize {
  return allocate(size ? size : 1, 0);
}

export function free(ptr: usize): void {
  if (ptr) freeOrCache(ptr);
}

export function calloc(count: usize, size: usize): usize {
  let r = begin();
  if (!r) return 0;
  let p: usize = 0;
  if (size && count > <usize>0xFFFFFFFF / size) rejectAlloc(r, ErrorCode.TOO_LARGE);
  else {
    let bytes = count * size;
    p = core.allocZeroed(r, bytes ? bytes : 1, 0);
  }
  leave(r);
  return p;
}

export function realloc(ptr: usize, size: usize): usize {
  let r = begin();
  if (!r) return 0;
  let p: usize = 0;
  if (ptr && inCache(r, ptr)) rejectCached(r);
  else if (!size && ptr) core.free(r, ptr); // realloc(p, 0) frees p
  else p = core.realloc(r, ptr, size ? size : 1);
  leave(r);
  return p;
}

export function aligned_alloc(align: usize, size: usize): usize {
  let r = begin();
  if (!r) return 0;
  let p: usize = 0;
  if (!align) rejectAlloc(r, ErrorCode.BAD_ALIGN);
  else p = core.allocAligned(r, size ? size : 1, align);
  leave(r);
  return p;
}

export function malloc_usable_size(ptr: usize): usize {
  return ptr ? usableSizeOf(ptr) : 0;
}
