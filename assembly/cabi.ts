// The C-ABI module (build/as-buddy.wasm): as-buddy as the allocator of other code, under the
// standard C names, managing linear memory from __heap_base up and growing with memory.grow.
// It imports nothing. C contracts: a failed call returns 0 (the reason is buddy_last_error()),
// free(0) does nothing, malloc(0) returns a unique minimum block, every block is 16-byte
// aligned (wasm32's max_align_t), and a bad pointer is rejected without harm.
//
// Threads build (build/as-buddy.threads.wasm: --enable threads, imported shared memory): every
// instance on the memory sees one heap. The heap is set up exactly once (a state word at
// __heap_base, see layout.ts "Shared heaps"), and every entry point holds one lock, a futex:
// it spins briefly, then sleeps in atomic.wait until the holder's atomic.notify. Without
// --enable threads the lock compiles to nothing. (A test build with AS_BUDDY_UNLOCKED defined
// leaves the lock out on purpose, to show the race it prevents.)

import * as core from "./heap";
import { check } from "./check";
import { ErrorCode, PoolError } from "./errors";
import * as pools from "./pool";
import {
  STATS_SIZE, DEFAULT_DEFER, DEFAULT_MIN_LOG, AUTO_ORDER, MAX_PAGES, SHARED_HEADER, SHARED_STATE,
  SHARED_LOCK, SHARED_ERROR, SHARED_SEQ, POOL_STATS_SIZE, MODULE_HEADER, MODULE_STATS, MODULE_POOL_STATS, getLastError, setLastError, getCheckDetail,
  getMinLog, orderOf, Counter, bumpCounter, DEFAULT_FEATURES, FLAG_SLABS,
  getRegionCount, getRegionStart, getRegionEnd,
} from "./layout";

// @ts-ignore: decorator
@inline const THREADS: bool = ASC_FEATURE_THREADS;
// @ts-ignore: decorator
@inline const LOCKED: bool = ASC_FEATURE_THREADS && !isDefined(AS_BUDDY_UNLOCKED);
/** Threads build: per-instance caches of small blocks (see "Caches" below). Not in the test
 *  build without the lock, nor in the one-lock-only build the benchmark compares with. */
// @ts-ignore: decorator
@inline const CACHED: bool = LOCKED && !isDefined(AS_BUDDY_NO_CACHE);
/** Where this module's part of memory starts: this module's __heap_base, or (without threads)
 *  the start a guest module gave with buddy_set_heap_start: the end of the guest's own static
 *  data and stack, whatever their size (layout.ts "The C module's memory"). */
// @ts-ignore: decorator
@inline function moduleStart(): usize {
  return THREADS ? __heap_base : (heapStart ? heapStart : (__heap_base + 15) & ~15);
}
/** Where the heap starts: after the shared header (threads build) or the module header. */
// @ts-ignore: decorator
@inline function heapBase(): usize { return moduleStart() + (THREADS ? SHARED_HEADER : MODULE_HEADER); }

/** The heap's root, cached per instance once the heap is set up. */
let root: usize = 0;
/** The error of a failed initialisation (there is no heap to hold it). */
let initError: u32 = ErrorCode.OK;
/** Threads build: this instance's last error (the control block's slot is shared). */
let threadError: u32 = ErrorCode.OK;
/** buddy_set_heap_start's address (16-aligned); 0: this module's __heap_base. */
let heapStart: usize = 0;
/** The statistics record: in the module header without threads (this module has no static
 *  data, so that nothing of it sits where a guest's data may be); per instance, from the heap,
 *  with. */
let statsBuffer: usize = 0;

// ── The lock (threads build) ─────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function lock(): void {
  if (!LOCKED) return;
  let word = __heap_base + SHARED_LOCK;
  let c = atomic.cmpxchg<i32>(word, 0, 1);
  if (c == 0) return;
  for (let spin = 0; spin < 64 && c != 0; ++spin) c = atomic.cmpxchg<i32>(word, 0, 1);
  if (c == 0) return;
  if (c != 2) c = atomic.xchg<i32>(word, 2);
  while (c != 0) {
    atomic.wait<i32>(word, 2, -1);
    c = atomic.xchg<i32>(word, 2);
  }
}

