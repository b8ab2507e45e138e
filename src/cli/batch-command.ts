import { stat } from "node:fs/promises";
import { isDynamicPattern } from "tinyglobby";
import type { CliIO } from "./program.js";
import { chooseProgressMode, createProgressReporter } from "../batch/progress.js";
import { summarizeFolder, type SummarizeFolderOptions } from "../batch/folder.js";

/**
 * What `longdoc summarize|figures <folder|glob|pdf>...` does with several documents: the library's
 * summarizeFolder with progress on stderr (or JSON lines on stdout) and the process's stop request;
 * a stop (Ctrl-C, SIGTERM, SIGHUP) starts no new work, gives requests in flight the grace period,
 * then abandons them (the index marks them interrupted). Resolves to the exit code.
 */
export async function runBatchCommand(
  inputs: string[],
  options: Omit<SummarizeFolderOptions, "signal" | "graceMs" | "onEvent"> & { json?: boolean; quiet?: boolean; verbose?: boolean },
  io: CliIO,
): Promise<number> {
  const { json, quiet, verbose, ...folderOptions } = options;
  const err = io.stderr as NodeJS.WriteStream;
  const reporter = createProgressReporter(chooseProgressMode({ json, quiet, verbose, stream: err }), { out: io.stdout, err });
  const onStop = () => reporter.stop();
  io.stop.signal.addEventListener("abort", onStop, { once: true });
  try {
    const result = await summarizeFolder(inputs, {
      ...folderOptions,
      signal: io.stop.signal,
      graceMs: io.stop.grace,
      onEvent: (e) => reporter.onEvent(e),
    });
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
