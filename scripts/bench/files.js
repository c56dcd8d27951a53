// The benchmark's modules, relative to the repository root: one list for every harness
// (Node, the browser page, the jsc shell).
export const MODULE_FILES = {
  driver: "build/bench/driver.wasm",
  "as-buddy": "build/as-buddy.wasm",
  tlsf: "build/bench/tlsf.wasm",
  dlmalloc: "build/bench/dlmalloc.wasm",
  emmalloc: "build/bench/emmalloc.wasm",
  bump: "build/bench/bump.wasm",
  "gc-buddy": "build/bench/gc-buddy.wasm",
  "gc-tlsf": "build/bench/gc-tlsf.wasm",
  "gc-objects-buddy": "build/bench/gc-objects-buddy.wasm",
  "gc-objects-tlsf": "build/bench/gc-objects-tlsf.wasm",
  "gc-linked": "build/bench/gc-linked.wasm",
  "gc-objects-linked": "build/bench/gc-objects-linked.wasm",
  host: "build/as-buddy.host.wasm",
};
