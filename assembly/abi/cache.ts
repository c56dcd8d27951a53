// The threads build's per-instance caches of small blocks, and their lock-free reader of the
// heap's metadata (lookupShared). The entry points (c.ts, api.ts) call them only where CACHED.

import * as core from "../heap";
import { ErrorCode } from "../errors";
import {
  SHARED_SEQ, getMinLog, orderOf, Counter, bumpCounter, setLastError, MAX_SIZE_LOG, MIN_LOG_LOWEST,
  MAX_REGIONS, getSpanLo, getSpanHi, getRegionCount, getRegionStart, getRegionEnd, getSplitBase,
  getFreeBase, getMetaPtr, getMetaSize, sizeOf, getMaxOrder, CACHE_TAG_AT,
} from "../layout";
import { CACHED, heap, begin, enter, leave, setupError, sharedHeader } from "./module";

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
@inline export function cacheable(r: usize, size: usize, align: usize): bool {
  let minLog = getMinLog(r);
  return size - 1 < (<usize>1 << (minLog + CACHE_ORDERS - 1)) && align <= (<usize>1 << minLog);
}

/** buddy_alloc and malloc: from this instance's cache where there is one, else the core. */
// @ts-ignore: decorator
@inline export function allocate(size: usize, align: usize): usize {
  let r = heap();
  if (!r) return 0;
  if (CACHED && cacheable(r, size, align)) return cachedAlloc(r, size);
  r = enter();
  let p = core.allocAligned(r, size, align);
  leave(r);
  return p;
}

/** buddy_free and free: into this instance's cache where it may go, else the core. */
// @ts-ignore: decorator
@inline export function freeOrCache(ptr: usize): u32 {
  let r = heap();
  if (!r) return setupError();
  if (CACHED) {
    let c = cachedFree(r, ptr);
    if (c >= 0) return <u32>c;
  }
  r = enter();
  let code = inCache(r, ptr) ? rejectCached(r) : core.free(r, ptr);
  leave(r);
  return code;
}

/** buddy_usable_size and malloc_usable_size: the block's size, 0 for a bad pointer. */
export function usableSizeOf(ptr: usize): usize {
  let r = begin();
  if (!r) return 0;
  let n: usize = 0;
  // A cached block is free: the error a free would get, not counted (as core.usableSize).
  if (inCache(r, ptr)) setLastError(r, ErrorCode.DOUBLE_FREE);
  else n = core.usableSize(r, ptr);
  leave(r);
  return n;
}

/** Pops a block of size's order from this instance's cache; an empty list is refilled under
 *  the lock (the first call also makes the cache). */
export function cachedAlloc(r: usize, size: usize): usize {
  let minLog = getMinLog(r);
  let k = orderOf(size, minLog);
  if (cache) {
    let n = cacheCount(k);
    if (n) {
      setCacheCount(k, n - 1);
      let p = <usize>load<u32>(cacheSlot(k, n - 1));
      atomic.store<u32>(p + CACHE_TAG_AT, 0); // no longer cached
      return p;
    }
  }
  r = enter();
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
      atomic.store<u32>(q + CACHE_TAG_AT, tagOf(q));
      store<u32>(cacheSlot(k, n), q);
    }
    setCacheCount(k, n);
  }
  leave(r);
  return p;
}

/** Whether the live block p is in a cache (under the lock: a double free, or a use after one). */
export function inCache(r: usize, p: usize): bool {
  if (!CACHED) return false;
  if (p + 8 > core.memoryTop() || p + 8 < p) return false;
  return core.lookup(r, p) >= 0 && atomic.load<u32>(p + CACHE_TAG_AT) == tagOf(p);
}

/** Records a double free found by the tag (under the lock); returns its code. */
export function rejectCached(r: usize): u32 {
  setLastError(r, ErrorCode.DOUBLE_FREE);
  bumpCounter(r, Counter.REJECTED_FREES);
  return ErrorCode.DOUBLE_FREE;
}

/** Frees a small block into this instance's cache, validated without the lock (above). Returns
 *  the code, or -1 when the locked path must decide. */
export function cachedFree(r: usize, ptr: usize): i32 {
  if (!cache) return -1;
  let seq = sharedHeader() + SHARED_SEQ;
  let s1 = atomic.load<u32>(seq);
  if (s1 & 1) return -1;
  let k = lookupShared(r, ptr);
  atomic.add<u32>(cache, 1); // orders the reads above before the next one
  if (atomic.load<u32>(seq) != s1 || k < 0 || <u32>k >= CACHE_ORDERS) return -1;
  // ptr is a live block of order k: claim it for this cache, unless a cache has it already.
  if (atomic.xchg<u32>(ptr + CACHE_TAG_AT, tagOf(ptr)) == tagOf(ptr)) {
    r = enter();
    let code = rejectCached(r);
    leave(r);
    return <i32>code;
  }
  let n = cacheCount(<u32>k);
  if (n == CACHE_SLOTS) {
    r = enter(); // full: half goes back to the heap under one lock
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
  let r = begin();
  if (!r) return 0;
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

/** lookup's answer when a concurrent change was seen (lookupShared). */
const RACE: i32 = -1000;

/** core.lookup for a thread that does not hold the heap's lock (cachedFree, above says why):
 *  the same answer as lookup when nothing changes meanwhile, and when something does, an answer
 *  the caller discards (it checks the heap's sequence word) but never a load outside memory or
 *  an endless loop. RACE when a read fell outside memory. */
function lookupShared(root: usize, p: usize): i32 {
  let top = core.memoryTop();
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  if (maxOrder > MAX_SIZE_LOG - MIN_LOG_LOWEST) return RACE;
  if (p < getSpanLo(root) || p >= getSpanHi(root)) return -ErrorCode.NOT_IN_HEAP;
  let n = getRegionCount(root);
  if (n > MAX_REGIONS) return RACE;
  let inside = false;
  for (let i: u32 = 0; i < n; ++i) {
    if (p >= getRegionStart(root, i) && p < getRegionEnd(root, i)) { inside = true; break; }
  }
  if (!inside) return -ErrorCode.NOT_IN_HEAP;
  if (p & (sizeOf(0, minLog) - 1)) return -ErrorCode.NOT_BLOCK_START;
  let k: u32 = 0;
  while (k < maxOrder) {
    let shift = minLog + k + 1;
    let w = getSplitBase(root, k + 1) + (((p >> shift) >> 5) << 2);
    if (w > top - 4) return RACE;
    if ((load<u32>(w) >>> <u32>((p >> shift) & 31)) & 1) break;
    ++k;
  }
  let start = p & ~(sizeOf(k, minLog) - 1);
  let w = getFreeBase(root) + (((start >> minLog) >> 5) << 2);
  if (w > top - 4) return RACE;
  if ((load<u32>(w) >>> <u32>((start >> minLog) & 31)) & 1) return -ErrorCode.DOUBLE_FREE;
  if (start != p) return -ErrorCode.NOT_BLOCK_START;
  if (p - getMetaPtr(root) < getMetaSize(root)) return -ErrorCode.NOT_BLOCK_START;
  return <i32>k;
}
