/** --timeout and --page-timeout: extraction's time limits, in seconds on the command line. */
import type { Command } from "commander";
import { positiveNumberArg } from "./options.js";

export interface TimeLimitCliOptions {
  /** seconds */
  timeout?: number;
  /** seconds */
  pageTimeout?: number;
}

export function addTimeLimitOptions(cmd: Command): Command {
  return cmd
    .option("--timeout <s>", "give up reading a PDF after this many seconds (default 45 + 0.25 a page)", positiveNumberArg)
    .option("--page-timeout <s>", "a page slower than this loses its figures, keeps its text (default 10)", positiveNumberArg);
}

/** extract()'s timeoutMs and pageTimeoutMs from the parsed options */
export function timeLimitsMs(o: TimeLimitCliOptions): { timeoutMs?: number; pageTimeoutMs?: number } {
  return {
    ...(o.timeout !== undefined ? { timeoutMs: Math.round(o.timeout * 1000) } : {}),
    ...(o.pageTimeout !== undefined ? { pageTimeoutMs: Math.round(o.pageTimeout * 1000) } : {}),
  };
}
