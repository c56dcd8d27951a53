// Shared helpers of the Node tests: load a build of the C-ABI module, read its statistics
// record, and a seeded PRNG whose seed the tests print when they fail.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Whether build/as-buddy.wasm is the checked build: `npm test` runs every Node test a second
 *  time with it swapped in (scripts/test.js), so that a broken invariant traps in the call
 *  that broke it. The few tests that corrupt a heap on purpose expect that trap then. */
export const CHECKED_RUN = process.env.AS_BUDDY_BUILD === "checked";

export const BUILDS = {
  release: fileURLToPath(new URL("../build/as-buddy.wasm", import.meta.url)),
  debug: fileURLToPath(new URL("../build/as-buddy.debug.wasm", import.meta.url)),
  /** The debug build that runs check() after every call (traps on a broken invariant). */
  checked: fileURLToPath(new URL("../build/test/as-buddy.checked.wasm", import.meta.url)),
  limited: fileURLToPath(new URL("../build/test/as-buddy.limited.wasm", import.meta.url)),
  /** Release code with memory capped at 160 pages (10 MiB): room for growth steps of a few pages. */
  limitedLarge: fileURLToPath(new URL("../build/test/as-buddy.limited-large.wasm", import.meta.url)),
};

export { ErrorCode } from "../bindings/dist/index.js";
import { decodeStats, STATS } from "../bindings/dist/layout.js";

const modules = new Map();
/** A fresh instance of a build (compiled once per file). */
export function load(build = "release") {
  let mod = modules.get(build);
  if (!mod) modules.set(build, (mod = new WebAssembly.Module(readFileSync(BUILDS[build]))));
  return new WebAssembly.Instance(mod, {}).exports;
}

/** The statistics record of docs/statistics.md, decoded (freeBlocks of every order 0..31). */
export function stats(e) {
  const at = e.buddy_stats() >>> 0; // first: the call may grow memory
  const s = decodeStats(e.memory.buffer, at);
  const first = STATS.freeBlocks >> 2;
  s.freeBlocks = Array.from(new Uint32Array(e.memory.buffer, (e.buddy_stats() >>> 0), STATS.size >> 2).subarray(first, first + 32));
  return s;
}

/** The part of the statistics a rejected call must not change (failure counters excluded). */
export function state(e) {
  const { failedAllocs, rejectedFrees, ...rest } = stats(e);
  return rest;
}

/** mulberry32: small, fast, and the same sequence everywhere for a seed. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs `fn(page, url)` in a headless browser ("chromium" or "firefox", scripts/browser.js)
 *  against the repository served on loopback, with the page's uncaught errors collected (checked
 *  empty at the end). Skips the test where the browser is missing, except in CI, where it must
 *  run (the failure names the Debian package). */
export async function inBrowser(t, name, viewport, fn) {
  const { missing, requireTool } = await import("../scripts/system-tools.js");
  if (missing(name) && !process.env.CI) {
    t.skip(missing(name));
    return;
  }
  requireTool(name);
  const { serve } = await import("../scripts/serve.js");
  const { launchBrowser } = await import("../scripts/browser.js");
  const { browser, reason } = await launchBrowser(name);
  if (!browser) throw new Error(`${name} is installed but did not start: ${reason}`);
  const server = await serve();
  try {
    const page = await browser.newPage(viewport ?? undefined);
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await fn(page, server.url);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
