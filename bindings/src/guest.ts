// Guest modules: other wasm modules (C or C++ programs linked with c/as-buddy-malloc.c,
// AssemblyScript programs built with the linked runtime, freestanding modules with
// "as-buddy" imports) whose allocations are on one as-buddy heap, in one memory. Each guest's
// static data and stack are read from its bytes (wasm-layout.ts); guests must not overlap one
// another, a guest that grows memory itself is refused, and the heap starts above them all
// (buddy_set_heap_start: the heap starts at or above every start it was given).
import { BuddyHeap, compileSource, defaultHostWasmUrl } from "./heap.js";
import type { WasmSource } from "./heap.js";
import { ErrorCode } from "./errors.js";
import { describe, isPlainObject } from "./args.js";
import { guestLayout } from "./wasm-layout.js";
import type { GuestLayout } from "./wasm-layout.js";

export type { GuestLayout } from "./wasm-layout.js";
export { guestLayout } from "./wasm-layout.js";

export interface GuestOptions {
  /** The as-buddy module to host the guests (default: the packaged host build): its bytes, a
   *  WebAssembly.Module, a Response, a URL or a path. */
  host?: WasmSource;
}

/** A guest's bytes and its other imports (for example a WASI object's getImportObject()). */
export interface GuestSpec {
  module: ArrayBuffer | ArrayBufferView;
  imports?: object;
  /** A name for error messages (default: "guest <index>"). */
  name?: string;
}

export interface Guest {
  /** The guest's instance. */
  instance: WebAssembly.Instance;
  /** The guest's exports and the shared memory as `memory` (what a WASI implementation's
   *  start() or initialize() wants: the guest itself imports its memory). */
  exports: WebAssembly.Exports & { memory: WebAssembly.Memory };
  /** as-buddy's heap, shared with the guest: stats(), check(), snapshot() see its blocks. */
  heap: BuddyHeap;
  memory: WebAssembly.Memory;
  /** What the guest occupies below the heap. */
  layout: GuestLayout;
}

/** A guest refused before it ran: its layout overlaps another guest or the heap, or it manages
 *  memory of its own. Nothing was instantiated and the heap is unchanged. */
export class GuestLayoutError extends Error {
  override readonly name = "GuestLayoutError";
  constructor(readonly guest: string, readonly reason: "overlap" | "heap-below" | "grows-memory" | "too-large", message: string) {
    super(`as-buddy: ${guest}: ${message}`);
  }
}

const OPTION_KEYS = ["host"];

