import { ProviderRefusedError } from "../errors.js";
import {
  ContextOverflowError,
  looksLikeContextOverflow,
  looksLikeQuota,
  looksLikeTooManyImages,
  parseContextNumbers,
  parseImageLimit,
  ProviderError,
  scrubMessage,
  TooManyImagesError,
} from "../llm/errors.js";
import { RETRYABLE_STATUSES } from "../llm/retry.js";
import type { ModelAnswer } from "../llm/types.js";
import { errorMessage } from "./http.js";

/** One line of a job's output or error file, as stored and read back. */
export interface ResultLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: { message?: string; code?: unknown } | string | null;
}

export type LineOutcome =
  | { kind: "answer"; answer: ModelAnswer }
  /** `retryable`: the service failed (429/5xx, expired line), not the request: worth sending once more */
  | { kind: "error"; status: number | null; message: string; retryable: boolean };

/** Reads a line into the answer the live path would have had, or the error the service gave. */
export function lineOutcome(line: ResultLine, latencyMs: number): LineOutcome {
  const status = line.response?.status_code ?? null;
  if (status === 200 && line.response?.body && typeof line.response.body === "object") {
    const body = line.response.body as {
      choices?: { message?: { content?: unknown }; finish_reason?: string | null }[];
      usage?: { prompt_tokens?: number; completion_tokens?: number };
    };
    const choice = body.choices?.[0];
    return {
      kind: "answer",
      answer: {
        text: contentText(choice?.message?.content),
        finishReason: choice?.finish_reason ?? "stop",
        usage: body.usage ? { promptTokens: body.usage.prompt_tokens ?? 0, completionTokens: body.usage.completion_tokens ?? 0 } : null,
        latencyMs,
        cached: false,
        attempts: 1,
      },
    };
  }
  const fromBody = line.response?.body !== undefined ? errorMessage(typeof line.response.body === "string" ? line.response.body : JSON.stringify(line.response.body)) : "";
  const fromError = typeof line.error === "string" ? line.error : (line.error?.message ?? "");
  const message = fromBody || fromError || `status ${status ?? "unknown"}`;
  const code = typeof line.error === "object" && line.error ? String(line.error.code ?? "") : "";
  const retryable = status === null ? /expired|timeout|cancel/i.test(`${code} ${message}`) || code === "" : RETRYABLE_STATUSES.has(status) && !looksLikeQuota(message);
  return { kind: "error", status, message, retryable };
}

/** The error the live path raises for the same answer (same taxonomy: the planner reacts the same way). */
export function lineError(provider: string, requestId: string, status: number | null, message: string, key?: string): Error {
  const msg = scrubMessage(message, key);
  const where = `${provider} batch: request ${requestId}`;
  if (status === 401 || status === 403) return new ProviderRefusedError(`${where} refused (HTTP ${status}): ${msg}`);
  if (status === 402 || (status === 429 && looksLikeQuota(msg))) return new ProviderRefusedError(`${where} refused (HTTP ${status}, quota or credit exhausted): ${msg}`);
  if (status === 400 || status === 413 || status === 422) {
    if (looksLikeTooManyImages(msg)) return new TooManyImagesError(`${where}: too many images for this endpoint (HTTP ${status}): ${msg}`, parseImageLimit(msg));
    if (looksLikeContextOverflow(msg)) {
      const n = parseContextNumbers(msg);
      return new ContextOverflowError(`${where}: request too large for the model's context (HTTP ${status}): ${msg}`, n.limit, n.requested);
    }
  }
  return new ProviderError(`${where} failed${status ? ` (HTTP ${status})` : ""}: ${msg}`, status ?? undefined);
}

/** Content may be a string or (Mistral with reasoning) a list of chunks; only text chunks are the answer. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((c) => (c && typeof c === "object" && (c as { type?: string }).type === "text" ? String((c as { text?: unknown }).text ?? "") : ""))
      .join("");
  }
  return "";
}
