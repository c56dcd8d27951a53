// BuddyHeap: a typed class over the compiled C-ABI module (build/as-buddy.wasm) for Node and
// browsers. It adds types, argument checks and errors; every allocation decision is the wasm
// module's. asc's raw bindings (build/as-buddy.js) instantiate the module underneath.
import { instantiate } from "../../build/as-buddy.js";
import { BuddyError, CheckFailure, ErrorCode } from "./errors.js";
import { walk, type Snapshot } from "./snapshot.js";
import { checkOptions, describe, isPlainObject, requireNumber } from "./args.js";
import { decodeStats } from "./layout.js";

/** The exports of the as-buddy module that the class uses. */
export interface BuddyExports {
  memory: WebAssembly.Memory;
  buddy_init(minBlock: number, maxOrder: number, maxPages: number, deferLimit: number, options?: number): number;
  buddy_alloc(size: number, align: number): number;
  buddy_alloc_zeroed(size: number, align: number): number;
  buddy_free(ptr: number): number;
  buddy_dealloc(ptr: number, size: number, align: number): number;
  buddy_realloc(ptr: number, size: number): number;
  buddy_usable_size(ptr: number): number;
  buddy_add_region(base: number, size: number): number;
  buddy_alloc_many(sizes: number, count: number, out: number): number;
  buddy_free_many(ptrs: number, count: number): number;
  buddy_coalesce(): number;
  buddy_last_error(): number;
  buddy_check(): number;
  buddy_check_detail(): number;
  buddy_stats(): number;
  buddy_root(): number;
  buddy_cache_flush(): number;
  // BuddyPool (bindings/src/pool.ts): addresses, sizes and handles as numbers up to 2^53.
  buddy_pool_create(base: number, size: number, minAlloc: number, maxAlloc: number, minBuddy: number): number;
  buddy_pool_create_error(): number;
  buddy_pool_set_tag(pool: number, tag: number): number;
  buddy_scratch(bytes: number): number;
  buddy_scratch_free(ptr: number): void;
  buddy_pool_destroy(pool: number): number;
  buddy_pool_alloc(pool: number, bytes: number): number;
  buddy_pool_free(pool: number, address: number): number;
  buddy_pool_usable_size(pool: number, address: number): number;
  buddy_pool_alloc_handle(pool: number, bytes: number): number;
  buddy_pool_handle_address(pool: number, handle: number): number;
  buddy_pool_free_handle(pool: number, handle: number): number;
  buddy_pool_check(pool: number): number;
  buddy_pool_stats(pool: number): number;
  buddy_compute_buddy_size(bytes: number, minBuddy: number, maxBuddy: number): number;
  // Walking the blocks (snapshot()).
  buddy_region_start(i: number): number;
  buddy_region_end(i: number): number;
  buddy_leaf(ptr: number): number;
  buddy_pool_leaf(pool: number, unit: number): number;
}

/** Where the module comes from: bytes, a compiled module, a fetch Response (or its promise),
 *  or a URL (file: URLs are read with node:fs, others fetched). */
export type WasmSource = BufferSource | WebAssembly.Module | Response | PromiseLike<Response> | URL | string;

export interface BuddyHeapOptions {
  /** Grow memory to this many pages before the heap is set up (the heap then starts that big). */
  initialPages?: number;
  /** The heap grows with memory.grow until memory has this many pages (0: never; default 65535). */
  maxPages?: number;
  /** Smallest block, a power of two >= 16; slots are never smaller. Default: the module's own
   *  heap's, 64-byte blocks with slots from 16 bytes (16 with `textbook`). */
  minBlock?: number;
  /** Largest block = minBlock << maxOrder, at most 2^31 (default: the largest minBlock allows,
   *  31 - log2(minBlock): 25 with 64-byte blocks). */
  maxOrder?: number;
  /** Free-list length below which frees skip coalescing (default 16; 0: always coalesce). */
  deferLimit?: number;
  /** The textbook buddy: power-of-two blocks only (no size classes), LIFO free lists. */
  textbook?: boolean;
}

/** What a worker needs to reach a shared heap: post it to the worker (both parts are
 *  structured-cloneable) and call BuddyHeap.attach there. */
