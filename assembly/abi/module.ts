// The C module's own state (assembly/abi/): where its heap is, its setup, the lock of the
// threads build, and what every entry point does around its work (heap, enter, leave). The
// entry points themselves are in the other files of this folder, by concern; cabi.ts exports
// them all.
//
// Threads build (build/as-buddy.threads.wasm: --enable threads, imported shared memory): every
// instance on the memory sees one heap. The heap is set up exactly once (a state word at
// __heap_base, see layout.ts "Shared heaps"), and every entry point holds one lock, a futex:
// it spins briefly, then sleeps in atomic.wait until the holder's atomic.notify. Without
// --enable threads the lock compiles to nothing. (A test build with AS_BUDDY_UNLOCKED defined
// leaves the lock out on purpose, to show that the lock is what makes a call wait.)

import * as core from "../heap";
import { check } from "../check";
import { ErrorCode } from "../errors";
import {
  DEFAULT_DEFER, DEFAULT_MIN_LOG, AUTO_ORDER, MAX_PAGES, SHARED_HEADER, SHARED_STATE, SHARED_LOCK,
  SHARED_ERROR, SHARED_SEQ, STATS_SIZE, POOL_STATS_SIZE, MODULE_HEADER, MODULE_STATS,
  MODULE_POOL_STATS, getLastError, setLastError, Counter, bumpCounter, DEFAULT_FEATURES, FLAG_SLABS, FLAG_FINE_SLOTS,
} from "../layout";

// @ts-ignore: decorator
@inline export const THREADS: bool = ASC_FEATURE_THREADS;
// @ts-ignore: decorator
@inline export const LOCKED: bool = ASC_FEATURE_THREADS && !isDefined(AS_BUDDY_UNLOCKED);
/** Threads build: per-instance caches of small blocks (cache.ts). Not in the test build
 *  without the lock, nor in the one-lock-only build the benchmark compares with. */
// @ts-ignore: decorator
@inline export const CACHED: bool = LOCKED && !isDefined(AS_BUDDY_NO_CACHE);
/** The debug-check builds (build/test/*.checked.wasm, AS_BUDDY_CHECK_CALLS defined): the heap
 *  checker runs at the end of every call that entered the heap (and the pool's checker after
 *  every pool call, abi/pools.ts), and a broken invariant traps there, in the call that broke
 *  it, not many calls later. */
// @ts-ignore: decorator
@inline export const CHECK_CALLS: bool = isDefined(AS_BUDDY_CHECK_CALLS);

/** The threads build's shared header (layout.ts, "Shared heaps"): this module's __heap_base,
 *  rounded up to 16 so that the control block follows it directly in every build. */
// @ts-ignore: decorator
@inline export function sharedHeader(): usize { return (__heap_base + 15) & ~15; }

/** Where this module's part of memory starts: this module's __heap_base (rounded up to 16), or
 *  (without threads) the start a guest module gave with buddy_set_heap_start: the end of the
 *  guest's own static data and stack, whatever their size (layout.ts "The C module's memory"). */
