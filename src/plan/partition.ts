/**
 * Splitting units into the fewest consecutive chunks under a token budget, balanced in size and
 * cut at the best boundaries that still allow that fewest number (sections, then pages, then blocks).
 */
import { BreakLevel, type BreakLevelValue } from "./units.js";

export interface CostedUnit {
  cost: number;
  figures: number;
  breakBefore: BreakLevelValue;
}

interface Segment {
  start: number;
  cost: number;
  figures: number;
}

function segmentsAt(units: CostedUnit[], level: BreakLevelValue): Segment[] {
  const out: Segment[] = [];
  units.forEach((u, i) => {
    if (i === 0 || u.breakBefore >= level) out.push({ start: i, cost: 0, figures: 0 });
    const seg = out[out.length - 1]!;
    seg.cost += u.cost;
    seg.figures += u.figures;
  });
  return out;
}

/** Greedy fill (optimal for the count of order-preserving chunks); null when a segment alone is too big. */
function greedy(segments: Segment[], cap: number, figureCap: number): number[] | null {
  const starts: number[] = [];
  let cost = Infinity;
  let figures = Infinity;
  for (const seg of segments) {
    if (seg.cost > cap || seg.figures > figureCap) return null;
    if (cost + seg.cost > cap || figures + seg.figures > figureCap) {
      starts.push(seg.start);
      cost = 0;
      figures = 0;
    }
    cost += seg.cost;
    figures += seg.figures;
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
export function minimalChunkCount(units: CostedUnit[], budget: number, figureCap: number): number | null {
  const starts = greedy(segmentsAt(units, BreakLevel.inside), budget, figureCap);
  return starts ? starts.length : null;
}

/** Smallest cap ≤ budget under which greedy still needs at most n chunks at this level. */
function balancedCap(segments: Segment[], n: number, budget: number, figureCap: number, total: number): number | null {
  const full = greedy(segments, budget, figureCap);
  if (!full || full.length > n) return null;
  let lo = Math.max(1, Math.ceil(total / n));
  let hi = budget;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const r = greedy(segments, mid, figureCap);
    if (r && r.length <= n) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

export function partition(units: CostedUnit[], budget: number, figureCap: number): PartitionResult | null {
  const n = minimalChunkCount(units, budget, figureCap);
  if (n === null) return null;
  const total = units.reduce((s, u) => s + u.cost, 0);
  const finest = balancedCap(segmentsAt(units, BreakLevel.inside), n, budget, figureCap, total)!;
  for (const level of [BreakLevel.section, BreakLevel.page, BreakLevel.block, BreakLevel.inside] as BreakLevelValue[]) {
    const segments = segmentsAt(units, level);
    const cap = level === BreakLevel.inside ? finest : balancedCap(segments, n, budget, figureCap, total);
    if (cap === null) continue;
    if (level !== BreakLevel.inside && cap > finest * TOLERANCE[level]!) continue;
    const starts = greedy(segments, cap, figureCap)!;
    return { starts, level, maxChunk: cap };
  }
  return null;
}
