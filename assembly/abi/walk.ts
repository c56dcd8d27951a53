// Walking the heap, for viewers (the bindings' snapshot(), the heap viewer): regions and the
// block at an address, read under the lock.

import * as core from "../heap";
import { getRegionCount, getRegionStart, getRegionEnd } from "../layout";
import { begin, leave } from "./module";


/** Start of region i (in address order), 0 past the last. */
export function buddy_region_start(i: u32): usize {
  let r = begin();
  if (!r) return 0;
  let a = i < getRegionCount(r) ? getRegionStart(r, i) : 0;
  leave(r);
  return a;
}

/** End of region i, 0 past the last. */
export function buddy_region_end(i: u32): usize {
  let r = begin();
  if (!r) return 0;
  let b = i < getRegionCount(r) ? getRegionEnd(r, i) : 0;
  leave(r);
  return b;
}

/** The block starting at ptr: order | state << 8 (state 0 allocated, 1 free, 2 metadata, 3 a
 *  slab with its live bytes / 16 << 11, 4 allocated as the continuation of a run), or
 *  0xFFFFFFFF if ptr is not a block start inside a region. A walk from a region's start, by
 *  block sizes, visits every block of the region. */
export function buddy_leaf(ptr: usize): u32 {
  let r = begin();
  if (!r) return core.NOT_A_LEAF;
  let info = core.leafInfo(r, ptr);
  leave(r);
  return info;
}