// @ts-ignore: decorator
@inline function unlock(): void {
  if (!LOCKED) return;
  let word = __heap_base + SHARED_LOCK;
  if (atomic.sub<i32>(word, 1) != 1) {
    atomic.store<i32>(word, 0);
    atomic.notify(word, 1);
  }
}

/** Entry into the heap: takes the lock; in the threads build also clears the shared error slot
 *  so that leave() can tell whether this call failed. */
// @ts-ignore: decorator
@inline function enter(r: usize): void {
  lock();
  if (CACHED) atomic.add<u32>(__heap_base + SHARED_SEQ, 1); // odd: the heap is changing
  if (THREADS) setLastError(r, ErrorCode.OK);
}

/** The debug-check build (build/test/as-buddy.checked.wasm, AS_BUDDY_CHECK_CALLS defined):
 *  the heap checker runs at the end of every call that entered the heap, and a broken
 *  invariant traps there, in the call that broke it, not many calls later. */
// @ts-ignore: decorator
@inline const CHECK_CALLS: bool = isDefined(AS_BUDDY_CHECK_CALLS);

/** Leaves the heap: keeps this call's error for this instance, then unlocks. */
// @ts-ignore: decorator
@inline function leave(r: usize): void {
  if (CHECK_CALLS && check(r) != ErrorCode.OK) unreachable();
  if (THREADS) {
    let e = getLastError(r);
    if (e) threadError = e;
  }
  if (CACHED) atomic.add<u32>(__heap_base + SHARED_SEQ, 1); // even again
  unlock();
}

// ── Setup ────────────────────────────────────────────────────────────────────────────────────

function initHeap(minLog: u32, maxOrder: u32, maxPages: u32, deferLimit: u32, features: u32): u32 {
  let base = heapBase();
  // Make room for the control block, a first metadata run and two minimum blocks (so that one
  // whole aligned block fits whatever the minimum block): static data may have filled the
  // page, and a 64 KiB minimum block needs more than the module's initial memory.
  let need = <u64>base + 4096 + (minLog <= 16 ? <u64>2 << minLog : 0);
  let top = <u64>core.memoryTop();
  if (top < need) {
    if (memory.grow(<i32>((need - top + 0xffff) >> 16)) < 0) return ErrorCode.OUT_OF_MEMORY;
  }
  return core.init(base, core.memoryTop() - base, minLog, maxOrder, maxPages, deferLimit, features);
}

/** Sets the heap up (once, across all instances in the threads build); returns the code. */
function setup(minLog: u32, maxOrder: u32, maxPages: u32, deferLimit: u32, features: u32): u32 {
  let code: u32;
  if (THREADS) {
    let state = __heap_base + SHARED_STATE;
    if (atomic.cmpxchg<i32>(state, 0, 1) == 0) {
      code = initHeap(minLog, maxOrder, maxPages, deferLimit, features);
      atomic.store<u32>(__heap_base + SHARED_ERROR, code);
      atomic.store<i32>(state, code ? 3 : 2);
      atomic.notify(state);
    } else {
      while (atomic.load<i32>(state) == 1) atomic.wait<i32>(state, 1, -1);
      code = atomic.load<u32>(__heap_base + SHARED_ERROR);
    }
  } else {
    code = initHeap(minLog, maxOrder, maxPages, deferLimit, features);
    // The header is in memory once initHeap grew it far enough, also when setup failed later.
    if (<u64>heapBase() <= core.memoryTop()) {
      statsBuffer = moduleStart() + MODULE_STATS;
      poolStatsBuffer = moduleStart() + MODULE_POOL_STATS;
    }
  }
  if (code == ErrorCode.OK) {
    root = core.rootOf(heapBase());
  }
  initError = code;
  return code;
}

// @ts-ignore: decorator
@inline function heap(): usize {
  if (!root) setup(DEFAULT_MIN_LOG, AUTO_ORDER, MAX_PAGES, DEFAULT_DEFER, FEATURES);
  return root;
}

