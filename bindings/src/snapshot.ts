// Snapshots of a heap or a pool, block by block, and their picture as SVG. A snapshot comes
// from walking the module's blocks (BuddyHeap.snapshot(), BuddyPool.snapshot()); every figure in
// it is computed from the blocks, so that tests can hold it against stats() and check().
// renderSvg() is plain string building: it runs in Node (save a failing heap's picture) and in
// the browser (the viewer, scripts/viewer/).

/** "run": an allocated block that continues the allocation (a run of adjacent blocks) that
 *  the block before it begins; that first block is "used". */
export type BlockState = "used" | "free" | "meta" | "slab" | "run";
const STATES: BlockState[] = ["used", "free", "meta", "slab", "run"];

export interface Block {
  /** Start address (a pool's: in its own address space). */
  address: number;
  size: number;
  order: number;
  state: BlockState;
  /** A slab's bytes in live slots (size classes); 0 for other blocks. */
  slotBytes: number;
}

export interface Snapshot {
  kind: "heap" | "pool";
  /** Smallest block (a pool's minBuddy). */
  minBlock: number;
  maxOrder: number;
  /** The managed ranges, in address order (a pool has one). */
  regions: { start: number; end: number }[];
  /** Every block, in address order; they tile the regions exactly. */
  blocks: Block[];
  totalBytes: number;
  /** Bytes in allocated blocks and in the live slots of slabs. */
  usedBytes: number;
  freeBytes: number;
  /** Bytes of slabs that no live slot holds (headers, free slots). */
  slackBytes: number;
  /** Bytes of the heap's metadata area (inside its regions; 0 for a pool). */
  metaBytes: number;
  largestFree: number;
  /** External fragmentation: 1 - largestFree / min(freeBytes, largest block size): how far
   *  the largest free block falls short of the largest block the free bytes could make (0 when
   *  nothing is free; a pool's blocks stop at maxBuddy). */
  fragmentation: number;
  /** Index k: free blocks of order k (Linux's /proc/buddyinfo), and allocated ones. */
  freeByOrder: number[];
  usedByOrder: number[];
}

/** Walks `regions` block by block with `leaf(address)` (order | state << 8, and for a slab its
 *  live bytes / 16 << 11, as the module's buddy_leaf) and builds the snapshot. Throws if the walk does not tile a region. */
export function walk(
  kind: Snapshot["kind"], minBlock: number, maxOrder: number, regions: { start: number; end: number }[],
  leaf: (address: number) => number,
): Snapshot {
  const blocks: Block[] = [];
  const freeByOrder = new Array<number>(maxOrder + 1).fill(0);
  const usedByOrder = new Array<number>(maxOrder + 1).fill(0);
  let used = 0, free = 0, meta = 0, slack = 0, largest = 0, total = 0;
  for (const { start, end } of regions) {
    total += end - start;
    for (let a = start; a < end;) {
      const info = leaf(a) >>> 0;
      const order = info & 0xff;
      const state = STATES[(info >>> 8) & 7];
      if (info === 0xffffffff || state === undefined || order > maxOrder) throw new Error(`snapshot: no block starts at ${a}`);
      const size = minBlock * 2 ** order;
      const slotBytes = state === "slab" ? (info >>> 11) * 16 : 0;
      blocks.push({ address: a, size, order, state, slotBytes });
      if (state === "free") { free += size; freeByOrder[order]++; if (size > largest) largest = size; }
      else if (state === "used" || state === "run") { used += size; usedByOrder[order]++; }
      else if (state === "slab") { used += slotBytes; slack += size - slotBytes; usedByOrder[order]++; }
      else meta += size;
      a += size;
    }
  }
  return {
    kind, minBlock, maxOrder, regions, blocks, totalBytes: total, usedBytes: used, freeBytes: free, slackBytes: slack, metaBytes: meta,
    largestFree: largest, fragmentation: free ? 1 - largest / Math.min(free, minBlock * 2 ** maxOrder) : 0, freeByOrder, usedByOrder,
  };
}

export interface RenderOptions {
  /** Width of the picture in pixels (default 800). */
  width?: number;
  /** Rows of the address map (default 48); each covers totalBytes / (rows * columns) per cell. */
  rows?: number;
  columns?: number;
  title?: string;
}

/** Colour of allocated blocks by order: small blocks warm, large blocks cool. */
function orderColour(order: number, maxOrder: number): string {
  const t = maxOrder ? order / maxOrder : 0;
  return `hsl(${Math.round(20 + 220 * t)}, 70%, ${Math.round(48 + 8 * t)}%)`;
}
const FREE = "#e8ede8";
const META = "#444";

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

function bytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${Number.isInteger(n) ? n : n.toFixed(1)} ${units[i]}`;
}

/** An SVG picture of a snapshot: the address space as a map of cells coloured by what holds
 *  most of each cell's bytes (allocated blocks by order, free, metadata), a buddyinfo-style
 *  chart of free blocks per order, and the totals. */
export function renderSvg(s: Snapshot, options: RenderOptions = {}): string {
  const width = options.width ?? 800;
  const rows = options.rows ?? 48;
  const columns = options.columns ?? 128;
  const cells = rows * columns;
  // Orders shown: up to the largest that holds a block (a heap may allow 2 GiB blocks).
  const top = s.blocks.reduce((m, b) => Math.max(m, b.order), 0);
  const per = Math.max(1, s.totalBytes / cells);
  // Bytes of each kind in each cell; allocated bytes also by order, for the colour.
  const usedIn = new Float64Array(cells), freeIn = new Float64Array(cells), metaIn = new Float64Array(cells);
  const orderIn = new Int16Array(cells).fill(-1), orderBytes = new Float64Array(cells);
  let offset = 0; // position in the concatenated regions
  for (const b of s.blocks) {
    let from = offset, to = offset + b.size;
    while (from < to) {
      let cell = Math.min(cells - 1, Math.floor(from / per));
      while (cell < cells - 1 && (cell + 1) * per <= from) cell++; // rounding: always move forward
      const cellEnd = cell === cells - 1 ? to : Math.min(to, (cell + 1) * per);
      const n = cellEnd - from;
      if (b.state === "free") freeIn[cell] += n;
      else if (b.state === "meta") metaIn[cell] += n;
      else {
        usedIn[cell] += n;
        if (n > orderBytes[cell]) { orderBytes[cell] = n; orderIn[cell] = b.order; }
      }
      from = cellEnd;
    }
    offset = to;
  }
  const cw = width / columns, ch = 8;
  const mapTop = 28, mapHeight = rows * ch;
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < columns) {
      const colour = (i: number) => {
        const u = usedIn[i], f = freeIn[i], m = metaIn[i];
        if (u + f + m === 0) return "none";
        if (m >= u && m >= f) return META;
        return f > u ? FREE : orderColour(orderIn[i], top);
      };
      const first = r * columns + c;
      const fill = colour(first);
      let n = 1;
      while (c + n < columns && colour(first + n) === fill) n++;
      if (fill !== "none") out.push(`<rect x="${(c * cw).toFixed(2)}" y="${mapTop + r * ch}" width="${(n * cw).toFixed(2)}" height="${ch - 1}" fill="${fill}"/>`);
      c += n;
    }
  }
  // buddyinfo: free blocks per order, bar length on a log scale.
  const chartTop = mapTop + mapHeight + 40;
  const barH = 14;
  const most = Math.max(1, ...s.freeByOrder);
  const bars: string[] = [];
  s.freeByOrder.slice(0, top + 1).forEach((count, k) => {
    const y = chartTop + k * (barH + 2);
    const w = count ? Math.max(2, ((width - 260) * Math.log2(1 + count)) / Math.log2(1 + most)) : 0;
    bars.push(`<text x="0" y="${y + 11}" class="l">order ${k} · ${esc(bytes(s.minBlock * 2 ** k))}</text>` +
      `<rect x="150" y="${y}" width="${w.toFixed(1)}" height="${barH}" fill="${orderColour(k, top)}"/>` +
      `<text x="${(156 + w).toFixed(1)}" y="${y + 11}" class="l">${count} free · ${s.usedByOrder[k]} used</text>`);
  });
  const height = chartTop + (top + 1) * (barH + 2) + 60;
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const totals = `total ${bytes(s.totalBytes)} · used ${bytes(s.usedBytes)} · free ${bytes(s.freeBytes)}` +
    (s.kind === "heap" ? ` · metadata ${bytes(s.metaBytes)}` : "") +
    ` · largest free ${bytes(s.largestFree)} · fragmentation ${pct(s.fragmentation)} · ${s.blocks.length} blocks`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">` +
    `<style>.l{fill:#222}.t{font-size:14px;font-weight:600}</style>` +
    `<text x="0" y="16" class="l t">${esc(options.title ?? `as-buddy ${s.kind}: ${bytes(s.totalBytes)} in ${s.regions.length} region${s.regions.length === 1 ? "" : "s"}, ${bytes(per)} per cell`)}</text>` +
    `<g>${out.join("")}</g>` +
    `<text x="0" y="${mapTop + mapHeight + 16}" class="l">${esc(totals)}</text>` +
    `<text x="0" y="${chartTop - 8}" class="l t">free blocks per order (buddyinfo)</text>` +
    bars.join("") +
    `<g transform="translate(0 ${height - 24})"><rect width="12" height="12" fill="${FREE}" stroke="#999"/><text x="16" y="10" class="l">free</text>` +
    `<rect x="60" width="12" height="12" fill="${META}"/><text x="76" y="10" class="l">metadata</text>` +
    `<rect x="150" width="12" height="12" fill="${orderColour(0, top)}"/><text x="166" y="10" class="l">allocated, small orders</text>` +
    `<rect x="320" width="12" height="12" fill="${orderColour(top, top)}"/><text x="336" y="10" class="l">allocated, large orders</text></g>` +
    `</svg>`;
}
