// For programs built with an as-buddy runtime: the heap that backs them, to read its
// statistics or check it.
//   import { runtimeHeap } from "as-buddy/assembly/runtime";
//   const s = runtimeHeap().stats();
// Only meaningful under --runtime .../as-buddy/assembly/runtime/{incremental,minimal,stub}.
import { BuddyHeap } from "../index";
import { heapRoot } from "./mm";

export function runtimeHeap(): BuddyHeap {
  return changetype<BuddyHeap>(heapRoot());
}