/** Configures the heap before its first use. minBlock: power of two >= 16 (the C alignment);
 *  maxOrder: largest block = minBlock << maxOrder (0xFFFFFFFF: the largest minBlock allows);
 *  maxPages: memory limit for growth (0: never grow); deferLimit: see docs/design.md; options:
 *  INIT_TEXTBOOK for the textbook buddy (power-of-two blocks only, no size classes, LIFO free
 *  lists), other bits must be 0 (not optional in wasm: JavaScript's missing argument is 0). Returns an ErrorCode (ALREADY_INITIALIZED after first use, or
 *  in the threads build when another instance set the heap up first). */
export function buddy_init(minBlock: u32, maxOrder: u32, maxPages: u32, deferLimit: u32, options: u32): u32 {
  if (root) return ErrorCode.ALREADY_INITIALIZED;
  if (THREADS && atomic.load<i32>(__heap_base + SHARED_STATE) != 0) return ErrorCode.ALREADY_INITIALIZED;
  if (minBlock < 16 || (minBlock & (minBlock - 1)) || (options & ~INIT_TEXTBOOK)) return initError = ErrorCode.BAD_CONFIG;
  return setup(<u32>ctz<u32>(minBlock), maxOrder, maxPages, deferLimit, options & INIT_TEXTBOOK ? 0 : FEATURES);
}

/** Where the heap is to start (with threads: BAD_CONFIG, their layout is fixed): a guest module
 *  calls it with its __heap_base before its first allocation (c/as-buddy-malloc.c does), so
 *  that its static data and stack may have any size. Rounded up to 16 bytes; memory grows to
 *  it when the heap is set up. OK again for the same start once the heap is set up;
 *  ALREADY_INITIALIZED for another one (the heap is already elsewhere); BAD_REGION for 0 or
 *  an address above 4 GiB minus 64 KiB. */
export function buddy_set_heap_start(start: usize): u32 {
  if (THREADS) return ErrorCode.BAD_CONFIG;
  if (!start || start > <usize>0xFFFF0000) return ErrorCode.BAD_REGION;
  let aligned = (start + 15) & ~15;
  if (root) return aligned == moduleStart() ? ErrorCode.OK : ErrorCode.ALREADY_INITIALIZED;
  heapStart = aligned;
  return ErrorCode.OK;
}

/** buddy_init's options bit for the textbook buddy. */
// @ts-ignore: decorator
@inline const INIT_TEXTBOOK: u32 = 1;
/** The heap's features unless buddy_init asks for the textbook buddy: size classes, except in
 *  the threads build, whose per-instance caches (below) hold whole blocks of a few orders. */
// @ts-ignore: decorator
@inline const FEATURES: u32 = THREADS ? DEFAULT_FEATURES & ~FLAG_SLABS : DEFAULT_FEATURES;

/** Whether [ptr, ptr + bytes) lies inside linear memory (no wrap-around). */
// @ts-ignore: decorator
@inline function inMemory(ptr: usize, bytes: u64): bool {
  return <u64>ptr + bytes <= <u64>memory.size() << 16;
}

// ── The C names ──────────────────────────────────────────────────────────────────────────────

export function malloc(size: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (CACHED && cacheable(r, size ? size : 1, 0)) return cachedAlloc(r, size ? size : 1);
  enter(r);
  let p = core.allocAligned(r, size ? size : 1, 0);
  leave(r);
  return p;
}

export function free(ptr: usize): void {
  if (!ptr) return;
  let r = heap();
  if (!r) return;
  if (CACHED && cachedFree(r, ptr) >= 0) return;
  enter(r);
  if (inCache(r, ptr)) rejectCached(r);
  else core.free(r, ptr);
  leave(r);
}

export function calloc(count: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
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
  let r = heap();
  if (!r) return 0;
  enter(r);
  let p: usize = 0;
  if (ptr && inCache(r, ptr)) rejectCached(r);
  else if (!size && ptr) core.free(r, ptr); // realloc(p, 0) frees p
  else p = core.realloc(r, ptr, size ? size : 1);
  leave(r);
  return p;
}

export function aligned_alloc(align: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let p: usize = 0;
  if (!align) rejectAlloc(r, ErrorCode.BAD_ALIGN);
  else p = core.allocAligned(r, size ? size : 1, align);
  leave(r);
  return p;
}

