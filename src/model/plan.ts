/**
 * The request plan (DESIGN.md §5): a plain, deterministic data structure.
 * The planner fills it from the document model; the model-call stage only reads it.
 */

/** One labelled cell of a tiled sheet: where a figure sits, in sheet pixels. */
export interface SheetCell {
  figureId: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type PlanPart =
  /** text exactly as sent (page markers, figure introductions, prompt text included) */
  | { type: "text"; text: string }
  /** one figure, resized so its longest side is at most maxSide (width/height = size sent) */
  | {
      type: "image";
      figureId: string;
      width: number;
      height: number;
      /** height in px of the figure's smallest text at this size (figures with text only) */
      textPx?: number;
    }
  /** several small figures tiled into one labelled image */
  | {
      type: "sheet";
      sheetId: string;
      width: number;
      height: number;
      cells: SheetCell[];
      /** height in px of the label band drawn directly above each cell (its figure id) */
      labelHeight: number;
    };

export type RequestKind = "single" | "map" | "reduce";

export interface PlannedRequest {
  id: string;
  kind: RequestKind;
  /** first and last page covered (a reduce covers its inputs' range) */
  pages: [number, number];
  /** system message text */
  system: string;
  /**
   * user message content in order. For a reduce only the header (title, outline); the partial
   * answers are appended at run time by buildReduceParts (src/plan/reduce.ts).
   */
  parts: PlanPart[];
  /** reduce only: ids of the requests whose answers it combines */
  inputs?: string[];
  textTokens: number;
  imageTokens: number;
  images: number;
  /** figures sent inside sheets (0 when every figure is its own image) */
  tiles?: number;
  /** the smallest text height (px) of any figure as sent; absent when no figure has text */
  smallestTextPx?: number;
  /** prompt + framing + text + images, not the output reserve */
  totalTokens: number;
  figureIds: string[];
}

export interface Plan {
  model: string;
  window: number;
  outputReserve: number;
  mode: "single" | "map-reduce";
  task: "summarize" | "figures";
  /** longest image side used after any shrinking */
  imageMaxSide: number;
  maxImages: number;
  /** provider the plan was made for (image cap and price) */
  provider: string;
  requests: PlannedRequest[];
  estimatedCostUSD: number;
  warnings: string[];
}
