/**
 * What a figure needs to stay readable (DESIGN.md §3, `minTextPx`): the image size (longest side,
 * px) at which its smallest text is REFERENCE_TEXT_PX high. The planner scales it to the profile's
 * legible text height, so it is recorded against one fixed reference.
 */
import type { BBox } from "../../model/document.js";
import type { TextLine } from "../types.js";
import { area, height, overlapArea, width } from "./geometry.js";

/** minTextPx is the size at which the smallest text is this many pixels high. */
export const REFERENCE_TEXT_PX = 12;
/** Glyph heights below this (points) are marks or broken metrics, not text anyone reads. */
const MIN_TEXT_PT = 3;
/** Assumed body text of a scan when the document has no text layer to measure (points). */
export const DEFAULT_SCAN_TEXT_PT = 10;

/** The figure's size at which text of `textPt` points is REFERENCE_TEXT_PX high. */
export function sizeForText(bbox: BBox, textPt: number): number {
  const side = Math.max(width(bbox), height(bbox));
  return Math.ceil((side * REFERENCE_TEXT_PX) / Math.max(MIN_TEXT_PT, textPt));
}

/**
 * minTextPx of a region from the text lines inside it (the smallest line's glyph height), or
 * undefined when no text lies inside (a photo needs no floor beyond the planner's own).
 */
export function minTextPxFromLines(bbox: BBox, lines: TextLine[], skip: ReadonlySet<number> = new Set()): number | undefined {
  let smallest = Infinity;
  lines.forEach((l, i) => {
    if (skip.has(i) || !l.text.trim()) return;
    if (overlapArea(bbox, l.bbox) < 0.5 * Math.max(1e-6, area(l.bbox))) return;
    const pt = l.fontSize || height(l.bbox);
    if (pt >= MIN_TEXT_PT && pt < smallest) smallest = pt;
  });
  return Number.isFinite(smallest) ? sizeForText(bbox, smallest) : undefined;
}

/**
 * minTextPx of a page scan, whose text is only pixels: the text height measured on the page image
 * when there is one (textPx high at `scale` px per point), else the document's body text size.
 */
export function minTextPxOfScan(bbox: BBox, bodyPt: number, measured?: { textPx: number; scale: number }): number {
  if (measured && measured.textPx > 0 && measured.scale > 0) return sizeForText(bbox, measured.textPx / measured.scale);
  return sizeForText(bbox, bodyPt > 0 ? bodyPt : DEFAULT_SCAN_TEXT_PT);
}
