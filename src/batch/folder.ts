/**
 * summarizeFolder(): summarize (or describe the figures of) every PDF in files, folders and globs,
 * one subfolder each under `out`, with OUT/index.json|csv|html, resume and a spending limit. The
 * batch runner (src/batch) schedules; this names the job.
 */
import { runBatch, type BatchResult } from "./run.js";
import { summarizeOptionsHash, summarizeRunner } from "./document-runner.js";
import type { BatchEvent } from "./types.js";
import { parseShard, type Shard } from "./shard.js";
import { DEFAULT_OUT_DIR } from "../defaults.js";
import type { SummarizeOptions } from "../pipeline/document.js";

export interface SummarizeFolderOptions extends SummarizeOptions {
  /** documents in flight (default 2) */
  concurrency?: number;
  /** stop starting documents whose planned cost would take the spend past this many dollars */
  maxCostUSD?: number;
  /** abort to stop: no document or request starts after it, and the index marks the rest interrupted */
  signal?: AbortSignal;
  /** how long requests in flight may still run after the stop before they are abandoned (default 10 s) */
  graceMs?: number;
  /** only part K of N of the documents ("2/4" or { k: 2, n: 4 }), for several machines; see docs/cli.md */
  shard?: string | Shard;
  /** progress: every batch event, in order (the CLI's display and --json are built on these) */
  onEvent?: (event: BatchEvent) => void;
}

/** Resolves when every document is settled; a failing document is recorded in the index, not thrown. */
export async function summarizeFolder(inputs: string | string[], options: SummarizeFolderOptions = {}): Promise<BatchResult> {
  const { concurrency, maxCostUSD, signal, graceMs, shard, onEvent, ...summarizeOptions } = options;
  return runBatch(
    typeof inputs === "string" ? [inputs] : inputs,
    summarizeRunner(summarizeOptions),
    {
      out: summarizeOptions.out ?? DEFAULT_OUT_DIR,
      concurrency,
      requests: summarizeOptions.requests,
      maxCostUSD,
      optionsHash: await summarizeOptionsHash(summarizeOptions),
      signal,
      graceMs,
      shard: typeof shard === "string" ? parseShard(shard) : shard,
    },
    { onEvent },
  );
}
