// BuddyPool: a buddy allocator for a range it never touches (buddy_pool parity), over the wasm
// module's pool (assembly/pool.ts). Addresses are plain numbers up to 2^53 in whatever space the
// range belongs to: byte offsets into a GPU buffer, a file, a SharedArrayBuffer. The metadata
// lives in the module's linear memory, taken from the BuddyHeap the pool is made on.
import { BuddyHeap, type WasmSource, type BuddyHeapOptions } from "./heap.js";
import { BuddyPoolError, PoolError } from "./errors.js";
import { walk, type Snapshot } from "./snapshot.js";
import { checkOptions, describe, requireNumber } from "./args.js";
import { POOL_STATS } from "./layout.js";

/** buddy_pool's BuddyConfig (docs/pool.md, for the rules). */
export interface PoolConfig {
  /** First address of the range (default 0). */
  base?: number;
  /** Bytes in the range; the part past a whole number of minimum blocks is not managed. */
  size: number;
  /** Smallest request accepted (default 1; 0 lets alloc(0) take a minimum block). */
  minAlloc?: number;
  /** Largest request accepted; the largest block is maxAlloc rounded up to a power of two,
   *  which must fit in the pool (default: the largest power of two that does). */
  maxAlloc?: number;
  /** The smallest block, rounded down to a power of two: every address is base + a multiple
   *  of it. */
  minBuddy: number;
}

/** buddy_pool's ListStats, for one free list (one block size). */
export interface ListStats {
  /** The block size of this list. */
  blockSize: number;
  enqueues: number;
  /** Blocks taken from the list's head by alloc. */
  dequeues: number;
  /** Blocks unlinked from the list to merge with their buddy. */
  removes: number;
  /** Blocks on the list now. */
  size: number;
}

/** buddy_pool's BuddyStats, plus byte totals. */
export interface PoolStats {
  totalBytes: number;
  usedBytes: number;
  freeBytes: number;
  largestFree: number;
  minBuddy: number;
  maxBuddy: number;
  maxOrder: number;
  /** Linear-memory bytes the metadata takes from the heap. */
  metaBytes: number;
  allocs: number;
  frees: number;
  outOfMemory: number;
  freeingFree: number;
  invalidAddresses: number;
  oversizeAllocs: number;
  undersizeAllocs: number;
  staleHandles: number;
  splits: number;
  merges: number;
  /** Index k: blocks of minBuddy << k bytes. */
  lists: ListStats[];
}

const LIMIT = 2 ** 53;
/** The tag of the last pool made in this realm. */
let lastTag = 0;

const CONFIG_KEYS = ["base", "size", "minAlloc", "maxAlloc", "minBuddy"] as const;

function isExact(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= LIMIT;
}

