/**
 * The request plan (DESIGN.md §5): a plain, deterministic data structure.
 * The planner fills it from the document model; the model-call stage only reads it.
 */

/** One labelled cell of a tiled sheet: where a figure sits, in sheet pixels. */
export interface SheetCell {
  /** the figure drawn in this cell */
  figureId: string;
  /** left edge in the sheet, px */
  x: number;
  /** top edge in the sheet, px */
  y: number;
  /** px */
  width: number;
  /** px */
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
  /** "r1", "r2", … for maps and singles; "reduce" for the reduce */
  id: string;
  /** single (the whole document), map (a chunk) or reduce (combines the maps) */
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
  /** estimated tokens of the text parts */
  textTokens: number;
  /** estimated tokens of the images */
  imageTokens: number;
  /** images sent (a sheet of tiles counts once) */
  images: number;
  /** figures sent inside sheets (0 when every figure is its own image) */
  tiles?: number;
  /** the smallest text height (px) of any figure as sent; absent when no figure has text */
  smallestTextPx?: number;
  /** prompt + framing + text + images, not the output reserve */
  totalTokens: number;
  /** the figures this request shows, in reading order */
  figureIds: string[];
}

export interface Plan {
  /** the model id the plan was made for */
  model: string;
  /** the context window in tokens */
  window: number;
  /** tokens kept free in every request for the answer (max_tokens) */
  outputReserve: number;
  /** one request for the whole document, or maps then a reduce */
  mode: "single" | "map-reduce";
  /** summarize or figures */
  task: "summarize" | "figures";
  /** longest image side used after any shrinking */
  imageMaxSide: number;
  /** the most images one request may carry */
  maxImages: number;
  /** provider the plan was made for (image cap and price) */
  provider: string;
  /** in the order they are sent; a reduce comes last */
  requests: PlannedRequest[];
  /** upper bound: every request writes its full output reserve */
  estimatedCostUSD: number;
  /** what the plan had to give up (figures left out, text shortened) */
  warnings: string[];
}
