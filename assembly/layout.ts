// as-buddy memory layout: every constant, diagram and raw accessor of the allocator, one file per
// record under layout/, all re-exported here. No other file calls load/store with a literal offset.
//
// Vocabulary
//   unit       the minimum block, MIN = 1 << minLog bytes (16 by default: wasm32's max_align_t).
//   order k    a block of order k is MIN << k bytes and starts at an address that is a multiple
//              of its size (natural alignment, in absolute linear-memory addresses).
//   node       the slot (k, p) of the implicit buddy tree: the aligned range [p, p + size(k)).
//   leaf       a node that is a block: it is not split, and its parent is (or it is a top node).
//   top node   a node of the maximum order; it has no parent and is never merged further.
//   phantom    a leaf outside every region: never free, never handed out, only there so that
//              the tree of a partly covered top node is well formed.
//
// ╒═══════════════════ Buddy tree cheat-sheet (addresses, MIN = 16) ═══════════════════╕
//   size(k)        = MIN << k                      order 2 = 64 bytes
//   buddyOf(p, k)  = p ^ size(k)                   buddy of 0x1040 at order 2 is 0x1000,
//                                                   and of 0x1000 it is 0x1040
//   parent(p, k)   = p & ~size(k)                  the order-3 parent of both is 0x1000
//   node index     = p >> (minLog + k)             0x1040 at order 2 is node 65
// ╘═════════════════════════════════════════════════════════════════════════════════════╛

import { ErrorCode } from "./errors";
export { ErrorCode };

export * from "./layout/control";  // limits, control block, free blocks, metadata area, orders
export * from "./layout/slabs";    // slabs and runtime blocks
export * from "./layout/pools";    // pools and their statistics
export * from "./layout/records";  // statistics record, shared header, the C module's memory
