/** Library API (DESIGN.md §7): the CLI is a thin layer over these. */
export * from "./errors.js";
export * from "./model/document.js";
export * from "./model/summary.js";
export * from "./model/plan.js";
export * from "./model/batch.js";
export * from "./report/index.js";
export { extract, writeExtraction, renderDocumentMarkdown, type ExtractOptions } from "./extract/index.js";
export { plan, planDocument, planToJson, buildReduceParts, estimatePartialTokens, materializeParts, type PlanOptions, type PlanPdfOptions } from "./plan/public.js";
export { resolveProfile, countTextTokens, estimateTextTokens, imageTokens, estimateCost, costTable, type ModelProfile } from "./budget/public.js";
export * from "./llm/index.js";
export { summarize, describeFigures, resolveEngine, outputFolderName, usageLine, type SummarizeOptions, type SummarizeContext, type SummarizeResult, type PipelineEvent, type PipelineEventListener, type RequestUsage, type UsageReport } from "./summarize.js";
export * from "./batch/index.js";