export function malloc_usable_size(ptr: usize): usize {
  if (!ptr) return 0;
  let r = heap();
  if (!r) return 0;
  enter(r);
  let n: usize = 0;
  // A cached block is free: the error a free would get, not counted (as core.usableSize).
  if (inCache(r, ptr)) setLastError(r, ErrorCode.DOUBLE_FREE);
  else n = core.usableSize(r, ptr);
  leave(r);
  return n;
}

// ── as-buddy's own entry points ──────────────────────────────────────────────────────────────

/** Sized free (Rust GlobalAlloc::dealloc): returns an ErrorCode. */
export function buddy_dealloc(ptr: usize, size: usize, align: usize): u32 {
  let r = heap();
  if (!r) return initError;
  enter(r);
  let code = inCache(r, ptr) ? rejectCached(r) : core.dealloc(r, ptr, size, align);
  leave(r);
  return code;
}

/** Adds [base, base + size) of this memory as another region. */
export function buddy_add_region(base: usize, size: usize): u32 {
  let r = heap();
  if (!r) return initError;
  enter(r);
  let code = core.addRegion(r, base, size);
  leave(r);
  return code;
}

/** Merges the free buddies that deferred coalescing left; returns how many merges. */
export function buddy_coalesce(): u32 {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let n = core.coalesce(r);
  leave(r);
  return n;
}

/** The error code of this instance's last failed call. */
export function buddy_last_error(): u32 {
  if (THREADS) return root ? threadError : initError;
  return root ? getLastError(root) : initError;
}

/** Runs the heap checker: 0 (OK) or an ErrorCode; buddy_check_detail() names the invariant. */
export function buddy_check(): u32 {
  let r = heap();
  if (!r) return initError;
  enter(r);
  let code = check(r);
  leave(r);
  return code;
}

export function buddy_check_detail(): u32 {
  return root ? getCheckDetail(root) : 0;
}

/** Fills the statistics record (docs/statistics.md) and returns its address: the record before the
 *  control block, or in the threads build a block of the heap that each instance takes on its
 *  first call (256 bytes in use per instance that reads statistics). All zero without a heap;
 *  0 when setup could not even make room for the record. */
export function buddy_stats(): usize {
  let r = heap();
  if (!r) {
    if (statsBuffer) memory.fill(statsBuffer, 0, STATS_SIZE);
    return statsBuffer;
  }
  enter(r);
  // Threads build: the record is this instance's own block, taken on first use.
  if (!statsBuffer) statsBuffer = core.allocAligned(r, STATS_SIZE, 16);
  if (statsBuffer) core.statsInto(r, statsBuffer);
  leave(r);
  return statsBuffer;
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
  if (!r) return initError;
  // Arrays that do not fit in memory would trap: BAD_REGION, nothing allocated.
  if (!inMemory(sizes, <u64>count << 2) || !inMemory(out, <u64>count << 2)) {
    if (THREADS) threadError = ErrorCode.BAD_REGION;
    else setLastError(r, ErrorCode.BAD_REGION);
    return ErrorCode.BAD_REGION;
  }
  enter(r);
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
    if (THREADS) threadError = ErrorCode.BAD_REGION;
    else setLastError(r, ErrorCode.BAD_REGION);
    return 0;
  }
  enter(r);
  let i: u32 = 0;
  for (; i < count; ++i) {
    let p = load<u32>(ptrs + (<usize>i << 2));
    if (p && (inCache(r, p) ? rejectCached(r) : core.free(r, p))) break;
  }
  leave(r);
  return i;
}

// ── Walking the heap (viewers: the bindings' snapshot()) ─────────────────────────────────────

/** Start of region i (in address order), 0 past the last. */
export function buddy_region_start(i: u32): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let a = i < getRegionCount(r) ? getRegionStart(r, i) : 0;
  leave(r);
  return a;
}

/** End of region i, 0 past the last. */
export function buddy_region_end(i: u32): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let b = i < getRegionCount(r) ? getRegionEnd(r, i) : 0;
  leave(r);
  return b;
}

