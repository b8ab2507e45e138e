/** Small affine/box helpers in pdf.js matrix convention [a, b, c, d, e, f]. */
import type { BBox } from "../../model/document.js";

export type Matrix = [number, number, number, number, number, number];

export function multiply(m1: ArrayLike<number>, m2: ArrayLike<number>): Matrix {
  return [
    m1[0] * m2[0] + m1[2] * m2[1],
    m1[1] * m2[0] + m1[3] * m2[1],
    m1[0] * m2[2] + m1[2] * m2[3],
    m1[1] * m2[2] + m1[3] * m2[3],
    m1[0] * m2[4] + m1[2] * m2[5] + m1[4],
    m1[1] * m2[4] + m1[3] * m2[5] + m1[5],
  ];
}

/** Axis-aligned box of the rectangle [x0,y0]-[x1,y1] mapped through m. */
export function transformBox(m: Matrix, x0: number, y0: number, x1: number, y1: number): BBox {
  const xs = [m[0] * x0 + m[2] * y0 + m[4], m[0] * x1 + m[2] * y0 + m[4], m[0] * x0 + m[2] * y1 + m[4], m[0] * x1 + m[2] * y1 + m[4]];
  const ys = [m[1] * x0 + m[3] * y0 + m[5], m[1] * x1 + m[3] * y0 + m[5], m[1] * x0 + m[3] * y1 + m[5], m[1] * x1 + m[3] * y1 + m[5]];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function intersect(a: BBox, b: BBox): BBox | null {
  const x0 = Math.max(a[0], b[0]);
  const y0 = Math.max(a[1], b[1]);
  const x1 = Math.min(a[2], b[2]);
  const y1 = Math.min(a[3], b[3]);
  return x1 > x0 && y1 > y0 ? [x0, y0, x1, y1] : null;
}

export function union(a: BBox, b: BBox): BBox {
  return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
}

export function area(b: BBox): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

export function width(b: BBox): number {
  return b[2] - b[0];
}

export function height(b: BBox): number {
  return b[3] - b[1];
}

export function overlapArea(a: BBox, b: BBox): number {
  const i = intersect(a, b);
  return i ? area(i) : 0;
}

/** Distance between two boxes (0 when they touch or overlap). */
export function gapBetween(a: BBox, b: BBox): number {
  const dx = Math.max(0, a[0] - b[2], b[0] - a[2]);
  const dy = Math.max(0, a[1] - b[3], b[1] - a[3]);
  return Math.max(dx, dy);
}

/** Horizontal overlap length of two boxes. */
export function xOverlap(a: BBox, b: BBox): number {
  return Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
}

/**
 * Groups boxes whose gap is at most `gap` (union-find over a sweep on x).
 * Returns groups of indices.
 */
export function clusterBoxes(boxes: BBox[], gap: number): number[][] {
  const n = boxes.length;
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const order = boxes.map((_, i) => i).sort((a, b) => boxes[a][0] - boxes[b][0]);
  const active: number[] = [];
  for (const i of order) {
    const b = boxes[i];
    // drop boxes that end too far left to touch anything from here on
    let w = 0;
    for (const j of active) if (boxes[j][2] + gap >= b[0]) active[w++] = j;
    active.length = w;
    for (const j of active) {
      if (gapBetween(boxes[j], b) <= gap) {
        const ri = find(i);
        const rj = find(j);
        if (ri !== rj) parent[ri] = rj;
      }
    }
    active.push(i);
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}
