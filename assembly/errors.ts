// Error codes of as-buddy. Every rejected call returns (or records) one of these and leaves the
// heap exactly as it was: no block, list, bitmap or byte counter changes. The last-error slot
// records the code; a failed allocation also counts in `failedAllocs` and a rejected free (or
// realloc of a bad pointer) in `rejectedFrees`. Other rejected calls (usableSize of a bad
// pointer, a bad region, a batch array outside memory) are not counted.
//
// The numbers are part of the public ABI (C module, bindings): never renumber, only append.

export enum ErrorCode {
  /** Success. */
  OK = 0,
  /** No free block large enough, and the heap could not (or may not) grow. */
  OUT_OF_MEMORY = 1,
  /** A size of zero was requested (the C `malloc(0)` entry maps it to one byte instead). */
  ZERO_SIZE = 2,
  /** The request is larger than the largest block of this heap. */
  TOO_LARGE = 3,
  /** The alignment is not a power of two, or is larger than the largest block. */
  BAD_ALIGN = 4,
  /** The pointer lies outside every region of this heap. */
  NOT_IN_HEAP = 5,
  /** The pointer is inside the heap but not the start of a block handed out by alloc. */
  NOT_BLOCK_START = 6,
  /** The block at the pointer is already free. */
  DOUBLE_FREE = 7,
  /** A sized free (`dealloc`) names a size or alignment the block was not allocated with. */
  SIZE_MISMATCH = 8,
  /** A region is empty after alignment, too small for the metadata, or outside linear memory. */
  BAD_REGION = 9,
  /** A region overlaps a region of the heap or its control block. */
  REGION_OVERLAP = 10,
  /** A configuration value is out of range (minimum block, maximum order, growth limit). */
  BAD_CONFIG = 11,
  /** The heap pointer does not point at an initialised heap. */
  NOT_INITIALIZED = 12,
  /** The region table is full (merge adjacent regions, or use fewer). */
  TOO_MANY_REGIONS = 13,
  /** The heap was already initialised (C module: `buddy_init` after first use). */
  ALREADY_INITIALIZED = 14,
  /** `check()` found a broken invariant; `checkDetail()` says which. */
  CORRUPT = 15,
}

/** A one-line English description of an error code. */
export function errorMessage(code: u32): string {
  switch (code) {
    case ErrorCode.OK: return "ok";
    case ErrorCode.OUT_OF_MEMORY: return "out of memory: no free block is large enough and the heap cannot grow";
    case ErrorCode.ZERO_SIZE: return "size is zero";
    case ErrorCode.TOO_LARGE: return "size is larger than the largest block of the heap";
    case ErrorCode.BAD_ALIGN: return "alignment is not a power of two or exceeds the largest block";
    case ErrorCode.NOT_IN_HEAP: return "pointer is outside every region of the heap";
    case ErrorCode.NOT_BLOCK_START: return "pointer is not the start of an allocated block";
    case ErrorCode.DOUBLE_FREE: return "block is already free (double free)";
    case ErrorCode.SIZE_MISMATCH: return "size or alignment does not match the allocation";
    case ErrorCode.BAD_REGION: return "region is empty, too small for its metadata, or outside linear memory";
    case ErrorCode.REGION_OVERLAP: return "region overlaps the heap";
    case ErrorCode.BAD_CONFIG: return "configuration value out of range";
    case ErrorCode.NOT_INITIALIZED: return "not an initialised heap";
    case ErrorCode.TOO_MANY_REGIONS: return "region table is full";
    case ErrorCode.ALREADY_INITIALIZED: return "heap is already initialised";
    case ErrorCode.CORRUPT: return "heap check failed: an invariant is broken";
  }
  return "unknown error code";
}

