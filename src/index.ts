/**
 * Library API (docs/library.md): the CLI is a thin layer over these. Kept narrow on purpose:
 * five entry points, the error classes and the types; everything else is internal and may change.
 * The entry points are typed with the documented interfaces of src/types.ts, so every field a
 * caller receives carries its meaning in the emitted .d.ts.
 */
import { extract as extractPdf, type ExtractOptions } from "./extract/index.js";
import type { Extraction } from "./model/document.js";
import { plan as planPdf, type PlanPdfOptions } from "./plan/library.js";
import type { Plan } from "./model/plan.js";
import {
  describeFigures as describePdfFigures,
  summarize as summarizePdf,
  type SummarizeContext,
  type SummarizeOptions,
} from "./pipeline/document.js";
import type { SummarizeResult as InternalSummarizeResult } from "./pipeline/document.js";
import { summarizeFolder as summarizeFolderImpl, type SummarizeFolderOptions } from "./batch/folder.js";
import type { BatchResult } from "./batch/run.js";
import type { Summary } from "./types.js";

/** What summarize() and describeFigures() return for one PDF. */
export interface SummarizeResult extends Omit<InternalSummarizeResult, "summary"> {
  /** the result written to summary.json (or figures.json); null for --dry-run and --schema runs */
  summary: Summary | null;
}

/** Reads a PDF into the document model (text in reading order, figures rendered). No model, no network. */
export const extract: (pdfPath: string, options?: ExtractOptions) => Promise<Extraction> = extractPdf;

/** The token budget and request plan a run would send for this PDF. No network, no key. */
export const plan: (pdfPath: string, options?: PlanPdfOptions) => Promise<Plan> = planPdf;

/** Summarises one PDF into OUT/<name>/ (summary.json, summary.md, report.html, usage.json). Throws a LongdocError. */
export const summarize: (pdfPath: string, options?: SummarizeOptions, ctx?: SummarizeContext) => Promise<SummarizeResult> = summarizePdf;

/** Describes every figure of one PDF into OUT/<name>/ (figures.json, figures.md, report.html). Throws a LongdocError. */
export const describeFigures: (pdfPath: string, options?: SummarizeOptions, ctx?: SummarizeContext) => Promise<SummarizeResult> =
  describePdfFigures;

/** Runs summarize (or figures, with task: "figures") over files, folders and globs, with an index, resume and a budget. */
export const summarizeFolder: (inputs: string | string[], options?: SummarizeFolderOptions) => Promise<BatchResult> = summarizeFolderImpl;

export {
  ExitCode,
  LongdocError,
  InputError,
  EncryptedError,
  ProviderError,
  ProviderRefusedError,
  formatError,
  type ExitCodeValue,
} from "./errors.js";
export { ContextOverflowError, TooManyImagesError, OutputTruncatedError, InvalidAnswerError } from "./llm/errors.js";

export type * from "./types.js";
export type { Task } from "./model/task.js";
export type { ExtractOptions } from "./extract/index.js";
export type { Extraction, FigureImage } from "./model/document.js";
export type { Plan, PlannedRequest, PlanPart, RequestKind, SheetCell } from "./model/plan.js";
export type { PlanPdfOptions } from "./plan/library.js";
export type {
  SummarizeOptions,
  SummarizeContext,
  PipelineEvent,
  PipelineEventListener,
  RequestUsage,
  UsageReport,
} from "./pipeline/document.js";
export type { SummarizeFolderOptions } from "./batch/folder.js";
export type { BatchResult } from "./batch/run.js";
export type { BatchEvent } from "./batch/types.js";
export type { BatchIndex, IndexEntry, DocumentStatus } from "./model/batch.js";
export type { SkippedInput } from "./batch/discover.js";
