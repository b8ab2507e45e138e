/**
 * Expected seconds a hosted model spends on one request. Used only to order waiting requests in
 * the shared slots (longest chain first), never to promise a duration: typical hosted rates for a
 * small model are ~5,000 prompt tokens/s, ~100 output tokens/s and a fixed per-request overhead.
 */
const PROMPT_TOKENS_PER_SEC = 5000;
const OUTPUT_TOKENS_PER_SEC = 100;
const OVERHEAD_SEC = 0.4;

/** An answer's usual size: the summary fields plus a few sentences for each figure it covers. */
const ANSWER_BASE_TOKENS = 500;
const TOKENS_PER_FIGURE = 150;

export function expectedOutputTokens(figures: number, reserve: number): number {
  return Math.min(reserve, ANSWER_BASE_TOKENS + TOKENS_PER_FIGURE * figures);
}

export function expectedServiceSeconds(promptTokens: number, outputTokens: number): number {
  return OVERHEAD_SEC + promptTokens / PROMPT_TOKENS_PER_SEC + outputTokens / OUTPUT_TOKENS_PER_SEC;
}