/** The block starting at ptr: order | state << 8 (state 0 allocated, 1 free, 2 metadata), or
 *  0xFFFFFFFF if ptr is not a block start inside a region. A walk from a region's start, by
 *  block sizes, visits every block of the region. */
export function buddy_leaf(ptr: usize): u32 {
  let r = heap();
  if (!r) return core.NOT_A_LEAF;
  enter(r);
  let info = core.leafInfo(r, ptr);
  leave(r);
  return info;
}

// ── Caches (threads build) ───────────────────────────────────────────────────────────────────
// One lock serialises every call, and with two threads most of a call's time is spent waiting
// for it or moving the heap's cache lines between cores. So each instance keeps a cache of small
// blocks (orders 0..6: 16 B .. 1 KiB with 16-byte blocks), CACHE_SLOTS per order: alloc pops
// one without the lock; an empty list is refilled with CACHE_REFILL blocks under one lock; free
// pushes without the lock; a full list gives half back under one lock. The benchmark measured
// it against the one-lock build (docs/threads.md); it is kept because it
// pays: four to five times the throughput with two threads on mixed sizes (18-22 vs 89-91 ns
// per call).
//
// Cached blocks are allocated as far as the heap knows (its statistics count them in use until
// buddy_cache_flush() gives them back), so every rule of the heap still holds. What the cache
// must not weaken is the misuse checks:
//   - A free is validated before it is cached: lookupShared reads the metadata without the lock,
//     between two reads of the sequence word that every locked call makes odd, then even again
//     (a seqlock): a free is cached only if no locked call ran meanwhile, so the answer is the
//     one lookup would give under the lock. A bad pointer, or a read that raced, goes the
//     locked way and gets the usual error.
//   - A cached block carries a tag in its word at offset 4, set with an atomic exchange: a free
//     that finds the tag already there is a double free (also from another thread, or of a
//     block a refill put in a cache), and every locked call that takes a pointer checks the tag
//     too. A tag never outlives the cache: a block becomes a block start only by being pushed
//     on a free list (carve, split, trim), which writes its links over offset 4 before the
//     heap hands it out. The tag is the address xor an odd key, which no free-list link
//     (an aligned address or 0) equals; a live block
//     whose own data holds exactly that value at offset 4 would be refused as a double free
//     (and kept allocated): a 2^-32 chance for data that does not aim at it.
// The second sequence read must not be answered before the metadata reads: an atomic add on a
// word of the instance's own cache orders them (AssemblyScript 0.28's atomic.fence does not
// validate).

// @ts-ignore: decorator
@inline const CACHE_ORDERS: u32 = 7;
// @ts-ignore: decorator
@inline const CACHE_SLOTS: u32 = 64;
// @ts-ignore: decorator
@inline const CACHE_REFILL: u32 = 32;
// @ts-ignore: decorator
@inline const CACHE_KEY: usize = 0x9E3779B1;
/** This instance's cache: a fence word, counts u32[CACHE_ORDERS], slots u32[ORDERS][SLOTS]. */
let cache: usize = 0;
// @ts-ignore: decorator
@inline const CACHE_BYTES: usize = 4 + (<usize>CACHE_ORDERS << 2) * (1 + CACHE_SLOTS);
// @ts-ignore: decorator
@inline function cacheCount(k: u32): u32 { return load<u32>(cache + 4 + (<usize>k << 2)); }
// @ts-ignore: decorator
@inline function setCacheCount(k: u32, n: u32): void { store<u32>(cache + 4 + (<usize>k << 2), n); }
// @ts-ignore: decorator
@inline function cacheSlot(k: u32, i: u32): usize {
  return cache + 4 + (<usize>CACHE_ORDERS << 2) + ((<usize>(k * CACHE_SLOTS + i)) << 2);
}
// @ts-ignore: decorator
@inline function tagOf(p: usize): u32 { return <u32>(p ^ CACHE_KEY); }

/** Whether alloc(size, align) is served from the cache. */
// @ts-ignore: decorator
@inline function cacheable(r: usize, size: usize, align: usize): bool {
  let minLog = getMinLog(r);
  return size - 1 < (<usize>1 << (minLog + CACHE_ORDERS - 1)) && align <= (<usize>1 << minLog);
}

