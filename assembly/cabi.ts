// The C-ABI module (build/as-buddy.wasm): as-buddy as the allocator of other code, under the
// standard C names, managing linear memory from __heap_base up and growing with memory.grow.
// It imports nothing. C contracts: a failed call returns 0 (the reason is buddy_last_error()),
// free(0) does nothing, malloc(0) returns a unique minimum block, every block is 16-byte
// aligned (wasm32's max_align_t), and a bad pointer is rejected without harm.

import * as core from "./heap";
import { check } from "./check";
import { ErrorCode } from "./errors";
import { STATS_SIZE, DEFAULT_DEFER, DEFAULT_MIN_LOG, MAX_SIZE_LOG, MAX_PAGES, getLastError, setLastError, getCheckDetail } from "./layout";

/** The heap's root: set once, on the first call that needs the heap. */
let root: usize = 0;
/** The error of a failed initialisation (there is no heap to hold it). */
let initError: u32 = ErrorCode.OK;
const statsBuffer = memory.data(<i32>STATS_SIZE, 16);

function setup(minLog: u32, maxOrder: u32, maxPages: u32, deferLimit: u32): u32 {
  let base = __heap_base;
  // Make room for the control block and a first metadata run if static data filled the page.
  if (core.memoryTop() < base + 4096) {
    if (memory.grow(1) < 0) return ErrorCode.OUT_OF_MEMORY;
  }
  let code = core.init(base, core.memoryTop() - base, minLog, maxOrder, maxPages, deferLimit);
  if (code == ErrorCode.OK) root = core.rootOf(base);
  initError = code;
  return code;
}

// @ts-ignore: decorator
@inline function heap(): usize {
  if (!root) setup(DEFAULT_MIN_LOG, MAX_SIZE_LOG - DEFAULT_MIN_LOG, MAX_PAGES, DEFAULT_DEFER);
  return root;
}

/** Configures the heap before its first use. minBlock: power of two >= 16 (the C alignment);
 *  maxOrder: largest block = minBlock << maxOrder; maxPages: memory limit for growth (0: never
 *  grow); deferLimit: see README. Returns an ErrorCode (ALREADY_INITIALIZED after first use). */
export function buddy_init(minBlock: u32, maxOrder: u32, maxPages: u32, deferLimit: u32): u32 {
  if (root) return ErrorCode.ALREADY_INITIALIZED;
  if (minBlock < 16 || (minBlock & (minBlock - 1))) return initError = ErrorCode.BAD_CONFIG;
  return setup(<u32>ctz<u32>(minBlock), maxOrder, maxPages, deferLimit);
}

export function malloc(size: usize): usize {
  let r = heap();
  return r ? core.allocAligned(r, size ? size : 1, 0) : 0;
}

export function free(ptr: usize): void {
  if (!ptr) return;
  let r = heap();
  if (r) core.free(r, ptr);
}

export function calloc(count: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (size && count > <usize>0xFFFFFFFF / size) {
    setLastError(r, ErrorCode.TOO_LARGE);
    return 0;
  }
  let bytes = count * size;
  return core.allocZeroed(r, bytes ? bytes : 1, 0);
}

export function realloc(ptr: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (!size && ptr) { core.free(r, ptr); return 0; } // realloc(p, 0) frees p
  return core.realloc(r, ptr, size ? size : 1);
}

export function aligned_alloc(align: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (!align) { setLastError(r, ErrorCode.BAD_ALIGN); return 0; }
  return core.allocAligned(r, size ? size : 1, align);
}

export function malloc_usable_size(ptr: usize): usize {
  if (!ptr) return 0;
  let r = heap();
  return r ? core.usableSize(r, ptr) : 0;
}

/** Sized free (Rust GlobalAlloc::dealloc): returns an ErrorCode. */
export function buddy_dealloc(ptr: usize, size: usize, align: usize): u32 {
  let r = heap();
  return r ? core.dealloc(r, ptr, size, align) : initError;
}

/** Adds [base, base + size) of this memory as another region. */
export function buddy_add_region(base: usize, size: usize): u32 {
  let r = heap();
  return r ? core.addRegion(r, base, size) : initError;
}

/** Merges the free buddies that deferred coalescing left; returns how many merges. */
export function buddy_coalesce(): u32 {
  let r = heap();
  return r ? core.coalesce(r) : 0;
}

/** The error code of the last failed call. */
export function buddy_last_error(): u32 {
  return root ? getLastError(root) : initError;
}

/** Runs the heap checker: 0 (OK) or an ErrorCode; buddy_check_detail() names the invariant. */
export function buddy_check(): u32 {
  let r = heap();
  return r ? check(r) : initError;
}

export function buddy_check_detail(): u32 {
  return root ? getCheckDetail(root) : 0;
}

/** Fills the statistics record (see README) and returns its address. */
export function buddy_stats(): usize {
  let r = heap();
  if (r) core.statsInto(r, statsBuffer);
  else memory.fill(statsBuffer, 0, STATS_SIZE);
  return statsBuffer;
}

/** The heap's root (control block address); 0 before initialisation fails or happens. */
export function buddy_root(): usize {
  return heap();
}

/** Batch alloc: reads `count` u32 sizes at `sizes` and writes the blocks (16-aligned, as
 *  malloc) to `out`, which may be the same array. All or nothing: on the first failure the
 *  blocks already taken are freed, and the error is returned (OK otherwise). One call from JS
 *  instead of `count`. */
export function buddy_alloc_many(sizes: usize, count: u32, out: usize): u32 {
  let r = heap();
  if (!r) return initError;
  for (let i: u32 = 0; i < count; ++i) {
    let p = core.allocAligned(r, load<u32>(sizes + (<usize>i << 2)), 0);
    if (!p) {
      let code = getLastError(r);
      for (let j: u32 = 0; j < i; ++j) core.free(r, load<u32>(out + (<usize>j << 2)));
      setLastError(r, code);
      return code;
    }
    store<u32>(out + (<usize>i << 2), p);
  }
  return ErrorCode.OK;
}

/** Batch free of `count` u32 pointers at `ptrs`, in order. Stops at the first pointer that is
 *  rejected (its error is buddy_last_error()) and returns how many were freed before it. */
export function buddy_free_many(ptrs: usize, count: u32): u32 {
  let r = heap();
  if (!r) return 0;
  for (let i: u32 = 0; i < count; ++i) {
    let p = load<u32>(ptrs + (<usize>i << 2));
    if (p && core.free(r, p)) return i;
  }
  return count;
}

// ── The core API under as-buddy names (what the TypeScript bindings call) ──────────────────
// Unlike the C names: size 0 is ZERO_SIZE, realloc(p, 0) is an error that frees nothing, and
// free reports its code.

export function buddy_alloc(size: usize, align: usize): usize {
  let r = heap();
  return r ? core.allocAligned(r, size, align) : 0;
}

export function buddy_alloc_zeroed(size: usize, align: usize): usize {
  let r = heap();
  return r ? core.allocZeroed(r, size, align) : 0;
}

export function buddy_free(ptr: usize): u32 {
  let r = heap();
  return r ? core.free(r, ptr) : initError;
}

export function buddy_realloc(ptr: usize, size: usize): usize {
  let r = heap();
  return r ? core.realloc(r, ptr, size) : 0;
}

export function buddy_usable_size(ptr: usize): usize {
  let r = heap();
  return r ? core.usableSize(r, ptr) : 0;
}
