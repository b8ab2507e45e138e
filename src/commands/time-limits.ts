/** --timeout and --page-timeout: extraction's time limits, in seconds on the command line. */
import { InvalidArgumentError, type Command } from "commander";

export interface TimeLimitCliOptions {
  /** seconds */
  timeout?: number;
  /** seconds */
  pageTimeout?: number;
}

function positiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected a number of seconds > 0");
  return n;
}

export function addTimeLimitOptions(cmd: Command): Command {
  return cmd
    .option("--timeout <s>", "give up reading a PDF after this many seconds (default 45 + 0.25 a page)", positiveSeconds)
    .option("--page-timeout <s>", "a page slower than this loses its figures, keeps its text (default 10)", positiveSeconds);
}

/** extract()'s timeoutMs and pageTimeoutMs from the parsed options */
export function timeLimitsMs(o: TimeLimitCliOptions): { timeoutMs?: number; pageTimeoutMs?: number } {
  return {
    ...(o.timeout !== undefined ? { timeoutMs: Math.round(o.timeout * 1000) } : {}),
    ...(o.pageTimeout !== undefined ? { pageTimeoutMs: Math.round(o.pageTimeout * 1000) } : {}),
  };
}