/** The smallest power of two >= x (x an integer up to 2^53; doubling is exact there). */
function nextPowerOfTwo(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

/** buddy_pool's compute_buddy_size: the size of the block that serves `bytes`: minBuddy for
 *  anything up to minBuddy (0 included), else bytes rounded up to a power of two. The same rule
 *  as the module's export (buddy_compute_buddy_size, assembly/pool.ts), here as a plain
 *  function so that it needs no module; tests/pool.test.js holds the two equal. Throws
 *  BuddyPoolError INVALID_PARAMETER when minBuddy or maxBuddy is not a power of two (up to
 *  2^53) or minBuddy > maxBuddy, INVALID_SIZE when bytes is not an integer or exceeds maxBuddy. */
export function computeBuddySize(bytes: number, minBuddy: number, maxBuddy: number): number {
  for (const [name, v] of [["bytes", bytes], ["minBuddy", minBuddy], ["maxBuddy", maxBuddy]] as const) requireNumber("computeBuddySize", name, v);
  const pow2 = (x: number) => isExact(x) && x > 0 && nextPowerOfTwo(x) === x;
  const call = `computeBuddySize(${describe(bytes)}, ${describe(minBuddy)}, ${describe(maxBuddy)})`;
  if (!pow2(minBuddy) || !pow2(maxBuddy) || minBuddy > maxBuddy) throw new BuddyPoolError(PoolError.INVALID_PARAMETER, call);
  if (!isExact(bytes) || bytes > maxBuddy) throw new BuddyPoolError(PoolError.INVALID_SIZE, call);
  return bytes <= minBuddy ? minBuddy : nextPowerOfTwo(bytes);
}

/** The largest power of two that fits in `size` rounded down to whole minimum blocks (what
 *  maxAlloc defaults to); 0 if the numbers are not valid (the module then says why). */
function largestBlock(size: number, minBuddy: number): number {
  if (!isExact(size) || !isExact(minBuddy) || minBuddy < 1) return 0;
  let unit = 1;
  while (unit * 2 <= minBuddy) unit *= 2;
  const poolSize = Math.floor(size / unit) * unit;
  let block = 1;
  while (block * 2 <= poolSize) block *= 2;
  return poolSize ? block : 0;
}

export class BuddyPool {
  /** The heap whose module holds the pool's metadata. */
  readonly heap: BuddyHeap;
  /** The pool's header in the module's memory (what the wasm exports take). */
  readonly pointer: number;
  readonly base: number;
  readonly size: number;
  readonly minAlloc: number;
  readonly maxAlloc: number;
  readonly minBuddy: number;
  /** The largest block: maxAlloc rounded up to a power of two, within what the pool holds. */
  readonly maxBuddy: number;
  #destroyed = false;

  private constructor(heap: BuddyHeap, pointer: number, config: Required<PoolConfig>) {
    this.heap = heap;
    this.pointer = pointer;
    this.base = config.base;
    this.size = config.size;
    this.minAlloc = config.minAlloc;
    this.maxAlloc = config.maxAlloc;
    const s = this.stats();
    this.minBuddy = s.minBuddy; // rounded down to a power of two
    this.maxBuddy = s.maxBuddy;
  }

  /** A pool on an as-buddy heap (several pools can share one). Throws BuddyPoolError. */
  static on(heap: BuddyHeap, config: PoolConfig): BuddyPool {
    if (!(heap instanceof BuddyHeap)) throw new TypeError(`as-buddy: BuddyPool.on(heap, config): heap must be a BuddyHeap; got ${describe(heap)}`);
    checkOptions("BuddyPool.on", "config", config, CONFIG_KEYS);
    if (config === undefined) throw new TypeError("as-buddy: BuddyPool.on(heap, config): config is required ({ size, minBuddy, ... })");
    const full: Required<PoolConfig> = {
      base: config.base ?? 0, size: config.size, minAlloc: config.minAlloc ?? 1,
      maxAlloc: config.maxAlloc ?? largestBlock(config.size, config.minBuddy), minBuddy: config.minBuddy,
    };
    const call = `BuddyPool(${JSON.stringify(config)})`;
    for (const key of ["base", "size", "minAlloc", "maxAlloc", "minBuddy"] as const) {
      if (!isExact(full[key])) throw new BuddyPoolError(PoolError.INVALID_PARAMETER, call, `${key} must be an integer from 0 to 2^53`);
    }
    const e = heap.exports;
    const pointer = e.buddy_pool_create(full.base, full.size, full.minAlloc, full.maxAlloc, full.minBuddy) >>> 0;
    if (!pointer) throw new BuddyPoolError(e.buddy_pool_create_error() >>> 0, call);
    // A tag of this realm's own (1..255) in its handles: pools on separate heaps made alike
    // would otherwise tag theirs alike, and one pool would take another's handle.
    lastTag = lastTag % 255 + 1;
    e.buddy_pool_set_tag(pointer, lastTag);
    return new BuddyPool(heap, pointer, full);
  }

  /** A pool on a new heap of its own: the packaged module, or `source`; `create(config,
   *  options)` and `create(config, source, options)` both work, as for BuddyHeap.create. */
  static async create(config: PoolConfig, options?: BuddyHeapOptions): Promise<BuddyPool>;
  static async create(config: PoolConfig, source: WasmSource | undefined, options?: BuddyHeapOptions): Promise<BuddyPool>;
  static async create(config: PoolConfig, first?: WasmSource | BuddyHeapOptions, second?: BuddyHeapOptions): Promise<BuddyPool> {
    checkOptions("BuddyPool.create", "config", config, CONFIG_KEYS);
    return BuddyPool.on(await BuddyHeap.create(first as WasmSource | undefined, second), config);
  }

  /** The pointer while the pool lives; 0 (which the module rejects as NOT_A_POOL) after destroy,
   *  so that a later pool at the same address is never reached through this object. */
  #at(): number {
    return this.#destroyed ? 0 : this.pointer;
  }

  private check53(op: string, name: string, value: unknown, code: PoolError): number {
    requireNumber(op, name, value);
    if (!isExact(value)) throw new BuddyPoolError(code, `${op}(${name}=${describe(value)})`, `${name} must be an integer from 0 to 2^53`);
    return value;
  }

  // ── Allocation ─────────────────────────────────────────────────────────────────────────────

  /** The address of a block of at least `bytes`, aligned to its size relative to base. */
  alloc(bytes: number): number {
    this.check53("alloc", "bytes", bytes, PoolError.INVALID_SIZE);
    const a = this.tryAlloc(bytes);
    if (a < 0) throw new BuddyPoolError(-a, `alloc(bytes=${bytes})`);
    return a;
  }
  /** alloc without throwing: the address, or -PoolError. */
  tryAlloc(bytes: number): number {
    return this.heap.exports.buddy_pool_alloc(this.#at(), bytes);
  }

  free(address: number): void {
    this.check53("free", "address", address, PoolError.ADDRESS_OUTSIDE_POOL);
    const code = this.tryFree(address);
    if (code) throw new BuddyPoolError(code, `free(address=${address})`);
  }
  /** free without throwing: OK or the PoolError (nothing changed). */
  tryFree(address: number): PoolError {
    return this.heap.exports.buddy_pool_free(this.#at(), address) >>> 0;
  }

  /** The size of the block at `address`. */
  usableSize(address: number): number {
    this.check53("usableSize", "address", address, PoolError.ADDRESS_OUTSIDE_POOL);
    const n = this.heap.exports.buddy_pool_usable_size(this.#at(), address);
    if (n < 0) throw new BuddyPoolError(-n, `usableSize(address=${address})`);
    return n;
  }

  // ── Handles ────────────────────────────────────────────────────────────────────────────────

  /** alloc, returning a generation-tagged handle: once its block is freed, every use of the
   *  handle throws STALE_HANDLE (checked in O(1)). */
  allocHandle(bytes: number): number {
    this.check53("allocHandle", "bytes", bytes, PoolError.INVALID_SIZE);
    const h = this.heap.exports.buddy_pool_alloc_handle(this.#at(), bytes);
    if (h < 0) throw new BuddyPoolError(-h, `allocHandle(bytes=${bytes})`);
    return h;
  }
  /** The address of a live handle's block. */
  address(handle: number): number {
    this.check53("address", "handle", handle, PoolError.INVALID_HANDLE);
    const a = this.heap.exports.buddy_pool_handle_address(this.#at(), handle);
    if (a < 0) throw new BuddyPoolError(-a, `address(handle=${handle})`);
    return a;
  }
  freeHandle(handle: number): void {
    this.check53("freeHandle", "handle", handle, PoolError.INVALID_HANDLE);
    const code = this.tryFreeHandle(handle);
    if (code) throw new BuddyPoolError(code, `freeHandle(handle=${handle})`);
  }
  tryFreeHandle(handle: number): PoolError {
    return this.heap.exports.buddy_pool_free_handle(this.#at(), handle) >>> 0;
  }

  // ── Inspection ─────────────────────────────────────────────────────────────────────────────

  /** Verifies every invariant of the pool's tree and lists; throws CORRUPT (or NOT_A_POOL). */
  check(): void {
    const code = this.heap.exports.buddy_pool_check(this.#at()) >>> 0;
    if (code) throw new BuddyPoolError(code, "check()");
  }

  stats(): PoolStats {
    const at = this.heap.exports.buddy_pool_stats(this.#at()) >>> 0;
    if (!at) throw new BuddyPoolError(PoolError.NOT_A_POOL, "stats()");
    const L = POOL_STATS;
    const v = new DataView(this.heap.memory.buffer, at, L.size);
    const u64 = (o: number) => Number(v.getBigUint64(o, true));
    const u32 = (o: number) => v.getUint32(o, true);
    const maxOrder = u32(L.maxOrder);
    const minBuddy = u64(L.minBuddy);
    const lists: ListStats[] = [];
    for (let k = 0; k <= maxOrder; k++) {
      const o = L.lists + L.listBytes * k;
      lists.push({ blockSize: minBuddy * 2 ** k, enqueues: u64(o), dequeues: u64(o + 8), removes: u64(o + 16), size: u32(o + 24) });
    }
    const counter = (name: (typeof L.counterNames)[number]) => u64(L.counters + 8 * L.counterNames.indexOf(name));
    return {
      totalBytes: u64(L.totalBytes), usedBytes: u64(L.usedBytes), freeBytes: u64(L.freeBytes), largestFree: u64(L.largestFree),
      minBuddy, maxBuddy: u64(L.maxBuddy), maxOrder, metaBytes: u32(L.metaBytes),
      allocs: counter("allocs"), frees: counter("frees"), outOfMemory: counter("outOfMemory"), freeingFree: counter("freeingFree"),
      invalidAddresses: counter("invalidAddresses"), oversizeAllocs: counter("oversizeAllocs"),
      undersizeAllocs: counter("undersizeAllocs"), staleHandles: counter("staleHandles"),
      splits: u64(L.splits), merges: u64(L.merges), lists,
    };
  }

  /** Every block of the pool, in address order (addresses in the pool's space), with
   *  per-order counts and totals computed from the blocks. renderSvg(snapshot) draws it. */
  snapshot(): Snapshot {
    const s = this.stats();
    const at = this.#at();
    const e = this.heap.exports;
    return walk("pool", s.minBuddy, s.maxOrder, [{ start: this.base, end: this.base + s.totalBytes }],
      (a) => e.buddy_pool_leaf(at, (a - this.base) / s.minBuddy));
  }

  /** Returns the metadata to the heap. The pool is gone: every later call throws NOT_A_POOL. */
  destroy(): void {
    if (this.#destroyed) throw new BuddyPoolError(PoolError.NOT_A_POOL, "destroy()");
    const code = this.heap.exports.buddy_pool_destroy(this.#at()) >>> 0;
    if (code) throw new BuddyPoolError(code, "destroy()");
    this.#destroyed = true;
  }
}