/** Which invariant `check()` found broken (the detail behind ErrorCode.CORRUPT). */
export enum CheckFailure {
  NONE = 0,
  /** Control block: bad magic or configuration fields out of range. */
  CONTROL_BLOCK = 1,
  /** Region table: unsorted, overlapping, outside the span, or total bytes disagree. */
  REGIONS = 2,
  /** A free-list entry is outside the heap, misaligned, or not a free leaf of its order. */
  LIST_ENTRY = 3,
  /** A free list's back links are inconsistent, or it is longer than its count (a cycle). */
  LIST_LINKS = 4,
  /** The non-empty-order bitmap disagrees with the lists. */
  NONEMPTY_BITMAP = 5,
  /** A block straddles a region boundary, or a free block lies outside every region. */
  BLOCK_BOUNDS = 6,
  /** Free-head bits set where no free block starts. */
  FREE_BITS = 7,
  /** Split bits set on nodes that are not ancestors of blocks. */
  SPLIT_BITS = 8,
  /** Free blocks found in the tree and in the lists disagree (count per order). */
  LIST_COUNTS = 9,
  /** Bytes in use disagree with the blocks found allocated. */
  USED_BYTES = 10,
  /** The metadata area is not made of allocated blocks. */
  METADATA = 11,
  /** Eager coalescing is configured, yet two free buddies were left unmerged. */
  UNMERGED_BUDDIES = 12,
  /** A slab (size classes): its header and slot bitmap disagree (the live count, the scan
   *  word, the bits past the last slot), a slab bit marks no slab, or a class's list of slabs
   *  with a free slot is wrong. */
  SLABS = 13,
  /** A run (runs.ts): not made of adjacent allocated blocks of 64 KiB and up, outside
   *  the heap, or overlapping another. */
  RUNS = 14,
}

/** Error codes of BuddyPool (pool.ts), named after the Rust crate buddy_pool's BuddyErrorType
 *  where one applies. Pool calls return them negated in place of an address, or as a code.
 *  Like ErrorCode, a rejected call changes nothing but the failure counters. Never renumber. */
export enum PoolError {
  OK = 0,
  /** A configuration value is invalid (see pool.ts, "Configuration"). */
  INVALID_PARAMETER = 1,
  /** A size that is not an integer from 0 to 2^53; computeBuddySize: larger than maxBuddy. */
  INVALID_SIZE = 2,
  /** A request below the pool's minAlloc. */
  UNDERSIZE_ALLOC = 3,
  /** A request above the pool's maxAlloc. */
  OVERSIZE_ALLOC = 4,
  /** No free block is large enough. */
  OUT_OF_MEMORY = 5,
  /** The address is inside the pool and aligned, but not the start of an allocated block. */
  INVALID_ADDRESS = 6,
  /** The address is not a multiple of minBuddy from the pool's base. */
  UNALIGNED_ADDRESS = 7,
  /** The address is outside the pool's managed range. */
  ADDRESS_OUTSIDE_POOL = 8,
  /** The block at the address is already free. */
  FREEING_FREE_MEMORY = 9,
  /** The range holds no block of minBuddy bytes (buddy_pool: InvalidParameter). */
  EMPTY_POOL = 10,
  /** The handle's generation is not its block's: it was freed (use after free). */
  STALE_HANDLE = 11,
  /** The value is not a handle of this pool (never issued, or not a block start). */
  INVALID_HANDLE = 12,
  /** The pointer does not point at a live pool (never created, or destroyed). */
  NOT_A_POOL = 13,
  /** The heap the metadata comes from has no room for it. */
  NO_METADATA_MEMORY = 14,
  /** check() found a broken invariant. */
  CORRUPT = 15,
}

/** A one-line English description of a pool error code. */
export function poolErrorMessage(code: u32): string {
  switch (code) {
    case PoolError.OK: return "ok";
    case PoolError.INVALID_PARAMETER: return "invalid pool parameter";
    case PoolError.INVALID_SIZE: return "size is not an integer from 0 to 2^53, or exceeds the largest buddy";
    case PoolError.UNDERSIZE_ALLOC: return "request is smaller than the pool's minAlloc";
    case PoolError.OVERSIZE_ALLOC: return "request is larger than the pool's maxAlloc";
    case PoolError.OUT_OF_MEMORY: return "out of memory: no free block in the pool is large enough";
    case PoolError.INVALID_ADDRESS: return "address is not the start of an allocated block";
    case PoolError.UNALIGNED_ADDRESS: return "address is not a multiple of minBuddy from the pool's base";
    case PoolError.ADDRESS_OUTSIDE_POOL: return "address is outside the pool";
    case PoolError.FREEING_FREE_MEMORY: return "block is already free (double free)";
    case PoolError.EMPTY_POOL: return "pool range holds no block of minBuddy bytes";
    case PoolError.STALE_HANDLE: return "handle is stale: its block was freed";
    case PoolError.INVALID_HANDLE: return "not a handle of this pool";
    case PoolError.NOT_A_POOL: return "not a live pool";
    case PoolError.NO_METADATA_MEMORY: return "no memory for the pool's metadata";
    case PoolError.CORRUPT: return "pool check failed: an invariant is broken";
  }
  return "unknown pool error code";
}
