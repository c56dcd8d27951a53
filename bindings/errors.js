// The core's error codes (assembly/errors.ts), for JavaScript. The numbers are ABI: a test
// compares this table with the AssemblyScript enum so the two cannot drift apart.

/** @enum {number} */
export const ErrorCode = Object.freeze({
  OK: 0,
  OUT_OF_MEMORY: 1,
  ZERO_SIZE: 2,
  TOO_LARGE: 3,
  BAD_ALIGN: 4,
  NOT_IN_HEAP: 5,
  NOT_BLOCK_START: 6,
  DOUBLE_FREE: 7,
  SIZE_MISMATCH: 8,
  BAD_REGION: 9,
  REGION_OVERLAP: 10,
  BAD_CONFIG: 11,
  NOT_INITIALIZED: 12,
  TOO_MANY_REGIONS: 13,
  ALREADY_INITIALIZED: 14,
  CORRUPT: 15,
});

/** Which invariant check() found broken (assembly/errors.ts, CheckFailure). */
export const CheckFailure = Object.freeze({
  NONE: 0,
  CONTROL_BLOCK: 1,
  REGIONS: 2,
  LIST_ENTRY: 3,
  LIST_LINKS: 4,
  NONEMPTY_BITMAP: 5,
  BLOCK_BOUNDS: 6,
  FREE_BITS: 7,
  SPLIT_BITS: 8,
  LIST_COUNTS: 9,
  USED_BYTES: 10,
  METADATA: 11,
  UNMERGED_BUDDIES: 12,
});

const names = Object.fromEntries(Object.entries(ErrorCode).map(([k, v]) => [v, k]));

/** The name of an error code ("DOUBLE_FREE"), or "UNKNOWN(n)". */
export function errorName(code) {
  return names[code] ?? `UNKNOWN(${code})`;
}
