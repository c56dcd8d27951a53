// as-buddy for JavaScript and TypeScript: `import { BuddyHeap, BuddyError, ErrorCode } from "as-buddy"`.
export { BuddyHeap, defaultWasmUrl } from "./heap.js";
export type { BuddyExports, BuddyHeapOptions, HeapStats, WasmSource } from "./heap.js";
export { BuddyError, ErrorCode, CheckFailure, errorMessage, errorName } from "./errors.js";