function checkGuestOptions(call: string, options: unknown): GuestOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new TypeError(`as-buddy: ${call}: options must be an object with host; got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new TypeError(`as-buddy: ${call}: unknown option options.${key} (known: host)`);
  }
  const host = options.host;
  if (host !== undefined && !(host instanceof WebAssembly.Module || host instanceof URL || typeof host === "string" ||
    host instanceof ArrayBuffer || ArrayBuffer.isView(host) || (typeof Response !== "undefined" && host instanceof Response) ||
    (host !== null && typeof host === "object" && typeof (host as PromiseLike<unknown>).then === "function"))) {
    throw new TypeError(`as-buddy: ${call}: options.host must be the host build (bytes, a WebAssembly.Module, a Response, a URL or a path); got ${describe(host)}`);
  }
  return options as GuestOptions;
}

function toBytes(call: string, module: unknown): Uint8Array {
  if (module instanceof ArrayBuffer) return new Uint8Array(module);
  if (ArrayBuffer.isView(module)) return new Uint8Array(module.buffer, module.byteOffset, module.byteLength);
  throw new TypeError(`as-buddy: ${call}: the guest must be the module's bytes (an ArrayBuffer or a typed array); got ${describe(module)}`);
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** An as-buddy host with its memory, and the guests placed on it. */
export class GuestHost {
  private readonly placed: { name: string; layout: GuestLayout }[] = [];
  private constructor(readonly heap: BuddyHeap, readonly memory: WebAssembly.Memory, readonly hostExports: WebAssembly.Exports) {}

  /** A new host (by default the packaged host build) with nothing placed yet. */
  static async create(options?: GuestOptions): Promise<GuestHost> {
    const { host = defaultHostWasmUrl } = checkGuestOptions("GuestHost.create", options);
    if (host === undefined) throw new TypeError("as-buddy: no URL support here: pass options.host (the host build's bytes or Module)");
    let instance: WebAssembly.Instance;
    try {
      instance = await WebAssembly.instantiate(await compileSource(host), {});
    } catch (e) {
      throw new TypeError(`as-buddy: options.host must be the host build (build/as-buddy.host.wasm, a module with no imports): ${(e as Error).message}`);
    }
    if (typeof instance.exports.buddy_set_heap_start !== "function" || !(instance.exports.memory instanceof WebAssembly.Memory)) {
      throw new TypeError("as-buddy: options.host must be the host build (build/as-buddy.host.wasm): it exports no buddy_set_heap_start or memory");
    }
    const heap = BuddyHeap.fromInstance(instance);
    return new GuestHost(heap, heap.memory, instance.exports);
  }

  /** Reads the guests' layouts and checks them against each other and against the guests
   *  already placed; changes nothing. Throws GuestLayoutError. */
  private check(specs: readonly GuestSpec[]): GuestLayout[] {
    const layouts: GuestLayout[] = [];
    const taken = [...this.placed];
    specs.forEach((spec, i) => {
      const name = spec.name ?? `guest ${this.placed.length + i}`;
      const layout = guestLayout(toBytes(`${name}`, spec.module));
      if (layout.growsMemory) {
        throw new GuestLayoutError(name, "grows-memory", "its code grows memory (memory.grow): it has an allocator of its own, " +
          "which would run into the shared heap. Build an AssemblyScript guest with --runtime as-buddy/assembly/runtime/linked " +
          "(not stub, incremental or minimal); link a C or C++ guest with c/as-buddy-malloc.c compiled as C " +
          "(clang++ ... -x c as-buddy-malloc.c), so that wasi-libc's dlmalloc stays out");
      }
      for (const other of taken) {
        if (layout.start < other.layout.end && other.layout.start < layout.end) {
          throw new GuestLayoutError(name, "overlap", `its static data and stack [${hex(layout.start)}, ${hex(layout.end)}) overlap ` +
            `${other.name}'s [${hex(other.layout.start)}, ${hex(other.layout.end)}): give each guest its own range ` +
            "(asc --memoryBase N, wasm-ld --global-base=N)");
        }
      }
      if (layout.end > 0xffff0000) throw new GuestLayoutError(name, "too-large", `its data ends at ${hex(layout.end)}, past what the heap can start above`);
      taken.push({ name, layout });
      layouts.push(layout);
    });
    return layouts;
  }

  /** Tells the host that its heap starts above every guest: before the heap's setup this raises
   *  its start; after it, it only answers whether the heap is above (and changes nothing). */
  private place(specs: readonly GuestSpec[], layouts: GuestLayout[]): void {
    const top = Math.max(0, ...layouts.map((l) => l.end));
    if (top === 0) return;
    const code = (this.hostExports.buddy_set_heap_start as (start: number) => number)(top);
    if (code === ErrorCode.ALREADY_INITIALIZED) {
      const at = layouts.findIndex((l) => l.end === top);
      throw new GuestLayoutError(specs[at].name ?? `guest ${this.placed.length + at}`, "heap-below",
        `the heap was set up (first used) below this guest's static data and stack, which end at ${hex(top)}: ` +
        "instantiate every guest before the heap is first used, or give this one a lower range");
    }
  }

  /** Places and instantiates guests, in order. All are read, checked and compiled first, so a
   *  refused layout or a module that does not compile leaves the heap and memory unchanged; a
   *  guest whose instantiation fails (a missing import) leaves the heap's start raised above it
   *  and the memory grown, and is not placed. */
  async add(specs: readonly GuestSpec[]): Promise<Guest[]> {
    if (!Array.isArray(specs)) throw new TypeError(`as-buddy: GuestHost.add(specs): specs must be an array of { module, imports? }; got ${describe(specs)}`);
    for (const spec of specs) {
      if (!isPlainObject(spec)) throw new TypeError(`as-buddy: GuestHost.add(specs): each guest is { module, imports?, name? }; got ${describe(spec)}`);
      if (spec.imports !== undefined && (spec.imports === null || typeof spec.imports !== "object")) {
        throw new TypeError(`as-buddy: GuestHost.add(specs): imports must be an object of import modules; got ${describe(spec.imports)}`);
      }
    }
    const layouts = this.check(specs);
    const modules: WebAssembly.Module[] = [];
    for (const spec of specs) modules.push(await WebAssembly.compile(toBytes("the guest", spec.module) as Uint8Array<ArrayBuffer>));
    this.place(specs, layouts);
    const pages = Math.max(...layouts.map((l) => Math.max(l.pages, Math.ceil(l.end / 65536))));
    const have = this.memory.buffer.byteLength >>> 16;
    if (pages > have && this.grow(pages - have) < 0) throw new RangeError(`as-buddy: the shared memory cannot grow to the guests' ${pages} pages`);
    const guests: Guest[] = [];
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const name = spec.name ?? `guest ${this.placed.length}`;
      const imports = (spec.imports ?? {}) as WebAssembly.Imports;
      const module = modules[i];
      const env: Record<string, WebAssembly.ImportValue> = { ...(imports.env ?? {}), memory: this.memory };
      if (!("abort" in env) && WebAssembly.Module.imports(module).some((i) => i.module === "env" && i.name === "abort")) {
        env.abort = this.abortFor(name);
      }
      const instance = await WebAssembly.instantiate(module, { ...imports, env, "as-buddy": this.hostExports });
      this.placed.push({ name, layout: layouts[i] });
      const exports = Object.freeze({ ...instance.exports, memory: this.memory });
      guests.push({ instance, exports, heap: this.heap, memory: this.memory, layout: layouts[i] });
    }
    return guests;
  }

  private grow(pages: number): number {
    try { return this.memory.grow(pages); } catch { return -1; }
  }

  /** AssemblyScript's env.abort for a guest that did not bring one: throws with its message. */
  private abortFor(name: string): (message: number, file: number, line: number, column: number) => never {
    const text = (ptr: number): string => {
      if (!ptr) return "";
      const bytes = new Uint8Array(this.memory.buffer);
      const length = new Uint32Array(this.memory.buffer, (ptr >>> 0) - 4, 1)[0] >>> 1;
      return new TextDecoder("utf-16le").decode(bytes.subarray(ptr >>> 0, (ptr >>> 0) + length * 2));
    };
    return (message, file, line, column) => {
      throw new Error(`${name}: abort: ${text(message)} at ${text(file)}:${line}:${column}`);
    };
  }
}

