/**
 * Defaults the CLI's option help and the pipeline share. Kept free of imports: the CLI loads it
 * before any command runs, and `extract` must not pay for the model side's modules.
 */
export const DEFAULT_OUT_DIR = "longdoc-out";
/** output tokens reserved per request */
export const DEFAULT_OUTPUT_RESERVE = 8192;
/** model requests in flight */
export const DEFAULT_REQUESTS = 4;
/** output reserve with --reasoning high: thinking tokens count against it */
export const DEFAULT_REASONING_RESERVE = 32_768;
/** The output reserve when --max-output-tokens is not given: thinking needs room, but at most a quarter of the window. */
export function defaultOutputReserve(reasoning: "none" | "high" | undefined, window: number): number {
  return reasoning === "high" ? Math.min(DEFAULT_REASONING_RESERVE, Math.floor(window / 4)) : DEFAULT_OUTPUT_RESERVE;
}
/** --idle-timeout: seconds without a byte before a streamed answer is cut */
export const DEFAULT_IDLE_TIMEOUT_S = 120;
