/** Batch processing of folders (issue 5): the public surface. */
export { runBatch, type BatchOptions, type BatchHooks, type BatchResult } from "./run.js";
export { summarizeRunner, summarizeOptionsHash } from "./document-runner.js";
export { findPdfs, assignOutputFolders, type FoundPdfs, type SkippedInput } from "./discover.js";
export { chooseProgressMode, createProgressReporter, type ProgressMode, type ProgressReporter } from "./progress.js";
export type { BatchEvent, DocumentOutcome, DocumentRunner, DocumentRunContext } from "./types.js";
