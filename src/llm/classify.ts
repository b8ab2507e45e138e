/**
 * What an error status means, for live calls and batch result lines alike: refused (auth, quota,
 * content filter), context overflow, image limit, or null when it is worth another try or is an
 * ordinary failure the caller words itself.
 */
import { ProviderRefusedError } from "../errors.js";
import type { ErrorInfo } from "./adapters/read.js";
import {
  ContentRefusedError,
  ContextOverflowError,
  looksLikeContextOverflow,
  looksLikeQuota,
  looksLikeTooManyImages,
  parseContextNumbers,
  parseImageLimit,
  ProviderError,
  TooManyImagesError,
} from "./errors.js";

export interface ErrorContext {
  provider: string;
  /** where the key came from (MISTRAL_API_KEY…), for the hint of an authentication error */
  keySource?: string | null;
  /** "mistral: request r1", the start of every message */
  where: string;
  model: string;
  reasoning: string;
  /** removes the key from a server's message */
  scrub: (message: string) => string;
}

/** The error a status (or an in-band error code) stands for; null: retry it, or word the failure yourself. */
export function classifyErrorStatus(at: ErrorContext, status: number, info: ErrorInfo, inBand: boolean): Error | null {
  const msg = at.scrub(info.message);
  const how = inBand ? `error inside an HTTP 200, code ${status}` : `HTTP ${status}`;
  if (status === 401) {
    const hint = at.keySource ? `; check ${at.keySource}` : "";
    return new ProviderRefusedError(`${at.where} refused (${how}, authentication): ${msg}${hint}`);
  }
  if (status === 403) {
    // OpenRouter: the input was flagged by a moderated model's filter
    if (/moderat|flagged/i.test(msg))
      return new ContentRefusedError(`${at.where} refused by the provider's content filter (${how}): ${msg}`, msg);
    const hint = at.keySource ? `; check ${at.keySource}` : "";
    return new ProviderRefusedError(`${at.where} refused (${how}, not allowed): ${msg}${hint}`);
  }
  if (status === 402 || (status === 429 && looksLikeQuota(msg))) {
    return new ProviderRefusedError(`${at.where} refused (${how}, quota or credit exhausted): ${msg}`);
  }
  if (status === 404 && at.provider === "openrouter" && /endpoint|provider|parameter|constraint/i.test(msg)) {
    return new ProviderError(
      `${at.where}: no OpenRouter host serves ${at.model} with every parameter longdoc needs (structured output${at.reasoning !== "none" ? ", reasoning" : ""}) (${how}): ${msg}`,
      status,
    );
  }
  if (
    info.type === "exceed_context_size_error" ||
    ((status === 400 || status === 413 || status === 422) && looksLikeContextOverflow(msg))
  ) {
    const n = parseContextNumbers(msg);
    return new ContextOverflowError(
      `${at.where}: request too large for the model's context (${how}): ${msg}`,
      info.contextTokens ?? n.limit,
      info.promptTokens ?? n.requested,
    );
  }
  if ((status === 400 || status === 413 || status === 422) && looksLikeTooManyImages(msg)) {
    return new TooManyImagesError(`${at.where}: too many images for this endpoint (${how}): ${msg}`, parseImageLimit(msg));
  }
  if (status === 413) {
    return new ContextOverflowError(`${at.where}: request too large for the server (${how}): ${msg}`);
  }
  return null;
}
