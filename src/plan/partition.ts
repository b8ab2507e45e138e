/**
 * Splitting units into the fewest consecutive chunks under a token budget, balanced in size and
 * cut at the best boundaries that still allow that fewest number (sections, then pages, then blocks).
 */
import { emptyGridCounts, fitsImageCap, type GridCounts } from "./sheets.js";
import { BreakLevel, type BreakLevelValue } from "./units.js";

export interface CostedUnit {
  cost: number;
  figures: number;
  /** with a figure: the densest sheet grid it may be tiled into (0 = sent alone, see legibility.ts) */
  tileGrid?: number;
  breakBefore: BreakLevelValue;
}

interface Segment {
  start: number;
  cost: number;
  /** its figures by densest allowed grid */
  grids: GridCounts;
}

function segmentsAt(units: CostedUnit[], level: BreakLevelValue): Segment[] {
  const out: Segment[] = [];
  units.forEach((u, i) => {
    if (i === 0 || u.breakBefore >= level) out.push({ start: i, cost: 0, grids: emptyGridCounts() });
    const seg = out[out.length - 1]!;
    seg.cost += u.cost;
    if (u.figures > 0) seg.grids[u.tileGrid ?? seg.grids.length - 1] += u.figures;
  });
  return out;
}

function addInto(into: GridCounts, from: GridCounts): void {
  for (let g = 0; g < into.length; g++) into[g] += from[g]!;
}

const scratch: GridCounts = emptyGridCounts();
function fitsWith(acc: GridCounts, seg: GridCounts, imageCap: number): boolean {
  let figures = 0;
  for (let g = 0; g < acc.length; g++) figures += scratch[g] = acc[g]! + seg[g]!;
  // the common case, checked without the tiling rule
  return figures <= imageCap || fitsImageCap(scratch, imageCap);
}

/**
 * Greedy fill (optimal for the count of order-preserving chunks, as both limits only get harder
 * with more content); null when a segment alone is too big.
 */
function greedy(segments: Segment[], cap: number, imageCap: number): number[] | null {
  const starts: number[] = [];
  let cost = Infinity;
  let grids: GridCounts | null = null;
  for (const seg of segments) {
    if (seg.cost > cap || !fitsImageCap(seg.grids, imageCap)) return null;
    if (grids === null || cost + seg.cost > cap || !fitsWith(grids, seg.grids, imageCap)) {
      starts.push(seg.start);
      cost = 0;
      grids = emptyGridCounts();
    }
    cost += seg.cost;
    addInto(grids, seg.grids);
  }
  return starts;
}

export interface PartitionResult {
  /** index of the first unit of each chunk */
  starts: number[];
  /** boundary kind used for the cuts */
  level: BreakLevelValue;
  /** the largest chunk's cost */
  maxChunk: number;
}

// How much larger than the best balance a coarser boundary may make the largest chunk
const TOLERANCE: Record<number, number> = { [BreakLevel.section]: 1.3, [BreakLevel.page]: 1.1, [BreakLevel.block]: 1.02 };

/** The fewest chunks under the budget; null when some unit alone exceeds it. */
export function minimalChunkCount(units: CostedUnit[], budget: number, imageCap: number): number | null {
  const starts = greedy(segmentsAt(units, BreakLevel.inside), budget, imageCap);
  return starts ? starts.length : null;
}

/** Smallest cap ≤ budget under which greedy still needs at most n chunks at this level. */
function balancedCap(segments: Segment[], n: number, budget: number, imageCap: number, total: number): number | null {
  const full = greedy(segments, budget, imageCap);
  if (!full || full.length > n) return null;
  let lo = Math.max(1, Math.ceil(total / n));
  let hi = budget;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const r = greedy(segments, mid, imageCap);
    if (r && r.length <= n) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

export function partition(units: CostedUnit[], budget: number, imageCap: number): PartitionResult | null {
  const n = minimalChunkCount(units, budget, imageCap);
  if (n === null) return null;
  const total = units.reduce((s, u) => s + u.cost, 0);
  const finest = balancedCap(segmentsAt(units, BreakLevel.inside), n, budget, imageCap, total)!;
  for (const level of [BreakLevel.section, BreakLevel.page, BreakLevel.block, BreakLevel.inside] as BreakLevelValue[]) {
    const segments = segmentsAt(units, level);
    const cap = level === BreakLevel.inside ? finest : balancedCap(segments, n, budget, imageCap, total);
    if (cap === null) continue;
    if (level !== BreakLevel.inside && cap > finest * TOLERANCE[level]!) continue;
    const starts = greedy(segments, cap, imageCap)!;
    return { starts, level, maxChunk: cap };
  }
  return null;
}
