// For programs built with an as-buddy runtime: the heap that backs them, to read its
// statistics or check it.
//   import { runtimeHeap } from "as-buddy/assembly/runtime";
//   const s = runtimeHeap().stats();
// Under any other runtime (AssemblyScript's own, or as-buddy's linked one) it does not compile.
import { BuddyHeap } from "../index";
import { heapRoot } from "./mm";

export function runtimeHeap(): BuddyHeap {
  // On any other runtime, heapRoot() would set up a second heap over that runtime's memory.
  if (!isDefined(AS_BUDDY_RUNTIME)) {
    ERROR("runtimeHeap() needs a compiled-in as-buddy runtime: build with --runtime as-buddy/assembly/runtime/incremental (or minimal, stub); on the linked runtime the heap is the host's");
  }
  return changetype<BuddyHeap>(heapRoot());
}
