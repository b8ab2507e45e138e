import { emptyAccumulator, readCompletion } from "../llm/adapters/read.js";
import { classifyErrorStatus, type ErrorContext } from "../llm/classify.js";
import { looksLikeQuota, ProviderError } from "../llm/errors.js";
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
    // the same reader as a live answer: content chunk lists, usage (and its cost), errors inside a 200
    const acc = emptyAccumulator();
    readCompletion(acc, line.response.body);
    if (acc.error) {
      const code = Number(acc.error.code);
      const inBand = Number.isInteger(code) && code >= 400 ? code : 502;
      return {
        kind: "error",
        status: inBand,
        message: acc.error.message,
        retryable: RETRYABLE_STATUSES.has(inBand) && !looksLikeQuota(acc.error.message),
      };
    }
    return {
      kind: "answer",
      answer: { text: acc.text, finishReason: acc.finishReason ?? "stop", usage: acc.usage, latencyMs, cached: false, attempts: 1 },
    };
  }
  const fromBody =
    line.response?.body !== undefined
      ? errorMessage(typeof line.response.body === "string" ? line.response.body : JSON.stringify(line.response.body))
      : "";
  const fromError = typeof line.error === "string" ? line.error : (line.error?.message ?? "");
  const message = fromBody || fromError || `status ${status ?? "unknown"}`;
  const code = typeof line.error === "object" && line.error ? String(line.error.code ?? "") : "";
  const retryable =
    status === null
      ? /expired|timeout|cancel/i.test(`${code} ${message}`) || code === ""
      : RETRYABLE_STATUSES.has(status) && !looksLikeQuota(message);
  return { kind: "error", status, message, retryable };
}

/** The error the live path raises for the same answer (one classifier: the planner reacts the same way). */
export function lineError(at: Omit<ErrorContext, "where" | "keySource">, requestId: string, status: number | null, message: string): Error {
  const where = `${at.provider} batch: request ${requestId}`;
  const classified = status === null ? null : classifyErrorStatus({ ...at, where }, status, { message }, false);
  return classified ?? new ProviderError(`${where} failed${status ? ` (HTTP ${status})` : ""}: ${at.scrub(message)}`, status ?? undefined);
}
