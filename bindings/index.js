// as-buddy for JavaScript. For now: the error codes and the compiled C-ABI module's location.
// (The typed BuddyHeap class over the module is the bindings issue's work.)
export { ErrorCode, CheckFailure, errorName } from "./errors.js";

/** URL of the release build of the C-ABI module (malloc/free/... on its own memory). */
export const wasmUrl = new URL("../build/as-buddy.wasm", import.meta.url);
