/**
 * Caps the memory soft masks can ask of pdf.js's renderer. Each soft mask (an ExtGState /SMask) is
 * drawn into a scratch canvas the size of its group on the drawing, and pdf.js keeps every such
 * canvas until the whole drawing ends: a page that fills 2000 shapes under a mask covering the
 * figure holds 2000 figure-sized canvases, gigabytes. Past a budget of mask canvas bytes per
 * drawing, a mask's group is not drawn at all; pdf.js then paints what the mask applied to without
 * it (unmasked, as a reader that ignores transparency would), and the caller says so.
 */
import { OPS } from "../pdfjs/load.js";
import { multiply, transformBox, type Matrix } from "./geometry.js";

/** mask canvas bytes one drawing may keep (RGBA, 4 bytes a pixel) */
export const MAX_MASK_BYTES = 48 * 2 ** 20;

/** what pdf.js's beginGroup operator carries */
interface GroupArgs {
  smask?: unknown;
  bbox?: ArrayLike<number> | null;
  matrix?: number[] | null;
}

/** the context pdf.js is drawing on at the moment (its renderer's current one, a group's inside a group) */
interface DrawingContext {
  canvas: { width: number; height: number };
  getTransform(): { a: number; b: number; c: number; d: number; e: number; f: number };
}

/** Bytes of the canvas pdf.js makes for a group: its box on the current canvas, or the whole canvas. */
export function groupCanvasBytes(group: GroupArgs, ctx: DrawingContext): number {
  const cw = ctx.canvas.width;
  const ch = ctx.canvas.height;
  if (!group.bbox || group.bbox.length < 4) return cw * ch * 4;
  const t = ctx.getTransform();
  const current: Matrix = [t.a, t.b, t.c, t.d, t.e, t.f];
  const m = group.matrix ? multiply(current, group.matrix) : current;
  const [x0, y0, x1, y1] = transformBox(m, group.bbox[0], group.bbox[1], group.bbox[2], group.bbox[3]);
  const w = Math.min(cw, Math.ceil(x1)) - Math.max(0, Math.floor(x0));
  const h = Math.min(ch, Math.ceil(y1)) - Math.max(0, Math.floor(y0));
  // pdf.js never makes a canvas smaller than one pixel
  return Math.max(1, w) * Math.max(1, h) * 4;
}

/** Counts mask canvases as pdf.js is about to make them and leaves out the groups past the budget. */
export class SoftMaskLimit {
  /** mask groups left out */
  dropped = 0;
  /** mask groups drawn */
  drawn = 0;
  private used = 0;
  /** > 0 while inside a group being left out: the nesting depth of its groups */
  private skipping = 0;

  constructor(private readonly maxBytes = MAX_MASK_BYTES) {}

  /** False for the operators of a mask group past the budget (its beginGroup, contents and endGroup). */
  filter(fn: number, args: unknown, ctx: DrawingContext): boolean {
    if (this.skipping > 0) {
      if (fn === OPS.beginGroup) this.skipping++;
      else if (fn === OPS.endGroup) this.skipping--;
      return false;
    }
    if (fn !== OPS.beginGroup) return true;
    const group = (args as [GroupArgs] | undefined)?.[0];
    if (!group?.smask) return true;
    const bytes = groupCanvasBytes(group, ctx);
    if (this.used + bytes > this.maxBytes) {
      this.dropped++;
      this.skipping = 1;
      return false;
    }
    this.used += bytes;
    this.drawn++;
    return true;
  }
}