/** Pops a block of size's order from this instance's cache; an empty list is refilled under
 *  the lock (the first call also makes the cache). */
function cachedAlloc(r: usize, size: usize): usize {
  let minLog = getMinLog(r);
  let k = orderOf(size, minLog);
  if (cache) {
    let n = cacheCount(k);
    if (n) {
      setCacheCount(k, n - 1);
      let p = <usize>load<u32>(cacheSlot(k, n - 1));
      atomic.store<u32>(p + 4, 0); // no longer cached
      return p;
    }
  }
  enter(r);
  if (!cache) {
    cache = core.allocAligned(r, CACHE_BYTES, 16);
    if (cache) memory.fill(cache, 0, CACHE_BYTES);
  }
  let p = core.allocAligned(r, size, 0);
  if (p && cache) {
    let n: u32 = 0;
    for (; n < CACHE_REFILL; ++n) {
      let q = core.allocUnchecked(r, <usize>1 << (minLog + k));
      if (!q) break;
      atomic.store<u32>(q + 4, tagOf(q));
      store<u32>(cacheSlot(k, n), q);
    }
    setCacheCount(k, n);
  }
  leave(r);
  return p;
}

/** Whether the live block p is in a cache (under the lock: a double free, or a use after one). */
function inCache(r: usize, p: usize): bool {
  if (!CACHED) return false;
  if (p + 8 > core.memoryTop() || p + 8 < p) return false;
  return core.lookup(r, p) >= 0 && atomic.load<u32>(p + 4) == tagOf(p);
}

/** Records an allocation this file refuses before the core sees it, as the core would: the
 *  code, and one more failedAllocs. */
function rejectAlloc(r: usize, code: u32): void {
  setLastError(r, code);
  bumpCounter(r, Counter.FAILED_ALLOCS);
}

/** Records a double free found by the tag (under the lock); returns its code. */
function rejectCached(r: usize): u32 {
  setLastError(r, ErrorCode.DOUBLE_FREE);
  bumpCounter(r, Counter.REJECTED_FREES);
  return ErrorCode.DOUBLE_FREE;
}

/** Frees a small block into this instance's cache, validated without the lock (above). Returns
 *  the code, or -1 when the locked path must decide. */
function cachedFree(r: usize, ptr: usize): i32 {
  if (!cache) return -1;
  let seq = __heap_base + SHARED_SEQ;
  let s1 = atomic.load<u32>(seq);
  if (s1 & 1) return -1;
  let k = core.lookupShared(r, ptr);
  atomic.add<u32>(cache, 1); // orders the reads above before the next one
  if (atomic.load<u32>(seq) != s1 || k < 0 || <u32>k >= CACHE_ORDERS) return -1;
  // ptr is a live block of order k: claim it for this cache, unless a cache has it already.
  if (atomic.xchg<u32>(ptr + 4, tagOf(ptr)) == tagOf(ptr)) {
    enter(r);
    let code = rejectCached(r);
    leave(r);
    return <i32>code;
  }
  let n = cacheCount(<u32>k);
  if (n == CACHE_SLOTS) {
    enter(r); // full: half goes back to the heap under one lock
    for (let i = CACHE_SLOTS >> 1; i < CACHE_SLOTS; ++i) core.freeUnchecked(r, load<u32>(cacheSlot(<u32>k, i)));
    leave(r);
    n = CACHE_SLOTS >> 1;
  }
  store<u32>(cacheSlot(<u32>k, n), ptr);
  setCacheCount(<u32>k, n + 1);
  return ErrorCode.OK;
}

/** Gives this instance's cached blocks, and the cache itself, back to the heap (call it before
 *  a worker ends: blocks in the cache of an instance that is dropped stay allocated). Returns
 *  the number of blocks given back. */
export function buddy_cache_flush(): u32 {
  if (!CACHED || !cache) return 0;
  let r = heap();
  if (!r) return 0;
  enter(r);
  let given: u32 = 0;
  for (let k: u32 = 0; k < CACHE_ORDERS; ++k) {
    let n = cacheCount(k);
    for (let i: u32 = 0; i < n; ++i) core.freeUnchecked(r, load<u32>(cacheSlot(k, i)));
    given += n;
  }
  core.free(r, cache);
  cache = 0;
  leave(r);
  return given;
}

