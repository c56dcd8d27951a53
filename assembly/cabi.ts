// The C-ABI module (build/as-buddy.wasm, and its host, threads and test builds): as-buddy as
// the allocator of other code and of JavaScript, on linear memory from __heap_base (or where a
// guest module says) up, growing with memory.grow. It imports nothing but, in the threads
// build, its shared memory. This file is the entry point only; the exports are in abi/, one
// file per concern:
//
//   abi/module.ts  where the heap is, its setup (buddy_init, buddy_set_heap_start), the lock of
//                  the threads build, enter/leave around every call, buddy_last_error
//   abi/c.ts       the C names: malloc, free, calloc, realloc, aligned_alloc, malloc_usable_size
//   abi/api.ts     buddy_* (the core's semantics, what the bindings call), batches, statistics,
//                  the checker
//   abi/walk.ts    regions and blocks for viewers
//   abi/cache.ts   the threads build's per-instance caches and their lock-free reader
//   abi/pools.ts   BuddyPool's entry points

export { buddy_init, buddy_set_heap_start, buddy_last_error } from "./abi/module";
export * from "./abi/c";
export * from "./abi/api";
export * from "./abi/walk";
export { buddy_cache_flush } from "./abi/cache";
export * from "./abi/pools";
