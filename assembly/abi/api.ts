// as-buddy's own entry points (what the TypeScript bindings call): the core's semantics under
// buddy_* names, batches, statistics and the checker. Unlike the C names (c.ts): size 0 is
// ZERO_SIZE, realloc(p, 0) is an error that frees nothing, and free reports its code.

import * as core from "../heap";
import { check } from "../check";
import { ErrorCode } from "../errors";
import { getLastError, setLastError, getCheckDetail, getCounter, unbumpCounter, Counter, SLAB_MAX } from "../layout";
import {
  CACHED, heap, begin, rootIfSet, enter, leave, setupError, recordError, inMemory, statsRecord, emptyStatsRecord,
} from "./module";
import { inCache, rejectCached, usableSizeOf, allocate, freeOrCache } from "./cache";

export function buddy_alloc(size: usize, align: usize): usize {
  return allocate(size, align);
}

export function buddy_alloc_zeroed(size: usize, align: usize): usize {
  let r = begin();
  if (!r) return 0;
  let p = core.allocZeroed(r, size, align);
  leave(r);
  return p;
}

export function buddy_free(ptr: usize): u32 {
  return freeOrCache(ptr);
}

export function buddy_realloc(ptr: usize, size: usize): usize {
  let r = begin();
  if (!r) return 0;
  let p: usize = 0;
  if (ptr && inCache(r, ptr)) rejectCached(r);
  else p = core.realloc(r, ptr, size);
  leave(r);
  return p;
}

export function buddy_usable_size(ptr: usize): usize {
  return usableSizeOf(ptr);
}

/** Sized free (Rust GlobalAlloc::dealloc): returns an ErrorCode. */
export function buddy_dealloc(ptr: usize, size: usize, align: usize): u32 {
  let r = begin();
  if (!r) return setupError();
  let code = inCache(r, ptr) ? rejectCached(r) : core.dealloc(r, ptr, size, align);
  leave(r);
  return code;
}

/** A buffer of `bytes` for the bindings' batch calls (allocMany, freeMany): a block of the heap
 *  that the statistics do not count as an allocation (nor its free, buddy_scratch_free), so that
 *  stats() counts only the program's blocks and a rejected batch leaves the byte totals as they
 *  were. 0 when there is no room (not counted either). */
export function buddy_scratch(bytes: usize): usize {
  let r = begin();
  if (!r) return 0;
  let failed = getCounter(r, Counter.FAILED_ALLOCS);
  // A block, never a slot: a slot's new slab would stay behind, empty, once the buffer is freed.
  // An alignment past the size's class keeps allocAligned off the slabs (slotFor).
  let align: usize = 32;
  while (align < bytes) align <<= 1;
  let p = core.allocAligned(r, bytes, bytes <= SLAB_MAX ? align << 1 : 16);
  if (p) unbumpCounter(r, Counter.ALLOCS);
  else if (getCounter(r, Counter.FAILED_ALLOCS) > failed) unbumpCounter(r, Counter.FAILED_ALLOCS);
  leave(r);
  return p;
}

export function buddy_scratch_free(ptr: usize): void {
  let r = begin();
  if (!r) return;
  if (core.free(r, ptr) == ErrorCode.OK) unbumpCounter(r, Counter.FREES);
  leave(r);
}

/** Adds [base, base + size) of this memory as another region. */
export function buddy_add_region(base: usize, size: usize): u32 {
  let r = begin();
  if (!r) return setupError();
  let code = core.addRegion(r, base, size);
  leave(r);
  return code;
}

/** Merges the free buddies that deferred coalescing left; returns how many merges. */
export function buddy_coalesce(): u32 {
  let r = begin();
  if (!r) return 0;
  let n = core.coalesce(r);
  leave(r);
  return n;
}

/** Runs the heap checker: 0 (OK) or an ErrorCode; buddy_check_detail() names the invariant. */
export function buddy_check(): u32 {
  let r = begin();
  if (!r) return setupError();
  let code = check(r);
  leave(r);
  return code;
}

/** The invariant the last check() found broken (CheckFailure); 0 before the heap is set up. */
export function buddy_check_detail(): u32 {
  let r = rootIfSet();
  return r ? getCheckDetail(r) : 0;
}

/** Fills the statistics record (docs/statistics.md) and returns its address: the record before the
 *  control block, or in the threads build a block of the heap that each instance takes on its
 *  first call (256 bytes in use per instance that reads statistics). All zero without a heap;
 *  0 when setup could not even make room for the record. */
export function buddy_stats(): usize {
  let r = begin();
  if (!r) return emptyStatsRecord();
  let out = statsRecord(r);
  if (out) core.statsInto(r, out);
  leave(r);
  return out;
}

/** The heap's root (control block address); 0 if setup failed. */
export function buddy_root(): usize {
  return heap();
}

/** Batch alloc: reads `count` u32 sizes at `sizes` and writes the blocks (16-aligned, as
 *  malloc) to `out`, which may be the same array. All or nothing: on the first failure the
 *  blocks already taken are freed, and the error is returned (OK otherwise); an array that
 *  does not fit in memory is BAD_REGION. One call from JS instead of `count`. */
export function buddy_alloc_many(sizes: usize, count: u32, out: usize): u32 {
  let r = heap();
  if (!r) return setupError();
  // Arrays that do not fit in memory would trap: BAD_REGION, nothing allocated.
  if (!inMemory(sizes, <u64>count << 2) || !inMemory(out, <u64>count << 2)) {
    recordError(r, ErrorCode.BAD_REGION);
    return ErrorCode.BAD_REGION;
  }
  r = enter();
  let code: u32 = ErrorCode.OK;
  for (let i: u32 = 0; i < count; ++i) {
    let p = core.allocAligned(r, load<u32>(sizes + (<usize>i << 2)), 0);
    if (!p) {
      code = getLastError(r);
      for (let j: u32 = 0; j < i; ++j) core.free(r, load<u32>(out + (<usize>j << 2)));
      setLastError(r, code);
      break;
    }
    store<u32>(out + (<usize>i << 2), p);
  }
  leave(r);
  return code;
}

/** Batch free of `count` u32 pointers at `ptrs`, in order. Stops at the first pointer that is
 *  rejected (its error is buddy_last_error()) and returns how many were freed before it; an
 *  array that does not fit in memory frees nothing (BAD_REGION). */
export function buddy_free_many(ptrs: usize, count: u32): u32 {
  let r = heap();
  if (!r) return 0;
  if (!inMemory(ptrs, <u64>count << 2)) {
    recordError(r, ErrorCode.BAD_REGION);
    return 0;
  }
  r = enter();
  let i: u32 = 0;
  for (; i < count; ++i) {
    let p = load<u32>(ptrs + (<usize>i << 2));
    if (p && (inCache(r, p) ? rejectCached(r) : core.free(r, p))) break;
  }
  leave(r);
  return i;
}
