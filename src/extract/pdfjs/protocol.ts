/** Messages between extract() and its pdf.js worker threads (plain, structured-cloneable data). */
import type { OutlineEntry } from "../../model/document.js";
import type { PageFigureCandidates } from "../figures/analyze.js";
import type { FigureRegion, PageLayout } from "../types.js";

export type WorkerRequest =
  | { op: "open"; file: string; password?: string; withMeta: boolean }
  /**
   * pages in order; each is answered by "page-text" once its text is read and "page" when done.
   * A page's drawing is cut at pageTimeoutMs or maxOps operators (its figures are then left out),
   * and the answer comes after that page: the worker is spent and the rest go to a fresh one
   */
  | { op: "analyze"; pages: number[]; pageTimeoutMs: number; maxOps: number }
  | { op: "outline" }
  /** pageTimeoutMs: work one figure may take before its drawing is cancelled */
  | { op: "render"; items: RenderItem[]; maxSide: number; pageTimeoutMs?: number }
  | { op: "close" }
  /** page count of another file, without touching the open document */
  | { op: "count"; file: string };

export interface RenderItem {
  key: string;
  page: number;
  region: FigureRegion;
}

export interface DocMeta {
  numPages: number;
  title?: string;
  author?: string;
  producer?: string;
  encrypted: boolean;
  outline: OutlineEntry[];
  /** what opening worked around (skipped attachments, a rebuilt trailer) */
  warnings?: string[];
}

export interface PageAnalysis {
  layout: PageLayout;
  candidates: PageFigureCandidates;
  /** a page pdf.js could not read at all */
  error?: string;
  /** the page's drawing was cut short (it loops or explodes): it is not drawn again for figures */
  drawingCut?: boolean;
  /** time the worker spent on the page (ms) */
  ms?: number;
}

export interface RenderedItem {
  key: string;
  data?: Uint8Array;
  mime?: "image/png" | "image/jpeg" | "image/webp";
  width?: number;
  height?: number;
  error?: string;
  /** notes from rendering (e.g. a blank result) for the document's warnings */
  warnings?: string[];
  /** a page scan's legibility floor, measured on its pixels */
  minTextPx?: number;
}

/** Messages a worker sends while a request is in flight (not its answer). */
export type WorkerProgress =
  | { op: "page-text"; layout: PageLayout }
  | { op: "page"; analysis: PageAnalysis }
  /** one figure drawn (or failed) of a render request: each is kept as it comes, and re-arms the page's limit */
  | { op: "figure"; item: RenderedItem };

export type WorkerReply =
  | { op: "opened"; meta: DocMeta }
  | { op: "analyzed" }
  | { op: "outlined"; outline: OutlineEntry[] }
  | { op: "counted"; pages?: number }
  /** the figures came one by one as "figure" progress */
  | { op: "rendered" }
  /** heapUsedMb: the worker's JS heap after closing, so the pool can retire a grown worker */
  | { op: "closed"; heapUsedMb?: number }
  | { op: "error"; name: string; message: string };
