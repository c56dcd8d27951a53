// The viewer page: runs as-buddy in the browser through the project's bindings, drives it with a
// scenario (scripts/viewer/scenarios.js) step by step, and draws snapshot() with renderSvg()
// after every frame. window.viewer exposes the state for tests (tests/viewer.test.js).
import { BuddyHeap, BuddyPool, renderSvg } from "../../bindings/dist/index.js";
import { scenarios } from "./scenarios.js";

const $ = (id) => document.getElementById(id);
const HEAP_PAGES = 32;          // the heap may grow to 2 MiB: out of memory shows up
const POOL = { base: 2 ** 40, size: 4 << 20, minBuddy: 256, maxAlloc: 256 << 10 };

const state = { target: "heap", heap: null, pool: null, run: null, steps: 0, failed: 0, frame: 0 };

function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

/** The allocator the scenario drives, over the heap or the pool (addresses, -1 on failure). */
function adapter() {
  const count = (p) => { if (p < 0) state.failed++; return p; };
  if (state.target === "heap") {
    const h = state.heap;
    return {
      scale: 1,
      alloc: (n) => count(h.tryAlloc(n) || -1),
      free: (p) => h.free(p),
      realloc: (p, n) => count(h.tryRealloc(p, n) || -1),
    };
  }
  const pool = state.pool;
  const alloc = (n) => count(pool.tryAlloc(Math.min(n, POOL.maxAlloc)));
  return {
    scale: 4,
    alloc,
    free: (p) => pool.free(p),
    // A pool cannot copy what it does not touch: a new block, then the old one freed.
    realloc: (p, n) => { const q = alloc(n); if (q >= 0) pool.free(p); return q; },
  };
}

let resets = 0;
async function reset() {
  const mine = ++resets;
  document.body.dataset.ready = "no"; // tests wait for "yes"
  pause();
  const heap = await BuddyHeap.create(undefined, { maxPages: HEAP_PAGES });
  const pool = BuddyPool.on(await BuddyHeap.create(), POOL);
  if (mine !== resets) return; // a later reset (another control changed meanwhile) wins
  state.heap = heap;
  state.pool = pool;
  state.steps = 0;
  state.failed = 0;
  state.target = $("target").value;
  state.run = scenarios[$("scenario").value](adapter(), Number($("seed").value) || 1);
  draw();
  document.body.dataset.ready = "yes";
}

function current() {
  return state.target === "heap" ? state.heap : state.pool;
}

function step(n) {
  for (let i = 0; i < n; i++) { state.run.next(); state.steps++; }
}

function draw() {
  const obj = current();
  const snap = obj.snapshot();
  const stats = obj.stats();
  const figures = {
    steps: [state.steps, String(state.steps)],
    totalBytes: [snap.totalBytes, bytes(snap.totalBytes)],
    usedBytes: [snap.usedBytes, bytes(snap.usedBytes)],
    freeBytes: [snap.freeBytes, bytes(snap.freeBytes)],
    metaBytes: [snap.metaBytes, bytes(snap.metaBytes)],
    largestFree: [snap.largestFree, bytes(snap.largestFree)],
    fragmentation: [snap.fragmentation, `${(100 * snap.fragmentation).toFixed(1)}%`],
    blocks: [snap.blocks.length, String(snap.blocks.length)],
    allocs: [stats.allocs, String(stats.allocs)],
    frees: [stats.frees, String(stats.frees)],
    failed: [state.failed, String(state.failed)],
  };
  for (const [name, [value, text]] of Object.entries(figures)) {
    const dd = document.querySelector(`[data-figure="${name}"]`);
    dd.dataset.value = String(value);
    dd.textContent = text;
  }
  $("map").innerHTML = renderSvg(snap, { width: 760, title: state.target === "heap"
    ? `as-buddy heap: ${bytes(snap.totalBytes)} of linear memory`
    : `BuddyPool: ${bytes(snap.totalBytes)} at ${POOL.base.toString(16)}h, ${POOL.minBuddy}-byte minimum` });
  $("status").textContent = state.frame ? "running" : "paused";
}

function pause() {
  if (state.frame) cancelAnimationFrame(state.frame);
  state.frame = 0;
  $("run").disabled = false;
  $("pause").disabled = true;
  if (state.heap) draw();
}

function run() {
  $("run").disabled = true;
  $("pause").disabled = false;
  const frame = () => {
    step(Number($("speed").value));
    state.frame = requestAnimationFrame(frame);
    draw();
  };
  state.frame = requestAnimationFrame(frame);
}

const guard = (fn) => async () => {
  try { await fn(); } catch (e) { pause(); $("error").textContent = String(e?.stack ?? e); throw e; }
};

$("step").onclick = guard(() => { step(1); draw(); });
$("step100").onclick = guard(() => { step(100); draw(); });
$("run").onclick = guard(run);
$("pause").onclick = guard(pause);
$("reset").onclick = guard(reset);
$("target").onchange = guard(reset);
$("scenario").onchange = guard(reset);

window.viewer = { state, current, step, draw, reset, ready: guard(reset)() };