// @ts-ignore: decorator
@inline function moduleStart(): usize {
  return THREADS ? sharedHeader() : (heapStart ? heapStart : (__heap_base + 15) & ~15);
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
/** The statistics records: in the module header without threads (this module has no static
 *  data, so that nothing of it sits where a guest's data may be); with threads, blocks of the
 *  heap that each instance takes on first use (statsRecord, poolStatsRecord). */
let statsBuffer: usize = 0;
let poolStatsBuffer: usize = 0;

/** The heap's root if it is set up, else 0 (does not set it up). */
// @ts-ignore: decorator
@inline export function rootIfSet(): usize { return root; }

/** The error of the failed setup, for entry points that have no heap to answer from. */
export function setupError(): u32 { return initError; }

// ── The lock (threads build) ─────────────────────────────────────────────────────────────────

// @ts-ignore: decorator
@inline function lock(): void {
  if (!LOCKED) return;
  let word = sharedHeader() + SHARED_LOCK;
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
  let word = sharedHeader() + SHARED_LOCK;
  if (atomic.sub<i32>(word, 1) != 1) {
    atomic.store<i32>(word, 0);
    atomic.notify(word, 1);
  }
}

// Why enter() reads the root again once the lock is held, instead of using the local its
// caller read before. Under V8's baseline compiler (Liftoff, Node 20's V8 11.3), some shapes of
// an entry point came out with that local reading 0 after the lock was taken: a free returned
// NOT_IN_HEAP and wrote its error at address 20 (0 + the control block's lastError offset), as
// a sentinel planted there showed, and the same free succeeded when called again. The wasm was
// correct (the local is checked non-zero before, nothing writes it after), the optimizing
// compiler never showed it (0 of 20 runs), and which shape failed changed with unrelated
// edits (`node --liftoff --no-wasm-tier-up scripts/threads-stress.js`: one run in 14 to 60
// failed with the cache's alloc and free as shared helpers). With the root read from the
// global after the lock, that same shape passed 100 runs, and this code 100 more. Node runs
// new code on Liftoff first, so this is a user's case, not only a test flag's. What this
// guards is the root only: the other values a call holds across the lock (its pointer and
// size) were never seen changed, but nothing here would keep them if the engine did that too.

/** The heap's root with the heap entered (see enter), or 0 if it cannot be set up: the
 *  prologue of every locked call. */
// @ts-ignore: decorator
@inline export function begin(): usize {
  return heap() ? enter() : 0;
}

/** Entry into the heap: takes the lock and returns the root, read once the lock is held (see
 *  the note above); in the threads build also clears the shared error slot so that leave()
 *  can tell whether this call failed. */
// @ts-ignore: decorator
@inline export function enter(): usize {
  lock();
  let r = root;
  if (CACHED) atomic.add<u32>(sharedHeader() + SHARED_SEQ, 1); // odd: the heap is changing
  if (THREADS) setLastError(r, ErrorCode.OK);
  return r;
}

/** Leaves the heap: keeps this call's error for this instance, then unlocks. */
// @ts-ignore: decorator
@inline export function leave(r: usize): void {
  if (CHECK_CALLS && check(r) != ErrorCode.OK) unreachable();
  if (THREADS) {
    let e = getLastError(r);
    if (e) threadError = e;
  }
  if (CACHED) atomic.add<u32>(sharedHeader() + SHARED_SEQ, 1); // even again
  unlock();
}

// ── Setup ────────────────────────────────────────────────────────────────────────────────────

function initHeap(minLog: u32, maxOrder: u32, maxPages: u32, deferLimit: u32, features: u32): u32 {
  let base = heapBase();
  // Make room for the control block, a first metadata area and two minimum blocks (so that one
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
    let state = sharedHeader() + SHARED_STATE;
    if (atomic.cmpxchg<i32>(state, 0, 1) == 0) {
      code = initHeap(minLog, maxOrder, maxPages, deferLimit, features);
      atomic.store<u32>(sharedHeader() + SHARED_ERROR, code);
      atomic.store<i32>(state, code ? 3 : 2);
      atomic.notify(state);
    } else {
      while (atomic.load<i32>(state) == 1) atomic.wait<i32>(state, 1, -1);
      code = atomic.load<u32>(sharedHeader() + SHARED_ERROR);
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

/** The heap's root, the heap set up with the defaults on first use; 0 if setup failed. */
// @ts-ignore: decorator
@inline export function heap(): usize {
  if (!root) setup(OWN_MIN_LOG, AUTO_ORDER, MAX_PAGES, DEFAULT_DEFER, OWN_FEATURES);
  return root;
}

/** Configures the heap before its first use. minBlock: power of two >= 16 (the C alignment),
 *  or 0 for the heap the module sets up by itself (OWN_MIN_LOG, slots from 16 bytes);
 *  maxOrder: largest block = minBlock << maxOrder (0xFFFFFFFF: the largest minBlock allows);
 *  maxPages: memory limit for growth (0: never grow); deferLimit: see docs/design.md; options:
 *  INIT_TEXTBOOK for the textbook buddy (power-of-two blocks only, no size classes, LIFO free
 *  lists), other bits must be 0 (not optional in wasm: JavaScript's missing argument is 0). Returns an ErrorCode (ALREADY_INITIALIZED after first use, or
 *  in the threads build when another instance set the heap up first). */
export function buddy_init(minBlock: u32, maxOrder: u32, maxPages: u32, deferLimit: u32, options: u32): u32 {
  if (root) return ErrorCode.ALREADY_INITIALIZED;
  if (THREADS && atomic.load<i32>(sharedHeader() + SHARED_STATE) != 0) return ErrorCode.ALREADY_INITIALIZED;
  if (minBlock && minBlock < 16 || (minBlock & (minBlock - 1)) || (options & ~INIT_TEXTBOOK)) return initError = ErrorCode.BAD_CONFIG;
  if (options & INIT_TEXTBOOK) return setup(minBlock ? <u32>ctz<u32>(minBlock) : DEFAULT_MIN_LOG, maxOrder, maxPages, deferLimit, 0);
  if (!minBlock) return setup(OWN_MIN_LOG, maxOrder, maxPages, deferLimit, OWN_FEATURES);
  return setup(<u32>ctz<u32>(minBlock), maxOrder, maxPages, deferLimit, FEATURES);
}

/** The heap is to start at or above `start` (with threads: BAD_CONFIG, their layout is fixed):
 *  each guest module gives the end of its static data and stack before the heap is first used
 *  (c/as-buddy-malloc.c and the bindings' GuestHost do), and the heap starts above the highest
 *  (without any call, at this module's __heap_base). Rounded up to 16 bytes; memory grows to it
 *  when the heap is set up. Once the heap is set up: OK if it starts at or above `start`,
 *  ALREADY_INITIALIZED if below (it would overlap that guest); BAD_REGION for 0 or an address
 *  above 4 GiB minus 64 KiB. */
export function buddy_set_heap_start(start: usize): u32 {
  if (THREADS) return ErrorCode.BAD_CONFIG;
  if (!start || start > <usize>0xFFFF0000) return ErrorCode.BAD_REGION;
  let aligned = (start + 15) & ~15;
  if (root) return aligned <= moduleStart() ? ErrorCode.OK : ErrorCode.ALREADY_INITIALIZED;
  if (aligned > heapStart) heapStart = aligned;
  return ErrorCode.OK;
}

/** buddy_init's options bit for the textbook buddy. */
// @ts-ignore: decorator
@inline const INIT_TEXTBOOK: u32 = 1;
/** The heap's features unless buddy_init asks for the textbook buddy: size classes, except in
 *  the threads build with caches, whose per-instance caches (cache.ts) hold whole blocks of a
 *  few orders. The one-lock threads build has them. */
// @ts-ignore: decorator
@inline const FEATURES: u32 = CACHED ? DEFAULT_FEATURES & ~FLAG_SLABS : DEFAULT_FEATURES;

/** The heap the module sets up by itself (no buddy_init first): 64-byte minimum blocks with
 *  slots from 16 B (FLAG_FINE_SLOTS), where it has size classes. Every request up to 16 KiB
 *  takes a slot, so the buddy's granule is felt only by a block for allocAligned's alignment
 *  past 16 bytes, and the metadata (two bits per minimum block) is 1/256 of the heap instead
 *  of 1/64 (docs/design.md, "The C module's own heap", has the measurements). The threads build with caches keeps 16-byte blocks: its
 *  caches hold whole blocks of a few orders from 16 B. */
// @ts-ignore: decorator
@inline const OWN_MIN_LOG: u32 = FEATURES & FLAG_SLABS ? 6 : DEFAULT_MIN_LOG;
// @ts-ignore: decorator
@inline const OWN_FEATURES: u32 = FEATURES & FLAG_SLABS ? FEATURES | FLAG_FINE_SLOTS : FEATURES;

/** The error code of this instance's last failed call. */
export function buddy_last_error(): u32 {
  if (THREADS) return root ? threadError : initError;
  return root ? getLastError(root) : initError;
}

/** Records `code` as this instance's last error outside a locked call (the threads build
 *  keeps it per instance; the control block's slot is shared). */
export function recordError(r: usize, code: u32): void {
  if (THREADS) threadError = code;
  else setLastError(r, code);
}

/** Records an allocation an entry point refuses before the core sees it, as the core would:
 *  the code, and one more failedAllocs (inside a locked call). */
export function rejectAlloc(r: usize, code: u32): void {
  setLastError(r, code);
  bumpCounter(r, Counter.FAILED_ALLOCS);
}

/** The statistics record for buddy_stats (inside a locked call): the module header's, or in
 *  the threads build this instance's block, taken on first use (0 if the heap has no room). */
export function statsRecord(r: usize): usize {
  if (!statsBuffer) statsBuffer = core.allocAligned(r, STATS_SIZE, 16);
  return statsBuffer;
}

/** The same for buddy_pool_stats. */
export function poolStatsRecord(r: usize): usize {
  if (!poolStatsBuffer) poolStatsBuffer = core.allocAligned(r, POOL_STATS_SIZE, 16);
  return poolStatsBuffer;
}

/** buddy_stats without a heap: the record zeroed, or 0 when setup could not make room for it. */
export function emptyStatsRecord(): usize {
  if (statsBuffer) memory.fill(statsBuffer, 0, STATS_SIZE);
  return statsBuffer;
}

/** Whether [ptr, ptr + bytes) lies inside linear memory (no wrap-around). */
// @ts-ignore: decorator
@inline export function inMemory(ptr: usize, bytes: u64): bool {
  return <u64>ptr + bytes <= <u64>memory.size() << 16;
}
