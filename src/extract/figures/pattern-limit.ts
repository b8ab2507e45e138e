/**
 * Caps the work a tiling pattern can ask of pdf.js's renderer. When a pattern's cell (its /BBox) is
 * larger than its step, pdf.js copies the cell once per step that fits in it onto one tile: a
 * 1000-point cell with a 0.05-point step is 400 million copies, minutes of CPU and gigabytes. Such a
 * pattern is drawn from one step of its cell instead (what a reader sees at any sane zoom: the
 * overlap only matters where cells are coarse enough to count).
 */

/** copies of a cell pdf.js may make for one tile */
const MAX_CELL_COPIES = 4096;

/** pdf.js's tiling pattern IR: ["TilingPattern", color, operatorList, matrix, bbox, xstep, ystep, paintType, tilingType] */
type TilingIR = [string, unknown, { fnArray: number[]; argsArray: unknown[] } | undefined, unknown, number[], number, number, ...unknown[]];

const isTilingIR = (args: unknown): args is TilingIR =>
  Array.isArray(args) &&
  args[0] === "TilingPattern" &&
  Array.isArray(args[4]) &&
  typeof args[5] === "number" &&
  typeof args[6] === "number";

/** Tames the tiling patterns in one operator's arguments (and in the cells they draw); returns how many. */
export function limitTilingPattern(args: unknown, depth = 0): number {
  if (!isTilingIR(args) || depth > 8) return 0;
  let tamed = 0;
  const bbox = args[4];
  const xstep = Math.abs(args[5]);
  const ystep = Math.abs(args[6]);
  const width = Math.abs(bbox[2] - bbox[0]);
  const height = Math.abs(bbox[3] - bbox[1]);
  const copiesX = xstep > 0 && width > xstep ? Math.floor(width / xstep) + 1 : 1;
  const copiesY = ystep > 0 && height > ystep ? Math.floor(height / ystep) + 1 : 1;
  if (copiesX * copiesY > MAX_CELL_COPIES) {
    const x0 = Math.min(bbox[0], bbox[2]);
    const y0 = Math.min(bbox[1], bbox[3]);
    args[4] = [x0, y0, x0 + Math.min(width, xstep || width), y0 + Math.min(height, ystep || height)];
    tamed++;
  }
  // a cell can fill with patterns of its own
  for (const inner of args[2]?.argsArray ?? []) tamed += limitTilingPattern(inner, depth + 1);
  return tamed;
}
