import { stat } from "node:fs/promises";
import { isDynamicPattern } from "tinyglobby";
import type { CliIO } from "./program.js";
import type { SummarizeOptions } from "../pipeline/document.js";
import { chooseProgressMode, createProgressReporter } from "../batch/progress.js";
import { runBatch } from "../batch/run.js";
import type { Shard } from "../batch/shard.js";
import { summarizeOptionsHash, summarizeRunner } from "../batch/document-runner.js";

export interface BatchCommandOptions {
  out: string;
  concurrency?: number;
  requests?: number;
  maxCostUSD?: number;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  shard?: Shard;
}

/**
 * What `longdoc summarize|figures <folder|glob|pdf>...` does with several documents: progress on
 * stderr (or JSON lines on stdout); a stop (Ctrl-C, SIGTERM, SIGHUP) starts no new work, gives
 * requests in flight the grace period, then abandons them (the index marks them interrupted).
 * Resolves to the exit code.
 */
export async function runBatchCommand(
  inputs: string[],
  summarizeOptions: SummarizeOptions,
  options: BatchCommandOptions,
  io: CliIO,
): Promise<number> {
  const err = io.stderr as NodeJS.WriteStream;
  const reporter = createProgressReporter(chooseProgressMode({ json: options.json, quiet: options.quiet, verbose: options.verbose, stream: err }), {
    out: io.stdout,
    err,
  });
  const onStop = () => reporter.stop();
  io.stop.signal.addEventListener("abort", onStop, { once: true });
  try {
    const result = await runBatch(
      inputs,
      summarizeRunner(summarizeOptions),
      {
        out: options.out,
        concurrency: options.concurrency,
        requests: options.requests,
        maxCostUSD: options.maxCostUSD,
        optionsHash: await summarizeOptionsHash(summarizeOptions),
        signal: io.stop.signal,
        graceMs: io.stop.grace,
        shard: options.shard,
      },
      { onEvent: (e) => reporter.onEvent(e) },
    );
    return result.exitCode;
  } finally {
    // the closing line on every exit, a stop included
    reporter.close();
    io.stop.signal.removeEventListener("abort", onStop);
  }
}

/** Several inputs, a folder or a glob make a batch; one PDF named on its own does not. */
export async function isBatchInput(inputs: string[]): Promise<boolean> {
  if (inputs.length !== 1) return true;
  if (isDynamicPattern(inputs[0])) return true;
  try {
    return (await stat(inputs[0])).isDirectory();
  } catch {
    return false; // the single-document path reports the missing file
  }
}
