/**
 * Reading order by recursive XY-cut: split at vertical gutters first (columns are read one after
 * the other), otherwise at wide horizontal gaps; inside a column lines go top to bottom.
 */
import type { BBox } from "../../model/document.js";

export interface Placed {
  bbox: BBox;
}

export interface OrderedItem<T extends Placed> {
  item: T;
  /** which leaf region (column piece) the item was read in; items of one leaf are one column run */
  leaf: number;
  /** horizontal extent of that leaf */
  leafX: [number, number];
}

/** rightToLeft: columns are read from the right (Arabic, Hebrew, Persian pages) */
export function readingOrder<T extends Placed>(items: T[], bodySize: number, rightToLeft = false): OrderedItem<T>[] {
  const out: OrderedItem<T>[] = [];
  let leaf = 0;
  // lines never bridge more than a word space, so a clear vertical strip this wide is a gutter
  const minGutter = Math.max(0.6 * bodySize, 4);
  const minGapY = Math.max(1.1 * bodySize, 6);
  const visit = (group: T[], depth: number) => {
    if (group.length === 0) return;
    const cols = depth < 40 ? splitAt(group, 0, minGutter) : undefined;
    if (cols) {
      for (const c of rightToLeft ? cols.reverse() : cols) visit(c, depth + 1);
      return;
    }
    const rows = depth < 40 ? splitAt(group, 1, minGapY) : undefined;
    if (rows) {
      for (const r of rows) visit(r, depth + 1);
      return;
    }
    const sorted = [...group].sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0]);
    const x0 = Math.min(...group.map((g) => g.bbox[0]));
    const x1 = Math.max(...group.map((g) => g.bbox[2]));
    for (const item of sorted) out.push({ item, leaf, leafX: [x0, x1] });
    leaf++;
  };
  visit(items, 0);
  return out;
}

/** Splits items at gaps in their projection on one axis (0 = x, 1 = y) at least minGap wide. */
function splitAt<T extends Placed>(items: T[], axis: 0 | 1, minGap: number): T[][] | undefined {
  if (items.length < 2) return undefined;
  const lo = axis === 0 ? 0 : 1;
  const hi = axis === 0 ? 2 : 3;
  const sorted = [...items].sort((a, b) => a.bbox[lo] - b.bbox[lo]);
  const groups: T[][] = [];
  let current: T[] = [];
  let reach = -Infinity;
  for (const it of sorted) {
    // small overlaps (a descender, a box a hair too wide) do not join two regions
    const slack = axis === 1 ? 0.5 : 0;
    if (current.length && it.bbox[lo] - reach >= minGap - slack) {
      groups.push(current);
      current = [];
    }
    current.push(it);
    reach = Math.max(reach, it.bbox[hi]);
  }
  groups.push(current);
  return groups.length > 1 ? groups : undefined;
}
