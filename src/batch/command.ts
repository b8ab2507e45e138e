import { stat } from "node:fs/promises";
import { isDynamicPattern } from "tinyglobby";
import { ExitCode } from "../errors.js";
import type { SummarizeOptions } from "../summarize.js";
import { chooseProgressMode, createProgressReporter } from "./progress.js";
import { runBatch } from "./run.js";
import type { Shard } from "./shard.js";
import { summarizeOptionsHash, summarizeRunner } from "./summarize-runner.js";

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
 * stderr (or JSON lines on stdout), Ctrl-C / SIGTERM abandon the documents in flight cleanly (the
 * index marks them interrupted; a second Ctrl-C quits at once). Resolves to the exit code.
 */
export async function runBatchCommand(
  inputs: string[],
  summarizeOptions: SummarizeOptions,
  options: BatchCommandOptions,
): Promise<number> {
  const controller = new AbortController();
  const reporter = createProgressReporter(chooseProgressMode({ json: options.json, quiet: options.quiet, verbose: options.verbose }));
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      reporter.close(); // the closing line, even when quitting at once
      process.exit(ExitCode.interrupted);
    }
    reporter.stop();
    process.stderr.write(`${signal}: abandoning documents in flight and writing the index (again to quit at once)\n`);
    controller.abort(new Error(`interrupted (${signal})`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
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
        signal: controller.signal,
        shard: options.shard,
      },
      { onEvent: (e) => reporter.onEvent(e) },
    );
    if (result.interrupted) {
      // documents abandoned mid-extraction may still hold worker threads: the index is written,
      // nothing else is worth waiting for
      reporter.close();
      process.exit(ExitCode.interrupted);
    }
    return result.exitCode;
  } finally {
    reporter.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
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
