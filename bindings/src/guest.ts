// Guest modules: another wasm module (a C or C++ program linked with c/as-buddy-malloc.c, an
// AssemblyScript module with @external imports) whose allocations are on as-buddy's heap. The
// guest imports its memory (env.memory) and the allocator functions (module "as-buddy") from
// as-buddy's host build; its static data and stack sit below the heap, which starts at the
// guest's __heap_base (c/as-buddy-malloc.c tells as-buddy before its first allocation).
import { BuddyHeap, compileSource, defaultHostWasmUrl } from "./heap.js";
import type { WasmSource } from "./heap.js";
import { checkOptions, describe, isPlainObject } from "./args.js";

export interface GuestOptions {
  /** The as-buddy module to host the guest (default: the packaged host build). */
  host?: WasmSource;
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
}

const GUEST_OPTION_KEYS = ["host"] as const;

/** Instantiates `guest` (its bytes: the memory it needs is read from them) on a new as-buddy
 *  heap: `imports` are the guest's other imports (for example a WASI object's
 *  getImportObject()); env.memory and the "as-buddy" module are filled in. The heap is not set
 *  up until the guest's first allocation, so that it starts above the guest's data and stack. */
export async function instantiateGuest(guest: BufferSource, imports: WebAssembly.Imports = {}, options?: GuestOptions): Promise<Guest> {
  const bytes = guest instanceof ArrayBuffer ? new Uint8Array(guest)
    : ArrayBuffer.isView(guest) ? new Uint8Array(guest.buffer, guest.byteOffset, guest.byteLength) : undefined;
  if (!bytes) throw new TypeError(`as-buddy: instantiateGuest(guest): guest must be the module's bytes (an ArrayBuffer or a typed array); got ${describe(guest)}`);
  if (!isPlainObject(imports)) throw new TypeError(`as-buddy: instantiateGuest(imports): imports must be an object of import modules; got ${describe(imports)}`);
  const { host = defaultHostWasmUrl } = checkOptions<GuestOptions>("instantiateGuest", "options", options, GUEST_OPTION_KEYS);
  if (host === undefined) throw new TypeError("as-buddy: no URL support here: pass options.host (the host build's bytes or Module)");
  const pages = memoryImportMinimum(bytes);
  const module = await WebAssembly.compile(bytes);
  const hostInstance = await WebAssembly.instantiate(await compileSource(host), {});
  const heap = BuddyHeap.fromInstance(hostInstance);
  const memory = heap.memory;
  const have = memory.buffer.byteLength >>> 16;
  if (pages > have && memory.grow(pages - have) < 0) throw new RangeError(`as-buddy: instantiateGuest: memory cannot grow to the guest's ${pages} pages`);
  const instance = await WebAssembly.instantiate(module, {
    ...imports,
    env: { ...(imports.env ?? {}), memory },
    "as-buddy": hostInstance.exports,
  });
  const exports = Object.freeze({ ...instance.exports, memory });
  return { instance, exports, heap, memory };
}

/** The minimum page count of the module's imported memory, read from its import section. A
 *  module that does not import env.memory cannot share as-buddy's: TypeError. */
export function memoryImportMinimum(bytes: Uint8Array): number {
  let at = 8;
  const u32 = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= bytes.length) throw new TypeError("as-buddy: the guest module is truncated");
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
  };
  const name = (): string => {
    const n = u32();
    const s = new TextDecoder().decode(bytes.subarray(at, at + n));
    at += n;
    return s;
  };
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new TypeError("as-buddy: instantiateGuest(guest): not a WebAssembly module");
  }
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        const module = name();
        const field = name();
        const kind = bytes[at++];
        if (kind === 0) u32(); // function: type index
        else if (kind === 1) { at++; const flags = u32(); u32(); if (flags & 1) u32(); } // table
        else if (kind === 2) { // memory: limits
          const flags = u32();
          const min = u32();
          if (flags & 1) u32();
          if (module === "env" && field === "memory") return min;
        } else if (kind === 3) at += 2; // global: value type, mutability
        else if (kind === 4) { at++; u32(); } // tag: attribute, type index
        else throw new TypeError(`as-buddy: the guest module has an import of unknown kind ${kind}`);
      }
    }
    at = end;
  }
  throw new TypeError("as-buddy: instantiateGuest(guest): the guest does not import env.memory (link it with --import-memory)");
}
