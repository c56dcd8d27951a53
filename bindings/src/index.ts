// as-buddy for JavaScript and TypeScript: `import { BuddyHeap, BuddyError, ErrorCode } from "as-buddy"`.
export { BuddyHeap, defaultWasmUrl, defaultThreadsWasmUrl, defaultHostWasmUrl } from "./heap.js";
export type { BuddyExports, BuddyHeapOptions, HeapStats, SharedHeap, WasmSource } from "./heap.js";
export { BuddyError, ErrorCode, CheckFailure, errorMessage, errorName } from "./errors.js";
export { BuddyPool, computeBuddySize } from "./pool.js";
export type { PoolConfig, PoolStats, ListStats } from "./pool.js";
export { BuddyPoolError, PoolError, poolErrorMessage } from "./errors.js";
export { instantiateGuest, instantiateGuests, GuestHost, GuestLayoutError, guestLayout, memoryImportMinimum } from "./guest.js";
export type { Guest, GuestOptions, GuestSpec, GuestLayout } from "./guest.js";
export { renderSvg, walk } from "./snapshot.js";
export type { Snapshot, Block, BlockState, RenderOptions } from "./snapshot.js";
