// What a guest module claims of a shared memory, read from its bytes before it runs: the memory
// it imports, the range its static data and stack occupy, and whether its code grows memory
// (an allocator of its own, which would run into the heap). guest.ts places guests and the
// heap from it.

export interface GuestLayout {
  /** The minimum page count of its imported env.memory. */
  pages: number;
  /** [start, end): its static data and stack. The heap must start at or above end. */
  start: number;
  end: number;
  /** How end was found: "as-buddy linked runtime" (the runtime's exported __heap_base),
   *  "__heap_base export", "stack pointer" (wasm-ld's first global) or "data". */
  source: string;
  /** Its code contains memory.grow: it manages memory of its own. */
  growsMemory: boolean;
}

/** The export the linked runtime (assembly/runtime/linked.ts) adds: a function returning the
 *  program's __heap_base, whose body is read here, not run. */
export const LINKED_HEAP_BASE_EXPORT = "AS_BUDDY_LINKED_HEAP_BASE";

class Reader {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  byte(): number {
    if (this.at >= this.bytes.length) throw new TypeError("as-buddy: the guest module is truncated");
    return this.bytes[this.at++];
  }
  u32(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return value;
    }
  }
  /** A signed LEB128 of up to 64 bits, as a number (exact up to 2^53). */
  sleb(): number {
    let value = 0;
    let shift = 0;
    let b: number;
    do {
      b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (b & 0x40) value -= 2 ** shift;
    return value;
  }
  skip(n: number): void {
    if (this.at + n > this.bytes.length) throw new TypeError("as-buddy: the guest module is truncated");
    this.at += n;
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.skip(n);
    return s;
  }
  limits(): number {
    const flags = this.u32();
    const min = this.u32();
    if (flags & 1) this.u32();
    return min;
  }
}

type Const = { kind: "i32"; value: number } | { kind: "global"; index: number } | { kind: "other" };

/** A constant expression (a global's init, a data segment's offset) up to its end. */
function constExpr(r: Reader): Const {
  const op = r.byte();
  let result: Const = { kind: "other" };
  if (op === 0x41) result = { kind: "i32", value: r.sleb() >>> 0 };
  else if (op === 0x23) result = { kind: "global", index: r.u32() };
  else if (op === 0x42) r.sleb();
  else if (op === 0x43) r.skip(4);
  else if (op === 0x44) r.skip(8);
  else if (op === 0xd0) r.byte();
  else if (op === 0xd2) r.u32();
  else if (op === 0x0b) return result;
  else throw new TypeError(`as-buddy: the guest module has a constant expression it cannot read (opcode 0x${op.toString(16)})`);
  if (r.byte() !== 0x0b) throw new TypeError("as-buddy: the guest module has an extended constant expression; as-buddy cannot place it");
  return result;
}

/** Reads what the guest claims of memory. Throws a TypeError for bytes that are not a module or
 *  a module that does not import env.memory. */
