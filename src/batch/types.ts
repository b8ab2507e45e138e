import type { RequestSlots } from "../llm/slots.js";
import type { IndexEntry } from "../model/batch.js";
import type { SkippedInput } from "./discover.js";
import type { PipelineEventListener, RequestEvent } from "../pipeline/events.js";

/** What a finished document adds to its index row. */
export type DocumentOutcome = Pick<IndexEntry, "pages" | "figures" | "requests" | "inputTokens" | "outputTokens" | "costUSD">;

export interface DocumentRunContext {
  /** shared by every document: model requests in flight across the batch */
  requestSlots: RequestSlots;
  /** the source's sha256, read for the resume check: the document need not read it again */
  sha256: string;
  signal: AbortSignal;
  /** the document's own events (the one-document pipeline's vocabulary) */
  onEvent: PipelineEventListener;
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
  /** each model request of a document, passed on as the document reported it */
  | RequestEvent
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
