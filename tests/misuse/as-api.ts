// The AssemblyScript library's entry points, exported one to one for tests/misuse.test.js (the
// misuse table's `as.` rows): a heap over 16 pages of this module's memory.
import { BuddyHeap } from "../../assembly/index";
import { STATS_SIZE, getStat } from "../../assembly/layout";

// Statistics read into static memory: this module allocates nothing (its stub runtime would
// bump into the heap's pages).
const statsBuffer = memory.data(<i32>STATS_SIZE, 16);

let heap: BuddyHeap | null = null;

export function setup(): void { heap = BuddyHeap.init(<usize>memory.grow(16) << 16, 16 << 16); }
export function init(base: usize, size: usize, minBlock: u32): u32 { BuddyHeap.init(base, size, minBlock); return BuddyHeap.initError; }
export function alloc(size: usize): usize { return heap!.alloc(size); }
export function allocAligned(size: usize, align: usize): usize { return heap!.allocAligned(size, align); }
export function free(ptr: usize): u32 { return heap!.free(ptr); }
export function dealloc(ptr: usize, size: usize, align: usize): u32 { return heap!.dealloc(ptr, size, align); }
export function realloc(ptr: usize, size: usize): usize { return heap!.realloc(ptr, size); }
export function usableSize(ptr: usize): usize { return heap!.usableSize(ptr); }
export function addRegion(base: usize, size: usize): u32 { return heap!.addRegion(base, size); }
export function lastError(): u32 { return heap!.lastError; }
export function check(): u32 { return heap!.check(); }
export function used(): usize { heap!.statsInto(statsBuffer); return getStat(statsBuffer, 1); }