export function guestLayout(bytes: Uint8Array): GuestLayout {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new TypeError("as-buddy: the guest is not a WebAssembly module");
  }
  const r = new Reader(bytes);
  r.at = 8;
  let pages: number | undefined;
  let importedFuncs = 0;
  let importedGlobals = 0;
  const globals: { mutable: boolean; type: number; init: Const }[] = [];
  const exportedFuncs = new Map<string, number>();
  const exportedGlobals = new Map<string, number>();
  let dataStart = Infinity;
  let dataEnd = 0;
  let linkedBody: Const | undefined;
  let growsMemory = false;
  let stackPointerName: number | undefined;
  while (r.at < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (id === 2) {
      for (let count = r.u32(); count > 0; count--) {
        const module = r.name();
        const field = r.name();
        const kind = r.byte();
        if (kind === 0) { r.u32(); importedFuncs++; } else if (kind === 1) { r.byte(); r.limits(); } else if (kind === 2) {
          const min = r.limits();
          if (module === "env" && field === "memory") pages = min;
        } else if (kind === 3) { r.skip(2); importedGlobals++; } else if (kind === 4) { r.byte(); r.u32(); } else {
          throw new TypeError(`as-buddy: the guest module has an import of unknown kind ${kind}`);
        }
      }
    } else if (id === 6) {
      for (let count = r.u32(); count > 0; count--) {
        const type = r.byte();
        const mutable = r.byte() === 1;
        globals.push({ mutable, type, init: constExpr(r) });
      }
    } else if (id === 7) {
      for (let count = r.u32(); count > 0; count--) {
        const name = r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) exportedFuncs.set(name, index);
        else if (kind === 3) exportedGlobals.set(name, index);
      }
    } else if (id === 10) {
      const linked = exportedFuncs.get(LINKED_HEAP_BASE_EXPORT);
      const bodies = r.u32();
      for (let i = 0; i < bodies; i++) {
        const bodySize = r.u32();
        const bodyEnd = r.at + bodySize;
        for (let groups = r.u32(); groups > 0; groups--) { r.u32(); r.byte(); }
        if (linked === importedFuncs + i) linkedBody = returnedConstant(r);
        else if (scanForGrow(r, bodyEnd)) growsMemory = true;
        r.at = bodyEnd;
      }
    } else if (id === 11) {
      for (let count = r.u32(); count > 0; count--) {
        const flags = r.u32();
        if (flags === 1) { r.skip(r.u32()); continue; } // passive: placed by the code, not here
        if (flags === 2) r.u32();
        const offset = constExpr(r);
        const length = r.u32();
        r.skip(length);
        const at = resolve(offset, globals, importedGlobals);
        if (at === undefined) throw new TypeError("as-buddy: the guest's data is placed by an imported global (a relocatable module); link it at a fixed address");
        if (length === 0) continue;
        dataStart = Math.min(dataStart, at);
        dataEnd = Math.max(dataEnd, at + length);
      }
    } else if (id === 0) {
      // The name section's global names: wasm-ld's __stack_pointer.
      const nameEnd = end;
      const section = r.name();
      if (section === "name") {
        while (r.at < nameEnd) {
          const sub = r.byte();
          const subSize = r.u32();
          const subEnd = r.at + subSize;
          if (sub === 7) {
            for (let count = r.u32(); count > 0; count--) {
              const index = r.u32();
              if (r.name() === "__stack_pointer") stackPointerName = index;
            }
          }
          r.at = subEnd;
        }
      }
    }
    r.at = end;
  }
  if (pages === undefined) throw new TypeError("as-buddy: the guest does not import env.memory (link it with --import-memory, or asc --importMemory)");
  if (dataStart === Infinity) dataStart = dataEnd = 0;
  const valueOf = (index: number | undefined): number | undefined =>
    index === undefined || index < importedGlobals ? undefined : resolve(globals[index - importedGlobals]?.init, globals, importedGlobals);
  let top: number | undefined;
  let source = "data";
  let start = dataStart;
  if (linkedBody) {
    top = resolve(linkedBody, globals, importedGlobals);
    if (top === undefined) throw new TypeError(`as-buddy: the guest's ${LINKED_HEAP_BASE_EXPORT} is not a constant: as-buddy cannot place it`);
    source = "as-buddy linked runtime";
  } else if (exportedGlobals.has("__heap_base")) {
    top = valueOf(exportedGlobals.get("__heap_base"));
    source = "__heap_base export";
  } else {
    // wasm-ld's stack pointer: named in the name section, else its first defined global.
    const index = stackPointerName ?? (globals[0]?.mutable && globals[0].type === 0x7f ? importedGlobals : undefined);
    const sp = valueOf(index);
    if (sp !== undefined && sp > 0) {
      top = sp;
      source = "stack pointer";
      // --stack-first: the stack [0, sp) lies below the data.
      if (sp <= dataStart) start = 0;
    }
  }
  const end = Math.max(dataEnd, top ?? 0);
  return { pages, start: Math.min(start, end), end, source, growsMemory };
}

