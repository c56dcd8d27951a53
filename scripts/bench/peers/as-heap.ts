// AssemblyScript's own allocators under the C names, for the benchmark: built with
// --runtime minimal (TLSF, the default runtime's allocator) or --runtime stub (a bump
// allocator that frees only the last block).
export function malloc(size: usize): usize { return heap.alloc(size); }
export function free(ptr: usize): void { heap.free(ptr); }
export function realloc(ptr: usize, size: usize): usize { return heap.realloc(ptr, size); }
