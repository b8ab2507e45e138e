/**
 * Contracts between the extraction modules (text layout, figures, orchestration).
 * Coordinates: PDF points, origin at the page's top-left corner, y growing down,
 * after the page's rotation is applied (what a reader sees).
 */
import type { BBox, FigureKind } from "../model/document.js";

export interface TextLine {
  text: string;
  bbox: BBox;
  /** median glyph height in points */
  fontSize: number;
  bold: boolean;
  /** set when most of the line is in an italic or oblique face */
  italic?: boolean;
  fontName: string;
  /** set when the text runs vertically or at an angle (margin stamps, axis labels): kept out of paragraphs */
  rotated?: boolean;
  /** the line's pieces when it has gaps much wider than a word space (table cells, label columns) */
  cells?: Array<{ text: string; x0: number; x1: number }>;
  /**
   * finer pieces, split at gaps a little wider than a word space, when they differ from cells:
   * narrow table gutters ("Tag  JS Type"); only a grid that holds on every row may use them
   */
  pieces?: Array<{ text: string; x0: number; x1: number }>;
}

export interface PageLayout {
  number: number;
  width: number;
  height: number;
  /** text lines in content-stream order (not yet in reading order) */
  lines: TextLine[];
  /** false when the page has no text or only a broken layer (unmapped glyphs, control characters) */
  textLayer: boolean;
}

/** A region a reader would call one figure, before it is rendered. */
export interface FigureRegion {
  bbox: BBox;
  kind: FigureKind;
  caption?: string;
  /** indices into PageLayout.lines that form the caption (left out of paragraphs) */
  captionLines: number[];
  /** pixels per point of the most detailed source image inside (caps the render scale); absent for vector-only */
  sourceScale?: number;
  /** size (longest side, px) at which the region's smallest text is 12 px high (legibility.ts) */
  minTextPx?: number;
}

export interface RenderedFigure {
  data: Buffer;
  mime: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
}
