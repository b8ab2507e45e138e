import type { RequestSlots } from "../llm/slots.js";
import type { IndexEntry } from "../model/batch.js";
import type { SkippedInput } from "./discover.js";

/** A model request finished: what the index row and the progress display count. */
export interface RequestEnd {
  id: string;
  inputTokens: number;
  outputTokens: number;
  costUSD: number;
  cached: boolean;
  /** sent, then abandoned on a stop: input at the planner's estimate, no output */
  abandoned?: boolean;
}

/** What the batch needs to hear from the one-document pipeline, whatever its own event shapes. */
export type DocumentEvent =
  | { kind: "extracted"; pages: number; figures: number }
  | { kind: "planned"; requests: number; plannedCostUSD: number }
  | { kind: "request-start"; id: string }
  | { kind: "request-progress"; id: string; outputTokens: number }
  | ({ kind: "request-end" } & RequestEnd);

/** What a finished document adds to its index row. */
export type DocumentOutcome = Pick<IndexEntry, "pages" | "figures" | "requests" | "inputTokens" | "outputTokens" | "costUSD">;

export interface DocumentRunContext {
  /** shared by every document: model requests in flight across the batch */
  requestSlots: RequestSlots;
  /** the source's sha256, read for the resume check: the document need not read it again */
  sha256: string;
  signal: AbortSignal;
  onEvent: (e: DocumentEvent) => void;
}

/**
 * Processes one PDF into `outDir` (OUT/<folder>/). The summarize and figures commands each
 * supply one; the batch adds scheduling, resume, the index, the budget and progress around it.
 */
export type DocumentRunner = (pdfPath: string, outDir: string, ctx: DocumentRunContext) => Promise<DocumentOutcome>;

/** Events of a batch run, for the progress display and `--json` (one JSON object per line). */
export type BatchEvent =
  | {
      type: "batch-start";
      documents: number;
      skippedInputs: SkippedInput[];
      concurrency: number;
      requests: number;
      maxCostUSD: number | null;
      out: string;
    }
  | { type: "document-start"; document: string; folder: string }
  | { type: "document-extracted"; document: string; pages: number; figures: number }
  | { type: "document-planned"; document: string; requests: number; plannedCostUSD: number }
  | { type: "request-start"; document: string; id: string }
  /** a streamed answer arriving: output tokens received so far by this request (optional, for the display) */
  | { type: "request-progress"; document: string; id: string; outputTokens: number }
  | ({ type: "request-end"; document: string } & RequestEnd)
  | { type: "document-end"; entry: IndexEntry }
  | {
      type: "batch-end";
      done: number;
      failed: number;
      skipped: number;
      overBudget: number;
      interrupted: number;
      costUSD: number;
      seconds: number;
      exitCode: number;
      warnings: string[];
    };