// ── The core API under as-buddy names (what the TypeScript bindings call) ──────────────────
// Unlike the C names: size 0 is ZERO_SIZE, realloc(p, 0) is an error that frees nothing, and
// free reports its code.

export function buddy_alloc(size: usize, align: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (CACHED && cacheable(r, size, align)) return cachedAlloc(r, size);
  enter(r);
  let p = core.allocAligned(r, size, align);
  leave(r);
  return p;
}


export function buddy_alloc_zeroed(size: usize, align: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let p = core.allocZeroed(r, size, align);
  leave(r);
  return p;
}

export function buddy_free(ptr: usize): u32 {
  let r = heap();
  if (!r) return initError;
  if (CACHED) {
    let c = cachedFree(r, ptr);
    if (c >= 0) return <u32>c;
  }
  enter(r);
  let code = inCache(r, ptr) ? rejectCached(r) : core.free(r, ptr);
  leave(r);
  return code;
}

export function buddy_realloc(ptr: usize, size: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let p: usize = 0;
  if (ptr && inCache(r, ptr)) rejectCached(r);
  else p = core.realloc(r, ptr, size);
  leave(r);
  return p;
}

export function buddy_usable_size(ptr: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let n: usize = 0;
  // A cached block is free: the error a free would get, not counted (as core.usableSize).
  if (inCache(r, ptr)) setLastError(r, ErrorCode.DOUBLE_FREE);
  else n = core.usableSize(r, ptr);
  leave(r);
  return n;
}

// ── Pools (pool.ts) ──────────────────────────────────────────────────────────────────────────
// Addresses, sizes and handles cross as f64: integers up to 2^53, exact in JavaScript. A value
// that is not one (negative, fractional, NaN, too large) is rejected like any bad input: an
// invalid size, an address outside the pool, an invalid handle. Results that are an address,
// a size or a handle are negative (-PoolError) on failure. Pool metadata comes from this
// module's heap, so in the threads build pools are shared like the heap and every call holds
// the heap's lock.

/** Not a u64 up to 2^53: larger than every valid value, so every check rejects it. */
// @ts-ignore: decorator
@inline const NOT_EXACT: u64 = u64.MAX_VALUE;

// @ts-ignore: decorator
@inline function exact(x: f64): u64 {
  return x >= 0 && x <= 9007199254740992.0 && Math.floor(x) == x ? <u64>x : NOT_EXACT;
}

/** The pool statistics record: in the module header without threads; with threads, a block
 *  of the heap that each instance takes on its first buddy_pool_stats. */
let poolStatsBuffer: usize = 0;
let poolCreateError: u32 = PoolError.OK;

/** Creates a pool (docs/pool.md); returns its pointer, or 0 with
 *  buddy_pool_create_error() saying why. */
export function buddy_pool_create(base: f64, size: f64, minAlloc: f64, maxAlloc: f64, minBuddy: f64): usize {
  let r = heap();
  if (!r) { poolCreateError = PoolError.NO_METADATA_MEMORY; return 0; }
  enter(r);
  let p = pools.createPool(r, exact(base), exact(size), exact(minAlloc), exact(maxAlloc), exact(minBuddy));
  poolCreateError = pools.poolCreateError();
  leave(r);
  return p;
}

export function buddy_pool_create_error(): u32 {
  return poolCreateError;
}

export function buddy_pool_destroy(pool: usize): u32 {
  let r = heap();
  if (!r) return PoolError.NOT_A_POOL;
  enter(r);
  let code = pools.destroyPool(pool);
  leave(r);
  return code;
}

/** The pool operations with one number argument (poolCall). */
enum PoolOp { ALLOC, USABLE_SIZE, ALLOC_HANDLE, HANDLE_ADDRESS, FREE, FREE_HANDLE }

/** One pool call with one number argument, under the lock. ALLOC .. HANDLE_ADDRESS give an
 *  address, a size or a handle, or -PoolError; FREE and FREE_HANDLE give the PoolError (OK).
 *  A pointer that is no live pool is NOT_A_POOL. */
