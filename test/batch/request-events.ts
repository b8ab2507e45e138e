/** A document's request events as the pipeline reports them, for tests that replay a batch's stream. */
import type { RequestEvent } from "../../src/pipeline/events.js";

export const reqStart = (document: string, requestId: string): RequestEvent => ({
  type: "request-start",
  document,
  requestId,
  kind: "single",
  pages: [1, 1],
  estimatedInputTokens: 1000,
  images: 0,
});

export const reqProgress = (document: string, requestId: string, tokens: number): RequestEvent => ({
  type: "request-progress",
  document,
  requestId,
  tokens,
  thinking: false,
});

export const reqEnd = (
  document: string,
  requestId: string,
  inputTokens: number,
  outputTokens: number,
  costUSD: number,
  cached = false,
): RequestEvent => ({
  type: "request-end",
  document,
  requestId,
  kind: "single",
  inputTokens,
  outputTokens,
  costUSD,
  cached,
  latencyMs: 1000,
  attempts: 1,
});
