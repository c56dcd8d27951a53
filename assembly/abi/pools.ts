// BuddyPool's entry points (pool.ts): pools whose metadata is on this module's heap.
// Addresses, sizes and handles cross as f64: integers up to 2^53, exact in JavaScript. A value
// that is not one (negative, fractional, NaN, too large) is rejected like any bad input: an
// invalid size, an address outside the pool, an invalid handle. Results that are an address,
// a size or a handle are negative (-PoolError) on failure. Pool metadata comes from this
// module's heap, so in the threads build pools are shared like the heap and every call holds
// the heap's lock.


import * as core from "../heap";
import { PoolError } from "../errors";
import * as pools from "../pool";
import { begin, leave, poolStatsRecord, CHECK_CALLS } from "./module";

/** Not a u64 up to 2^53: larger than every valid value, so every check rejects it. */
// @ts-ignore: decorator
@inline const NOT_EXACT: u64 = u64.MAX_VALUE;

// @ts-ignore: decorator
@inline function exact(x: f64): u64 {
  return x >= 0 && x <= 9007199254740992.0 && Math.floor(x) == x ? <u64>x : NOT_EXACT;
}

let poolCreateError: u32 = PoolError.OK;

/** Creates a pool (docs/pool.md); returns its pointer, or 0 with
 *  buddy_pool_create_error() saying why. */
export function buddy_pool_create(base: f64, size: f64, minAlloc: f64, maxAlloc: f64, minBuddy: f64): usize {
  let r = begin();
  if (!r) { poolCreateError = PoolError.NO_METADATA_MEMORY; return 0; }
  let p = pools.createPool(r, exact(base), exact(size), exact(minAlloc), exact(maxAlloc), exact(minBuddy));
  poolCreateError = pools.poolCreateError();
  if (CHECK_CALLS && p && pools.poolCheck(p) != PoolError.OK) unreachable();
  leave(r);
  return p;
}

/** Sets the tag the pool's handles carry (1..255), before its first allocation; returns a
 *  PoolError (INVALID_PARAMETER: out of range, or blocks allocated). */
export function buddy_pool_set_tag(pool: usize, tag: u32): u32 {
  let r = begin();
  if (!r) return PoolError.NOT_A_POOL;
  let code = pools.isPool(pool) ? pools.poolSetTag(pool, tag) : PoolError.NOT_A_POOL;
  leave(r);
  return code;
}

export function buddy_pool_create_error(): u32 {
  return poolCreateError;
}

export function buddy_pool_destroy(pool: usize): u32 {
  let r = begin();
  if (!r) return PoolError.NOT_A_POOL;
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
  let r = begin();
  if (!r) return code ? PoolError.NOT_A_POOL : -PoolError.NOT_A_POOL;
  let v: i64;
  let x = exact(arg);
  if (!pools.isPool(pool)) v = code ? PoolError.NOT_A_POOL : -PoolError.NOT_A_POOL;
  else if (op == PoolOp.ALLOC) v = pools.poolAlloc(pool, x);
  else if (op == PoolOp.USABLE_SIZE) v = pools.poolUsableSize(pool, x);
  else if (op == PoolOp.ALLOC_HANDLE) v = pools.poolAllocHandle(pool, x);
  else if (op == PoolOp.HANDLE_ADDRESS) v = pools.poolHandleAddress(pool, x);
  else if (op == PoolOp.FREE) v = pools.poolFree(pool, x);
  else v = pools.poolFreeHandle(pool, x);
  if (CHECK_CALLS && pools.isPool(pool) && pools.poolCheck(pool) != PoolError.OK) unreachable();
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
  let r = begin();
  if (!r) return PoolError.NOT_A_POOL;
  let code = pools.isPool(pool) ? pools.poolCheck(pool) : PoolError.NOT_A_POOL;
  leave(r);
  return code;
}

/** Fills the pool statistics record (layout.ts) and returns its address, or 0 if `pool` is
 *  not a pool (threads build: a per-instance block of the heap, as buddy_stats). */
export function buddy_pool_stats(pool: usize): usize {
  let r = begin();
  if (!r) return 0;
  let out: usize = 0;
  if (pools.isPool(pool)) {
    out = poolStatsRecord(r);
    if (out) pools.poolStatsInto(pool, out);
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
  let r = begin();
  if (!r) return core.NOT_A_LEAF;
  let info = pools.isPool(pool) ? pools.poolLeaf(pool, exact(unit)) : core.NOT_A_LEAF;
  leave(r);
  return info;
}