function poolCall(pool: usize, arg: f64, op: PoolOp): i64 {
  let code = op >= PoolOp.FREE;
  let r = heap();
  if (!r) return code ? PoolError.NOT_A_POOL : -PoolError.NOT_A_POOL;
  enter(r);
  let v: i64;
  let x = exact(arg);
  if (!pools.isPool(pool)) v = code ? PoolError.NOT_A_POOL : -PoolError.NOT_A_POOL;
  else if (op == PoolOp.ALLOC) v = pools.poolAlloc(pool, x);
  else if (op == PoolOp.USABLE_SIZE) v = pools.poolUsableSize(pool, x);
  else if (op == PoolOp.ALLOC_HANDLE) v = pools.poolAllocHandle(pool, x);
  else if (op == PoolOp.HANDLE_ADDRESS) v = pools.poolHandleAddress(pool, x);
  else if (op == PoolOp.FREE) v = pools.poolFree(pool, x);
  else v = pools.poolFreeHandle(pool, x);
  leave(r);
  return v;
}

/** The address of a block for `bytes`, or -PoolError. */
export function buddy_pool_alloc(pool: usize, bytes: f64): f64 {
  return <f64>poolCall(pool, bytes, PoolOp.ALLOC);
}

/** OK or the PoolError. */
export function buddy_pool_free(pool: usize, address: f64): u32 {
  return <u32>poolCall(pool, address, PoolOp.FREE);
}

/** The size of the block at `address`, or -PoolError. */
export function buddy_pool_usable_size(pool: usize, address: f64): f64 {
  return <f64>poolCall(pool, address, PoolOp.USABLE_SIZE);
}

/** A generation-tagged handle of a block for `bytes`, or -PoolError. */
export function buddy_pool_alloc_handle(pool: usize, bytes: f64): f64 {
  return <f64>poolCall(pool, bytes, PoolOp.ALLOC_HANDLE);
}

/** The address of a live handle's block, or -PoolError. */
export function buddy_pool_handle_address(pool: usize, handle: f64): f64 {
  return <f64>poolCall(pool, handle, PoolOp.HANDLE_ADDRESS);
}

/** OK or the PoolError. */
export function buddy_pool_free_handle(pool: usize, handle: f64): u32 {
  return <u32>poolCall(pool, handle, PoolOp.FREE_HANDLE);
}

export function buddy_pool_check(pool: usize): u32 {
  let r = heap();
  if (!r) return PoolError.NOT_A_POOL;
  enter(r);
  let code = pools.isPool(pool) ? pools.poolCheck(pool) : PoolError.NOT_A_POOL;
  leave(r);
  return code;
}

/** Fills the pool statistics record (layout.ts) and returns its address, or 0 if `pool` is
 *  not a pool (threads build: a per-instance block of the heap, as buddy_stats). */
export function buddy_pool_stats(pool: usize): usize {
  let r = heap();
  if (!r) return 0;
  enter(r);
  let out: usize = 0;
  if (pools.isPool(pool)) {
    if (!poolStatsBuffer) poolStatsBuffer = core.allocAligned(r, POOL_STATS_SIZE, 16);
    if (poolStatsBuffer) {
      pools.poolStatsInto(pool, poolStatsBuffer);
      out = poolStatsBuffer;
    }
  }
  leave(r);
  return out;
}

/** buddy_pool's compute_buddy_size: the block size serving `bytes`, or -PoolError. */
export function buddy_compute_buddy_size(bytes: f64, minBuddy: f64, maxBuddy: f64): f64 {
  // A bytes value that is no integer up to 2^53 exceeds every maxBuddy: INVALID_SIZE, after
  // the checks of the limits, as for any other size.
  return <f64>pools.computeBuddySize(exact(bytes), exact(minBuddy), exact(maxBuddy));
}

/** The block starting at `unit` of the pool (address base + unit * minBuddy): as buddy_leaf. */
export function buddy_pool_leaf(pool: usize, unit: f64): u32 {
  let r = heap();
  if (!r) return core.NOT_A_LEAF;
  enter(r);
  let info = pools.isPool(pool) ? pools.poolLeaf(pool, exact(unit)) : core.NOT_A_LEAF;
  leave(r);
  return info;
}
