// Argument checks shared by the bindings' entry points. A value of the wrong type (a string
// where a number belongs, a number where options belong) is a TypeError naming the argument;
// a number of the right type but out of range is the allocator's own error (BuddyError or
// BuddyPoolError), raised by the caller with the code that fits.

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `${value}n`;
  if (value === null || typeof value !== "object") return String(value);
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null ? JSON.stringify(value) : `a ${proto?.constructor?.name ?? "object"}`;
}

/** Throws a TypeError unless `value` is a number (range is the caller's concern). */
export function requireNumber(call: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`as-buddy: ${call}: ${name} must be a number, got ${describe(value)} (${value === null ? "null" : typeof value})`);
  }
}

/** A plain object literal: `{ ... }` or Object.create(null), and not a thenable. This is what
 *  tells an options object apart from a module source (bytes, Module, Response, URL, string). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { then?: unknown }).then !== "function";
}

/** Options that take true or false; every other option takes a number. */
const BOOLEAN_OPTIONS = ["textbook"];

/** Checks an options object: a plain object whose keys are all known and whose values are
 *  numbers (booleans for BOOLEAN_OPTIONS) or undefined. Returns it, or {} for undefined. */
export function checkOptions<T extends object>(call: string, name: string, options: unknown, keys: readonly string[]): T {
  if (options === undefined) return {} as T;
  if (!isPlainObject(options)) {
    throw new TypeError(`as-buddy: ${call}: ${name} must be an object with ${keys.join(", ")}; got ${describe(options)}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (!keys.includes(key)) throw new TypeError(`as-buddy: ${call}: unknown option ${name}.${key} (known: ${keys.join(", ")})`);
    if (value === undefined) continue;
    if (BOOLEAN_OPTIONS.includes(key)) {
      if (typeof value !== "boolean") throw new TypeError(`as-buddy: ${call}: ${name}.${key} must be true or false, got ${describe(value)}`);
      continue;
    }
    requireNumber(call, `${name}.${key}`, value);
  }
  return options as T;
}