export interface SharedHeap {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}

/** A snapshot of the heap's statistics (docs/statistics.md). */
export interface HeapStats {
  totalBytes: number;
  /** Bytes handed out: slot sizes and block sizes (not the sizes asked for). */
  usedBytes: number;
  freeBytes: number;
  metaBytes: number;
  /** Bytes in slabs (size classes) that no live slot holds. totalBytes = usedBytes +
   *  freeBytes + metaBytes + slackBytes. */
  slackBytes: number;
  largestFree: number;
  minBlock: number;
  maxOrder: number;
  regionCount: number;
  allocs: number;
  frees: number;
  splits: number;
  merges: number;
  failedAllocs: number;
  rejectedFrees: number;
  grows: number;
  inPlaceReallocs: number;
  /** Free blocks of each order 0..maxOrder. */
  freeBlocks: number[];
}

type TypedArrayConstructor<T> = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** The release module, shipped beside the bindings (undefined where the engine has no URL,
 *  such as the JavaScriptCore shell: pass the module to create() there). */
export const defaultWasmUrl: URL | undefined =
  typeof URL === "function" ? new URL("../../build/as-buddy.wasm", import.meta.url) : undefined;

/** The host build, for guest modules that share its memory (instantiateGuest, guest.ts). */
export const defaultHostWasmUrl: URL | undefined =
  typeof URL === "function" ? new URL("../../build/as-buddy.host.wasm", import.meta.url) : undefined;

/** The threads build: one heap for every instance on a shared memory. */
export const defaultThreadsWasmUrl: URL | undefined =
  typeof URL === "function" ? new URL("../../build/as-buddy.threads.wasm", import.meta.url) : undefined;

async function compileResponse(response: Response | PromiseLike<Response>): Promise<WebAssembly.Module> {
  const r = await response;
  if (!r.ok) throw new Error(`as-buddy: fetching the module failed: ${r.status} ${r.statusText}`);
  if (typeof WebAssembly.compileStreaming === "function" && r.headers.get("content-type") === "application/wasm") {
    return WebAssembly.compileStreaming(r);
  }
  return WebAssembly.compile(await r.arrayBuffer());
}

const SOURCE_KINDS = "bytes (an ArrayBuffer or a typed array), a WebAssembly.Module, a Response or its promise, a URL or a string";