/** Instantiates several guests on one new as-buddy heap: all are checked first, then placed
 *  (the heap above every guest's data and stack) and instantiated in order. */
export async function instantiateGuests(specs: readonly GuestSpec[], options?: GuestOptions): Promise<{ heap: BuddyHeap; memory: WebAssembly.Memory; guests: Guest[]; host: GuestHost }> {
  const host = await GuestHost.create(checkGuestOptions("instantiateGuests", options));
  const guests = await host.add(specs);
  return { heap: host.heap, memory: host.memory, guests, host };
}

/** Instantiates one guest on a new as-buddy heap: `imports` are its other imports (for example
 *  a WASI object's getImportObject()); env.memory and the "as-buddy" module are filled in. */
export async function instantiateGuest(guest: ArrayBuffer | ArrayBufferView, imports: object = {}, options?: GuestOptions): Promise<Guest> {
  toBytes("instantiateGuest(guest)", guest);
  if (imports === null || typeof imports !== "object" || Array.isArray(imports)) {
    throw new TypeError(`as-buddy: instantiateGuest(imports): imports must be an object of import modules; got ${describe(imports)}`);
  }
  const host = await GuestHost.create(checkGuestOptions("instantiateGuest", options));
  const [g] = await host.add([{ module: guest, imports: { ...imports }, name: "the guest" }]);
  return g;
}

/** The minimum page count of the module's imported memory, read from its import section. A
 *  module that does not import env.memory cannot share as-buddy's: TypeError. */
export function memoryImportMinimum(bytes: Uint8Array): number {
  return guestLayout(bytes).pages;
}