/** The linked runtime's AS_BUDDY_LINKED_HEAP_BASE body: `i32.const N` (optimized) or
 *  `global.get G; return` (-O0), then end. */
function returnedConstant(r: Reader): Const {
  const op = r.byte();
  const c: Const = op === 0x41 ? { kind: "i32", value: r.sleb() >>> 0 } : op === 0x23 ? { kind: "global", index: r.u32() } : { kind: "other" };
  let next = r.byte();
  if (next === 0x0f) next = r.byte();
  return next === 0x0b ? c : { kind: "other" };
}

function resolve(c: Const | undefined, globals: { init: Const }[], importedGlobals: number): number | undefined {
  for (let depth = 0; c && depth < 4; depth++) {
    if (c.kind === "i32") return c.value;
    if (c.kind !== "global" || c.index < importedGlobals) return undefined;
    c = globals[c.index - importedGlobals]?.init;
  }
  return undefined;
}

/** Whether a function body (reader at its first instruction) contains memory.grow. Decodes every
 *  instruction's immediates (MVP, sign extension, bulk memory, SIMD, threads, exceptions,
 *  tail calls, reference types). */
function scanForGrow(r: Reader, end: number): boolean {
  const memarg = (): void => { const align = r.u32(); if (align & 0x40) r.u32(); r.u32(); };
  while (r.at < end) {
    const op = r.byte();
    if (op === 0x40) return true; // memory.grow
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06) blockType(r);
    else if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0x07 || op === 0x08 ||
      op === 0x09 || op === 0x18 || (op >= 0x20 && op <= 0x26) || op === 0xd2 || op === 0x3f || op === 0xd5 || op === 0xd6) r.u32();
    else if (op === 0x0e) { for (let n = r.u32(); n >= 0; n--) r.u32(); } else if (op === 0x11 || op === 0x13) { r.u32(); r.u32(); } else if (op === 0x1c) { for (let n = r.u32(); n > 0; n--) r.byte(); } else if (op >= 0x28 && op <= 0x3e) memarg();
    else if (op === 0x41 || op === 0x42) r.sleb();
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op === 0xd0) r.byte();
    else if (op === 0x1f) { // try_table
      blockType(r);
      for (let n = r.u32(); n > 0; n--) { const k = r.byte(); if (k < 2) r.u32(); r.u32(); }
    } else if (op === 0xfc) {
      const sub = r.u32();
      if (sub === 8 || sub === 10 || sub === 12 || sub === 14) { r.u32(); r.u32(); } else if (sub === 9 || sub === 11 || sub === 13 || sub >= 15 && sub <= 17) r.u32();
      else if (sub > 17) throw new TypeError(`as-buddy: the guest uses an instruction as-buddy cannot read (0xfc ${sub})`);
    } else if (op === 0xfd) {
      const sub = r.u32();
      if (sub <= 11 || sub === 92 || sub === 93) memarg();
      else if (sub === 12 || sub === 13) r.skip(16);
      else if (sub >= 21 && sub <= 34) r.byte();
      else if (sub >= 84 && sub <= 91) { memarg(); r.byte(); }
    } else if (op === 0xfe) {
      const sub = r.u32();
      if (sub === 3) r.byte();
      else memarg();
    } else if (op === 0xfb) throw new TypeError("as-buddy: the guest uses GC instructions, which as-buddy cannot read");
  }
  return false;
}

function blockType(r: Reader): void {
  const b = r.bytes[r.at];
  if (b === 0x40 || (b >= 0x6f && b <= 0x7f) || b === 0x63 || b === 0x64) { r.at++; if (b === 0x63 || b === 0x64) r.sleb(); } else r.sleb();
}
