// What a heap holds, read from metadata only: the statistics record and the leaf walk that
// viewers and bindings' snapshot() use.

import {
  COUNTER_COUNT, FLAG_SLABS, SLAB_LOG, STATS_SIZE, ST_SLACK, getCount, getCounter, getFlags,
  getMaxOrder, getMetaPtr, getMetaSize, getMinLog, getNonEmpty, getRegionCount, getRunStart,
  getSlack, getTotal, getUsed, setStat, setStat64, setStatFree, sizeOf, slabLive, slabSlotSize,
} from "./layout";
import {
  isSlab,
} from "./slab";
import {
  inRegions, isFreeHead, leafOrder,
} from "./core";
import {
  mayBeRun, runAt,
} from "./runs";

/** Leaf states leafInfo reports. */
export const LEAF_ALLOCATED: u32 = 0;

export const LEAF_FREE: u32 = 1;

export const LEAF_METADATA: u32 = 2;

/** A slab: order | LEAF_SLAB << 8 | (bytes in live slots / 16) << 11 (slots are 16-aligned). */
export const LEAF_SLAB: u32 = 3;

/** An allocated block that continues a run begun by a block below it ("Runs"): the run's
 *  first block is LEAF_ALLOCATED. */
export const LEAF_RUN: u32 = 4;

/** leafInfo's answer for an address that is not a leaf start inside a region. */
export const NOT_A_LEAF: u32 = 0xFFFFFFFF;

/** What starts at p, for viewers that walk a heap block by block (bindings snapshot()):
 *  order | state << 8 (a slab adds its live bytes, LEAF_SLAB), or NOT_A_LEAF. Leaves tile each region from its start, so a walk from a
 *  region start by leaf sizes visits every block. Reads only metadata. */
export function leafInfo(root: usize, p: usize): u32 {
  if (!inRegions(root, p)) return NOT_A_LEAF;
  let minLog = getMinLog(root);
  let k = leafOrder(root, p);
  if (p & (sizeOf(k, minLog) - 1)) return NOT_A_LEAF;
  let state = isFreeHead(root, p, minLog) ? LEAF_FREE : p - getMetaPtr(root) < getMetaSize(root) ? LEAF_METADATA : LEAF_ALLOCATED;
  if (state == LEAF_ALLOCATED && minLog + k >= SLAB_LOG && (getFlags(root) & FLAG_SLABS) && isSlab(root, p)) {
    return k | (LEAF_SLAB << 8) | (<u32>((<usize>slabLive(p) * slabSlotSize(p)) >> 4) << 11);
  }
  if (state == LEAF_ALLOCATED && mayBeRun(root, k, minLog)) {
    let r = runAt(root, p);
    if (r >= 0 && getRunStart(root, r) != p) state = LEAF_RUN;
  }
  return k | (state << 8);
}

/** Bytes in free blocks, from the list counts. */
export function freeBytes(root: usize): usize {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  let sum: usize = 0;
  for (let k: u32 = 0; k <= maxOrder; ++k) sum += <usize>getCount(root, k) << (minLog + k);
  return sum;
}

/** Size of the largest free block, 0 if none. */
export function largestFree(root: usize): usize {
  let mask = getNonEmpty(root);
  return mask ? sizeOf(31 - <u32>clz<u32>(mask), getMinLog(root)) : 0;
}

/** Writes the statistics record (layout.ts, "Statistics") to out, STATS_SIZE bytes. */
export function statsInto(root: usize, out: usize): void {
  let minLog = getMinLog(root);
  let maxOrder = getMaxOrder(root);
  memory.fill(out, 0, STATS_SIZE);
  setStat(out, 0, getTotal(root));
  setStat(out, 1, getUsed(root));
  setStat(out, 2, freeBytes(root));
  setStat(out, 3, getMetaSize(root));
  setStat(out, 4, largestFree(root));
  setStat(out, 5, sizeOf(0, minLog));
  setStat(out, 6, maxOrder);
  setStat(out, 7, getRegionCount(root));
  setStat(out, ST_SLACK, getSlack(root));
  for (let c: u32 = 0; c < COUNTER_COUNT; ++c) setStat64(out, c, getCounter(root, c));
  for (let k: u32 = 0; k <= maxOrder; ++k) setStatFree(out, k, getCount(root, k));
}
