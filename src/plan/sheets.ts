/**
 * Tiling small figures into labelled sheets when a request holds more figures than the
 * endpoint accepts images (DESIGN.md §4): the largest figures stay single images, the smallest
 * share sheets; each cell carries its figure id in a label band above it.
 */
import type { SheetCell } from "../model/plan.js";
import { fitWithin } from "../budget/tokens.js";

/** Label band above each cell: tall enough for a figure id in a legible font. */
export const LABEL_HEIGHT = 28;
/** Cells never get smaller than this, so the label fits across them. */
export const MIN_CELL = 112;
/** Up to GRID×GRID figures per sheet; denser sheets make figures too small to read. */
export const MAX_GRID = 4;

export interface SizedFigure {
  id: string;
  /** size as it would be sent alone (after the plan's max side) */
  width: number;
  height: number;
  /** densest grid it may be tiled into without dropping below its legibility floor; 0 = never tiled (default MAX_GRID) */
  maxGrid?: number;
}

export interface SheetLayout {
  width: number;
  height: number;
  cells: SheetCell[];
  columns: number;
}

/** Lays figures (in the given order) row by row into cells of one sheet whose longest side ≤ maxSide. */
export function layoutSheet(figures: SizedFigure[], grid: number, maxSide: number): SheetLayout {
  const columns = Math.min(grid, figures.length);
  const rows = Math.ceil(figures.length / columns);
  const byWidth = Math.floor(maxSide / columns);
  const byHeight = Math.floor(maxSide / rows) - LABEL_HEIGHT;
  const largest = Math.max(...figures.map((f) => Math.max(f.width, f.height)));
  const cell = Math.max(MIN_CELL, Math.min(byWidth, byHeight, Math.max(largest, MIN_CELL)));
  const cells = figures.map((f, i) => {
    const col = i % columns;
    const row = Math.floor(i / columns);
    const size = fitWithin(f.width, f.height, cell);
    return {
      figureId: f.id,
      x: col * cell + Math.floor((cell - size.width) / 2),
      y: row * (cell + LABEL_HEIGHT) + LABEL_HEIGHT,
      width: size.width,
      height: size.height,
    };
  });
  return { width: columns * cell, height: rows * (cell + LABEL_HEIGHT), cells, columns };
}

export interface TilingChoice {
  grid: number;
  /** ids of figures that go into sheets, grouped per sheet in reading order */
  groups: string[][];
}

/**
 * Which figures to tile so that singles + sheets ≤ cap, preferring the coarsest grid (largest cells)
 * and the fewest tiled figures (the smallest by area, among those the grid keeps legible). Figures
 * are given in reading order. Returns null when the figures fit the cap untiled, undefined when no
 * grid makes them fit.
 */
export function chooseTiling(figures: SizedFigure[], cap: number): TilingChoice | null | undefined {
  const m = figures.length;
  if (m <= cap) return null;
  for (let grid = 2; grid <= MAX_GRID; grid++) {
    const per = grid * grid;
    const eligible = figures
      .map((f, i) => ({ i, area: f.width * f.height, ok: (f.maxGrid ?? MAX_GRID) >= grid }))
      .filter((x) => x.ok)
      .sort((a, b) => a.area - b.area || a.i - b.i);
    for (let t = 2; t <= eligible.length; t++) {
      const sheets = Math.ceil(t / per);
      if (m - t + sheets > cap) continue;
      const bySize = eligible
        .slice(0, t)
        .map((x) => x.i)
        .sort((a, b) => a - b);
      // balanced groups in reading order (sizes differ by at most one)
      const groups: string[][] = [];
      let k = 0;
      for (let s = 0; s < sheets; s++) {
        const size = Math.floor(t / sheets) + (s < t % sheets ? 1 : 0);
        groups.push(bySize.slice(k, k + size).map((i) => figures[i]!.id));
        k += size;
      }
      return { grid, groups };
    }
  }
  return undefined;
}

/** Figures of a run of content, counted by the densest grid each may be tiled into (index = grid, 0 = never). */
export type GridCounts = number[];

export function emptyGridCounts(): GridCounts {
  return new Array<number>(MAX_GRID + 1).fill(0);
}

/** Whether chooseTiling finds a tiling for figures with these counts under the cap (same rule, no layout). */
export function fitsImageCap(counts: GridCounts, cap: number): boolean {
  const m = counts.reduce((s, n) => s + n, 0);
  if (m <= cap) return true;
  for (let grid = 2; grid <= MAX_GRID; grid++) {
    let eligible = 0;
    for (let g = grid; g <= MAX_GRID; g++) eligible += counts[g] ?? 0;
    if (eligible >= 2 && m - eligible + Math.ceil(eligible / (grid * grid)) <= cap) return true;
  }
  return false;
}