/** Whether `value` is something compileSource can turn into a module. */
function isSource(value: unknown): value is WasmSource {
  return value instanceof WebAssembly.Module || typeof value === "string" || value instanceof URL ||
    value instanceof ArrayBuffer || ArrayBuffer.isView(value) ||
    (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) ||
    (typeof Response !== "undefined" && value instanceof Response) ||
    (value !== null && typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function");
}

/** Splits `(source?, options?)` or `(options)`: an options object is told apart from a source
 *  by being a plain object. Throws a TypeError naming the argument that is neither. */
function sourceAndOptions(call: string, first: unknown, second: unknown, fallback: WasmSource | undefined,
  allowInstance: boolean): { source: WasmSource | WebAssembly.Instance; options: BuddyHeapOptions } {
  if (isPlainObject(first)) {
    if (second !== undefined) throw new TypeError(`as-buddy: ${call}(options, ...): options come last; pass (source, options) or (options)`);
    return { source: fallbackOrThrow(call, fallback), options: checkOptions(call, "options", first, OPTION_KEYS) };
  }
  const options = checkOptions<BuddyHeapOptions>(call, "options", second, OPTION_KEYS);
  if (first === undefined) return { source: fallbackOrThrow(call, fallback), options };
  if (allowInstance && first instanceof WebAssembly.Instance) return { source: first, options };
  if (!isSource(first)) {
    throw new TypeError(`as-buddy: ${call}(source, options): source must be ${allowInstance ? "a WebAssembly.Instance, " : ""}${SOURCE_KINDS}, or an options object; got ${describe(first)}`);
  }
  return { source: first, options };
}

function fallbackOrThrow(call: string, fallback: WasmSource | undefined): WasmSource {
  if (fallback === undefined) throw new TypeError(`as-buddy: no URL support here: pass the module (bytes or a WebAssembly.Module) to ${call}()`);
  return fallback;
}

function requireArrayLike(call: string, name: string, value: unknown): void {
  if (value === null || typeof value !== "object" || typeof (value as ArrayLike<unknown>).length !== "number") {
    throw new TypeError(`as-buddy: ${call}(${name}): ${name} must be an array or a typed array of numbers; got ${describe(value)}`);
  }
}

/** The threads build's maximum memory (asconfig.json, target threads). */
const THREADS_MAX_PAGES = 16384;

/** A page count option: an integer from 0 to 65536 (a wasm32 memory's limit), else BAD_CONFIG. */
function pagesOption(call: string, name: string, value: unknown): void {
  requireNumber(call, name, value);
  if (!Number.isInteger(value) || value < 0 || value > 65536) {
    throw new BuddyError(ErrorCode.BAD_CONFIG, `${call}(${name}=${describe(value)})`, CheckFailure.NONE, `${name} must be an integer from 0 to 65536 (pages of 64 KiB)`);
  }
}

const OPTION_KEYS = ["initialPages", "maxPages", "minBlock", "maxOrder", "deferLimit", "textbook"] as const;

export async function compileSource(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (typeof source === "string" || source instanceof URL) {
    const url = source instanceof URL ? source : new URL(source, globalThis.location?.href ?? `file://${process.cwd()}/`);
    if (url.protocol === "file:") {
      // Node only; the browser path never reaches this import.
      const { readFile } = await import("node:fs/promises");
      return WebAssembly.compile(await readFile(url));
    }
    return compileResponse(fetch(url));
  }
  if (typeof (source as PromiseLike<Response>).then === "function" || (typeof Response !== "undefined" && source instanceof Response)) {
    return compileResponse(source as Response | PromiseLike<Response>);
  }
  return WebAssembly.compile(source as BufferSource);
}

const REQUIRED: (keyof BuddyExports)[] = [
  "memory", "buddy_init", "buddy_alloc", "buddy_free", "buddy_realloc", "buddy_stats", "buddy_check",
  "buddy_alloc_many", "buddy_free_many",
];

export class BuddyHeap {
  /** The module's exports, for what the class does not wrap. Addresses come back signed from
   *  the raw instance path: use `>>> 0`. */
  readonly exports: BuddyExports;
  /** For a shared heap: what attach() needs in another thread; null otherwise. */
  readonly shared: SharedHeap | null;

  private constructor(exports: BuddyExports, shared: SharedHeap | null = null) {
    this.exports = exports;
    this.shared = shared;
  }

  /** A heap on a new shared WebAssembly.Memory that Web Workers and worker_threads can use
   *  together (the threads build of the module: every call holds one lock). Pass `heap.shared`
   *  to each worker and call BuddyHeap.attach there. maxPages is the memory's maximum too. */
  static async createShared(options?: BuddyHeapOptions): Promise<BuddyHeap>;
  static async createShared(source: WasmSource | undefined, options?: BuddyHeapOptions): Promise<BuddyHeap>;
  static async createShared(first?: WasmSource | BuddyHeapOptions, second?: BuddyHeapOptions): Promise<BuddyHeap> {
    const { source, options } = sourceAndOptions("createShared", first, second, defaultThreadsWasmUrl, false);
    const maximum = options.maxPages ?? THREADS_MAX_PAGES;
    const initial = Math.max(2, options.initialPages ?? 2);
    const bad = (why: string): never => { throw new BuddyError(ErrorCode.BAD_CONFIG, `createShared(${JSON.stringify(options)})`, CheckFailure.NONE, why); };
    pagesOption("createShared", "maxPages", maximum);
    pagesOption("createShared", "initialPages", options.initialPages ?? 2);
    if (maximum < 2 || maximum > THREADS_MAX_PAGES) bad(`maxPages must be from 2 to ${THREADS_MAX_PAGES} (the threads build's maximum memory, 1 GiB)`);
    if (initial > maximum) bad("initialPages must not exceed maxPages");
    const module = await compileSource(source as WasmSource);
    const memory = new WebAssembly.Memory({ initial, maximum, shared: true });
    const heap = BuddyHeap.attach({ module, memory });
    return BuddyHeap.setup("createShared", heap.exports, { ...options, maxPages: maximum }, heap.shared);
  }

  /** The shared heap of another thread, in this one: instantiates the same module on the same
   *  memory. The heap is set up once, by whichever instance comes first. */
  static attach(shared: SharedHeap): BuddyHeap {
    if (!shared || !(shared.module instanceof WebAssembly.Module) || !(shared.memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`as-buddy: attach(shared): shared must be { module: WebAssembly.Module, memory: WebAssembly.Memory } (heap.shared of a createShared heap); got ${describe(shared)}`);
    }
    const instance = new WebAssembly.Instance(shared.module, { env: { memory: shared.memory } });
    // asc re-exports an imported memory; add it where a build does not.
    const exports = ("memory" in instance.exports ? instance.exports
      : Object.defineProperty(Object.create(instance.exports), "memory", { value: shared.memory })) as unknown as BuddyExports;
    for (const name of REQUIRED) {
      if (!(name in exports)) throw new TypeError(`as-buddy: the module does not export ${name}: not an as-buddy module`);
    }
    return new BuddyHeap(exports, shared);
  }

  /** Loads the module (by default the packaged release build) and sets up its heap:
   *  `create()`, `create(options)` or `create(source, options?)`. */
  static async create(options?: BuddyHeapOptions): Promise<BuddyHeap>;
  static async create(source: WasmSource | WebAssembly.Instance | undefined, options?: BuddyHeapOptions): Promise<BuddyHeap>;
  static async create(first?: WasmSource | WebAssembly.Instance | BuddyHeapOptions, second?: BuddyHeapOptions): Promise<BuddyHeap> {
    const { source, options } = sourceAndOptions("create", first, second, defaultWasmUrl, true);
    if (source instanceof WebAssembly.Instance) return BuddyHeap.fromInstance(source, options);
    const module = await compileSource(source);
    const exports = (await instantiate(module, {})) as unknown as BuddyExports;
    return BuddyHeap.setup("create", exports, options);
  }

  /** Wraps an already instantiated as-buddy module (for example one made by
   *  @assemblyscript/loader). Options configure its heap, so they need a heap not used yet:
   *  BuddyError ALREADY_INITIALIZED otherwise (without options, any instance is fine). */
  static fromInstance(instance: WebAssembly.Instance, options: BuddyHeapOptions = {}): BuddyHeap {
    if (!(instance instanceof WebAssembly.Instance)) throw new TypeError(`as-buddy: fromInstance(instance): instance must be a WebAssembly.Instance; got ${describe(instance)}`);
    checkOptions("fromInstance", "options", options, OPTION_KEYS);
    const exports = instance.exports as unknown as BuddyExports;
    for (const name of REQUIRED) {
      if (!(name in exports)) throw new TypeError(`as-buddy: the instance does not export ${name}: not an as-buddy module`);
    }
    return BuddyHeap.setup("fromInstance", exports, options);
  }

  private static setup(call: string, exports: BuddyExports, options: BuddyHeapOptions, shared: SharedHeap | null = null): BuddyHeap {
    const heap = new BuddyHeap(exports, shared);
    // maxOrder 0xFFFFFFFF: the core picks the largest that minBlock allows, as BuddyHeap.init does.
    const { initialPages, maxPages = 65535, minBlock = 0, maxOrder = 0xffffffff, deferLimit = 16, textbook = false } = options;
    const label = `${call}(${JSON.stringify(options)})`;
    const args = [minBlock, maxOrder, maxPages, deferLimit].map((v, i) =>
      heap.checkU32(call, ["minBlock", "maxOrder", "maxPages", "deferLimit"][i], v, ErrorCode.BAD_CONFIG));
    if (initialPages !== undefined) pagesOption(call, "initialPages", initialPages);
    if (maxPages > 65535) throw new BuddyError(ErrorCode.BAD_CONFIG, label, CheckFailure.NONE, "maxPages must be at most 65535");
    if (initialPages !== undefined) {
      const have = exports.memory.buffer.byteLength >>> 16;
      let grown = initialPages <= have;
      if (!grown) try { grown = exports.memory.grow(initialPages - have) >= 0; } catch { grown = false; }
      if (!grown) throw new BuddyError(ErrorCode.OUT_OF_MEMORY, label, CheckFailure.NONE, `memory cannot grow to initialPages (${initialPages} pages)`);
    }
    if (Object.keys(options).length) {
      const code = exports.buddy_init(args[0], args[1], args[2], args[3], textbook ? 1 : 0) >>> 0;
      if (code === ErrorCode.ALREADY_INITIALIZED) throw new BuddyError(code, label, CheckFailure.NONE, "the heap is already set up (used): options configure only an unused heap");
      if (code) throw new BuddyError(code, label);
    }
    return heap;
  }

  /** The module's memory. Typed-array views on it are detached whenever memory grows (any
   *  alloc may grow it): make views after allocating, with bytes() or view(). A shared memory's
   *  views are not detached, but they keep their old length: make them afresh as well. */
  get memory(): WebAssembly.Memory {
    return this.exports.memory;
  }

  /** The code of the last failed call (not reset by successes). */
  get lastError(): ErrorCode {
    return this.exports.buddy_last_error() >>> 0;
  }

  /** A TypeError for a value that is not a number; BuddyError(code) for a number that is not
   *  an integer from 0 to 2^32-1. */
  private checkU32(op: string, name: string, value: unknown, code: ErrorCode): number {
    requireNumber(op, name, value);
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new BuddyError(code, `${op}(${name}=${describe(value)})`, CheckFailure.NONE, `${name} must be an integer from 0 to 2^32-1`);
    }
    return value;
  }

  private fail(call: string): never {
    throw new BuddyError(this.lastError, call);
  }

  // ── Allocation ─────────────────────────────────────────────────────────────────────────────

  /** A block of at least `size` bytes, aligned to its power-of-two size. Throws BuddyError. */
  alloc(size: number): number {
    this.checkU32("alloc", "size", size, ErrorCode.TOO_LARGE);
    return this.tryAlloc(size) || this.fail(`alloc(size=${size})`);
  }
  /** alloc without throwing: 0 on failure, the reason in lastError. Arguments are converted
   *  to u32 the way wasm converts them (no checks in JavaScript). */
  tryAlloc(size: number): number {
    return this.exports.buddy_alloc(size, 0) >>> 0;
  }

  /** A block of at least `size` bytes at an address aligned to `align` (a power of two). */
  allocAligned(size: number, align: number): number {
    this.checkU32("allocAligned", "size", size, ErrorCode.TOO_LARGE);
    this.checkU32("allocAligned", "align", align, ErrorCode.BAD_ALIGN);
    return this.tryAllocAligned(size, align) || this.fail(`allocAligned(size=${size}, align=${align})`);
  }
  tryAllocAligned(size: number, align: number): number {
    return this.exports.buddy_alloc(size, align) >>> 0;
  }

  /** alloc with the `size` bytes zeroed. */
  allocZeroed(size: number, align = 0): number {
    this.checkU32("allocZeroed", "size", size, ErrorCode.TOO_LARGE);
    this.checkU32("allocZeroed", "align", align, ErrorCode.BAD_ALIGN);
    return this.tryAllocZeroed(size, align) || this.fail(`allocZeroed(size=${size}, align=${align})`);
  }
  tryAllocZeroed(size: number, align = 0): number {
    return this.exports.buddy_alloc_zeroed(size, align) >>> 0;
  }

  /** Frees a block. A bad pointer throws and changes nothing. */
  free(ptr: number): void {
    this.checkU32("free", "ptr", ptr, ErrorCode.NOT_IN_HEAP);
    const code = this.tryFree(ptr);
    if (code) throw new BuddyError(code, `free(ptr=${ptr})`);
  }
  tryFree(ptr: number): ErrorCode {
    return this.exports.buddy_free(ptr) >>> 0;
  }

  /** Sized free: `size` and `align` as allocated (or as last realloc'd), checked. */
  dealloc(ptr: number, size: number, align = 0): void {
    this.checkU32("dealloc", "ptr", ptr, ErrorCode.NOT_IN_HEAP);
    this.checkU32("dealloc", "size", size, ErrorCode.SIZE_MISMATCH);
    this.checkU32("dealloc", "align", align, ErrorCode.SIZE_MISMATCH);
    const code = this.tryDealloc(ptr, size, align);
    if (code) throw new BuddyError(code, `dealloc(ptr=${ptr}, size=${size}, align=${align})`);
  }
  tryDealloc(ptr: number, size: number, align = 0): ErrorCode {
    return this.exports.buddy_dealloc(ptr, size, align) >>> 0;
  }

  /** Resizes in place when the buddy allows, else moves (contents kept). On failure throws,
   *  and `ptr` stays valid and unchanged. Size 0 is an error (use free). */
  realloc(ptr: number, size: number): number {
    this.checkU32("realloc", "ptr", ptr, ErrorCode.NOT_IN_HEAP);
    this.checkU32("realloc", "size", size, ErrorCode.TOO_LARGE);
    return this.tryRealloc(ptr, size) || this.fail(`realloc(ptr=${ptr}, size=${size})`);
  }
  tryRealloc(ptr: number, size: number): number {
    return this.exports.buddy_realloc(ptr, size) >>> 0;
  }

  /** The block size behind a live pointer. */
  usableSize(ptr: number): number {
    this.checkU32("usableSize", "ptr", ptr, ErrorCode.NOT_IN_HEAP);
    return this.exports.buddy_usable_size(ptr) >>> 0 || this.fail(`usableSize(ptr=${ptr})`);
  }

  /** Adds [base, base + size) of the module's memory (memory the heap does not manage yet,
   *  e.g. grown by you) as another region. */
  addRegion(base: number, size: number): void {
    this.checkU32("addRegion", "base", base, ErrorCode.BAD_REGION);
    this.checkU32("addRegion", "size", size, ErrorCode.BAD_REGION);
    const code = this.exports.buddy_add_region(base, size) >>> 0;
    if (code) throw new BuddyError(code, `addRegion(base=${base}, size=${size})`);
  }

  // ── Batches: one crossing of the JS/wasm boundary for many blocks ─────────────────────────

  /** Allocates one block per size, all or nothing (on failure none is kept and it throws). */
  allocMany(sizes: ArrayLike<number>): Uint32Array {
    requireArrayLike("allocMany", "sizes", sizes);
    const n = sizes.length;
    for (let i = 0; i < n; i++) this.checkU32("allocMany", `sizes[${i}]`, sizes[i], ErrorCode.TOO_LARGE);
    if (n === 0) return new Uint32Array(0);
    const scratch = this.exports.buddy_scratch(n * 4) >>> 0;
    if (!scratch) this.fail(`allocMany(${n} sizes)`);
    new Uint32Array(this.memory.buffer, scratch, n).set(sizes);
    const code = this.exports.buddy_alloc_many(scratch, n, scratch) >>> 0;
    const out = code ? null : new Uint32Array(this.memory.buffer, scratch, n).slice();
    this.exports.buddy_scratch_free(scratch);
    if (!out) throw new BuddyError(code, `allocMany(${n} sizes)`);
    return out;
  }

  /** Frees each pointer in order. A bad pointer throws, naming its index; those before it
   *  are freed, those after it are not. */
  freeMany(ptrs: ArrayLike<number>): void {
    requireArrayLike("freeMany", "ptrs", ptrs);
    const n = ptrs.length;
    let zero = -1;
    for (let i = 0; i < n; i++) {
      this.checkU32("freeMany", `ptrs[${i}]`, ptrs[i], ErrorCode.NOT_IN_HEAP);
      if (ptrs[i] === 0 && zero < 0) zero = i;
    }
    // 0 is no block, as for free(0): the pointers before it are freed, then it throws.
    if (zero >= 0) {
      if (zero > 0) this.freeMany(Array.prototype.slice.call(ptrs, 0, zero) as number[]);
      throw new BuddyError(ErrorCode.NOT_IN_HEAP, `freeMany(ptrs[${zero}]=0)`);
    }
    if (n === 0) return;
    const scratch = this.exports.buddy_scratch(n * 4) >>> 0;
    let freed: number;
    let code: ErrorCode = ErrorCode.OK;
    if (scratch) {
      new Uint32Array(this.memory.buffer, scratch, n).set(ptrs);
      freed = this.exports.buddy_free_many(scratch, n) >>> 0;
      if (freed < n) code = this.lastError;
      this.exports.buddy_scratch_free(scratch);
    } else {
      for (freed = 0; freed < n; freed++) if ((code = this.tryFree(ptrs[freed]))) break;
    }
    if (freed < n) throw new BuddyError(code, `freeMany(ptrs[${freed}]=${ptrs[freed]})`);
  }

  // ── Inspection ─────────────────────────────────────────────────────────────────────────────

  /** Merges the free buddies deferred coalescing left; returns the number of merges. */
  coalesce(): number {
    return this.exports.buddy_coalesce() >>> 0;
  }

  /** Runs the heap checker; throws BuddyError(CORRUPT) naming the broken invariant. */
  check(): void {
    const code = this.exports.buddy_check() >>> 0;
    if (code) throw new BuddyError(code, "check()", this.exports.buddy_check_detail() >>> 0);
  }

  stats(): HeapStats {
    // The call first: setting the heap up on first use may grow memory and detach the buffer.
    const at = this.exports.buddy_stats() >>> 0;
    return decodeStats(this.memory.buffer, at);
  }

  /** Threads build: gives this instance's cache of small blocks back to the heap (docs/threads.md, "One
   *  heap shared by threads") and returns how many blocks it held. Call it before a worker
   *  ends; until then the heap counts cached blocks as in use. 0 on other builds. */
  flushCache(): number {
    return this.exports.buddy_cache_flush() >>> 0;
  }

  /** Every block of the heap, in address order, with per-order counts and totals computed from
   *  the blocks (docs/viewer.md). One call into the module per block; on a shared heap
   *  the walk is not atomic with other threads' calls. renderSvg(snapshot) draws it. */
  snapshot(): Snapshot {
    const e = this.exports;
    const s = this.stats();
    const regions = [];
    for (let i = 0; i < s.regionCount; i++) regions.push({ start: e.buddy_region_start(i) >>> 0, end: e.buddy_region_end(i) >>> 0 });
    return walk("heap", s.minBlock, s.maxOrder, regions, (a) => e.buddy_leaf(a));
  }

  // ── Views ──────────────────────────────────────────────────────────────────────────────────

  /** A fresh Uint8Array over [ptr, ptr + length). Valid until memory next grows. */
  bytes(ptr: number, length: number): Uint8Array {
    return this.view(Uint8Array, ptr, length);
  }

  /** A fresh typed array of `length` elements at ptr (which must be aligned to the element
   *  size). Valid until memory next grows: make a new one after any allocation. */
  view<T>(ctor: TypedArrayConstructor<T>, ptr: number, length: number): T {
    if (typeof ctor !== "function" || typeof ctor.BYTES_PER_ELEMENT !== "number") {
      throw new TypeError(`as-buddy: view(ctor, ptr, length): ctor must be a typed array constructor (Uint8Array, Float64Array, ...); got ${describe(ctor)}`);
    }
    this.checkU32("view", "ptr", ptr, ErrorCode.NOT_IN_HEAP);
    this.checkU32("view", "length", length, ErrorCode.TOO_LARGE);
    const size = ctor.BYTES_PER_ELEMENT;
    if (ptr % size) throw new BuddyError(ErrorCode.BAD_ALIGN, `view(ptr=${ptr})`, CheckFailure.NONE, `ptr is not aligned to ${size} bytes`);
    if (ptr + length * size > this.memory.buffer.byteLength) {
      throw new BuddyError(ErrorCode.NOT_IN_HEAP, `view(ptr=${ptr}, length=${length})`, CheckFailure.NONE, "the view would extend past the end of memory");
    }
    return new ctor(this.memory.buffer, ptr, length);
  }
}
