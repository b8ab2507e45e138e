import { stat } from "node:fs/promises";
import { isDynamicPattern } from "tinyglobby";
import { offlineNotice, toSummarizeOptions, type SummarizeCliOptions } from "../commands/summarize.js";
import { exitCodeOf, formatError } from "../errors.js";
import { resolveEngine, type SummarizeOptions } from "../summarize.js";
import type { Task } from "../summary/schema.js";
import type { CliIO } from "../cli.js";
import { chooseProgressMode, createProgressReporter } from "./progress.js";
import { runBatch } from "./run.js";
import { summarizeOptionsHash, summarizeRunner } from "./summarize-runner.js";

export interface BatchCommandOptions {
  out: string;
  concurrency?: number;
  requests?: number;
  maxCostUSD?: number;
  json?: boolean;
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
  const reporter = createProgressReporter(chooseProgressMode({ json: options.json, stream: err }), { out: io.stdout, err });
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
      },
      { onEvent: (e) => reporter.onEvent(e) },
    );
    return result.exitCode;
  } finally {
    reporter.stop();
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

/** The `summarize` / `figures` command action for a batch (same options as for one document). */
export async function runBatchTask(task: Task, inputs: string[], o: SummarizeCliOptions, io: CliIO): Promise<number> {
  const options = toSummarizeOptions(task, o, io.env);
  try {
    const engine = resolveEngine(options);
    if (engine.name === "offline" && !o.dryRun) io.stderr.write(offlineNotice(o.provider === "offline"));
    return await runBatchCommand(inputs, options, {
      out: o.out,
      concurrency: o.concurrency,
      requests: o.requests,
      maxCostUSD: o.maxCost,
      json: o.json,
    }, io);
  } catch (err) {
    io.stderr.write(`longdoc: ${formatError(err)}\n`);
    return exitCodeOf(err);
  }
}
