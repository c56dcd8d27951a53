// The core's error codes (assembly/errors.ts) for TypeScript, and the error the bindings throw.
// The numbers and messages are ABI: a test compares them with the AssemblyScript source.

/** Every way a call can fail. Numbers match the wasm module's codes. */
export enum ErrorCode {
  OK = 0,
  OUT_OF_MEMORY = 1,
  ZERO_SIZE = 2,
  TOO_LARGE = 3,
  BAD_ALIGN = 4,
  NOT_IN_HEAP = 5,
  NOT_BLOCK_START = 6,
  DOUBLE_FREE = 7,
  SIZE_MISMATCH = 8,
  BAD_REGION = 9,
  REGION_OVERLAP = 10,
  BAD_CONFIG = 11,
  NOT_INITIALIZED = 12,
  TOO_MANY_REGIONS = 13,
  ALREADY_INITIALIZED = 14,
  CORRUPT = 15,
}

/** Which invariant check() found broken (the detail behind ErrorCode.CORRUPT). */
export enum CheckFailure {
  NONE = 0,
  CONTROL_BLOCK = 1,
  REGIONS = 2,
  LIST_ENTRY = 3,
  LIST_LINKS = 4,
  NONEMPTY_BITMAP = 5,
  BLOCK_BOUNDS = 6,
  FREE_BITS = 7,
  SPLIT_BITS = 8,
  LIST_COUNTS = 9,
  USED_BYTES = 10,
  METADATA = 11,
  UNMERGED_BUDDIES = 12,
  SLABS = 13,
  RUNS = 14,
}

const MESSAGES: Record<ErrorCode, string> = {
  [ErrorCode.OK]: "ok",
  [ErrorCode.OUT_OF_MEMORY]: "out of memory: no free block is large enough and the heap cannot grow",
  [ErrorCode.ZERO_SIZE]: "size is zero",
  [ErrorCode.TOO_LARGE]: "size is larger than the largest block of the heap",
  [ErrorCode.BAD_ALIGN]: "alignment is not a power of two or exceeds the largest block",
  [ErrorCode.NOT_IN_HEAP]: "pointer is outside every region of the heap",
  [ErrorCode.NOT_BLOCK_START]: "pointer is not the start of an allocated block",
  [ErrorCode.DOUBLE_FREE]: "block is already free (double free)",
  [ErrorCode.SIZE_MISMATCH]: "size or alignment does not match the allocation",
  [ErrorCode.BAD_REGION]: "region is empty, too small for its metadata, or outside linear memory",
  [ErrorCode.REGION_OVERLAP]: "region overlaps the heap",
  [ErrorCode.BAD_CONFIG]: "configuration value out of range",
  [ErrorCode.NOT_INITIALIZED]: "not an initialised heap",
  [ErrorCode.TOO_MANY_REGIONS]: "region table is full",
  [ErrorCode.ALREADY_INITIALIZED]: "heap is already initialised",
  [ErrorCode.CORRUPT]: "heap check failed: an invariant is broken",
};

/** The one-line description of a code, as the AssemblyScript errorMessage() gives it. */
export function errorMessage(code: number): string {
  return MESSAGES[code as ErrorCode] ?? "unknown error code";
}

/** The name of a code ("DOUBLE_FREE"), or "UNKNOWN(n)". */
export function errorName(code: number): string {
  return ErrorCode[code] ?? `UNKNOWN(${code})`;
}

/** What every failing BuddyHeap method throws. `code` is the core's code; the message names
 *  the call, its arguments and what was wrong. */
export class BuddyError extends Error {
  override readonly name = "BuddyError";
  constructor(
    /** The core's error code. */
    readonly code: ErrorCode,
    /** The call that failed, with its arguments: "free(ptr=4096)". */
    readonly call: string,
    /** For CORRUPT: the broken invariant. */
    readonly detail: CheckFailure = CheckFailure.NONE,
    /** Overrides the standard message (argument checks made in JavaScript). */
    why?: string,
  ) {
    super(`${call}: ${why ?? errorMessage(code)} [${errorName(code)}]` +
      (detail ? ` (${CheckFailure[detail] ?? detail})` : ""));
  }
}

/** BuddyPool's error codes (assembly/errors.ts PoolError), named after buddy_pool's
 *  BuddyErrorType where one applies. */
export enum PoolError {
  OK = 0,
  INVALID_PARAMETER = 1,
  INVALID_SIZE = 2,
  UNDERSIZE_ALLOC = 3,
  OVERSIZE_ALLOC = 4,
  OUT_OF_MEMORY = 5,
  INVALID_ADDRESS = 6,
  UNALIGNED_ADDRESS = 7,
  ADDRESS_OUTSIDE_POOL = 8,
  FREEING_FREE_MEMORY = 9,
  EMPTY_POOL = 10,
  STALE_HANDLE = 11,
  INVALID_HANDLE = 12,
  NOT_A_POOL = 13,
  NO_METADATA_MEMORY = 14,
  CORRUPT = 15,
}

const POOL_MESSAGES: Record<PoolError, string> = {
  [PoolError.OK]: "ok",
  [PoolError.INVALID_PARAMETER]: "invalid pool parameter",
  [PoolError.INVALID_SIZE]: "size is not an integer from 0 to 2^53, or exceeds the largest buddy",
  [PoolError.UNDERSIZE_ALLOC]: "request is smaller than the pool's minAlloc",
  [PoolError.OVERSIZE_ALLOC]: "request is larger than the pool's maxAlloc",
  [PoolError.OUT_OF_MEMORY]: "out of memory: no free block in the pool is large enough",
  [PoolError.INVALID_ADDRESS]: "address is not the start of an allocated block",
  [PoolError.UNALIGNED_ADDRESS]: "address is not a multiple of minBuddy from the pool's base",
  [PoolError.ADDRESS_OUTSIDE_POOL]: "address is outside the pool",
  [PoolError.FREEING_FREE_MEMORY]: "block is already free (double free)",
  [PoolError.EMPTY_POOL]: "pool range holds no block of minBuddy bytes",
  [PoolError.STALE_HANDLE]: "handle is stale: its block was freed",
  [PoolError.INVALID_HANDLE]: "not a handle of this pool",
  [PoolError.NOT_A_POOL]: "not a live pool",
  [PoolError.NO_METADATA_MEMORY]: "no memory for the pool's metadata",
  [PoolError.CORRUPT]: "pool check failed: an invariant is broken",
};

/** The one-line description of a pool code, as the AssemblyScript poolErrorMessage() gives it. */
export function poolErrorMessage(code: number): string {
  return POOL_MESSAGES[code as PoolError] ?? "unknown pool error code";
}

/** What every failing BuddyPool method throws. */
export class BuddyPoolError extends Error {
  override readonly name = "BuddyPoolError";
  constructor(
    readonly code: PoolError,
    /** The call that failed, with its arguments: "free(address=8192)". */
    readonly call: string,
    why?: string,
  ) {
    super(`${call}: ${why ?? poolErrorMessage(code)} [${PoolError[code] ?? `UNKNOWN(${code})`}]`);
  }
}
