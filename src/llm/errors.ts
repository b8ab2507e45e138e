import { ExitCode, LongdocError } from "../errors.js";



/**
 * Failures of a model call. Every message is one line, names the provider and the request id,
 * and never contains the API key (the key is only ever in a request header).
 */
export class ProviderError extends LongdocError {
  constructor(
    message: string,
    /** HTTP status, or undefined for network failures and timeouts */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, ExitCode.someFailed, undefined, options);
  }
}

/** The request does not fit the model's window: re-plan smaller. Numbers are the server's when it gave them. */
export class ContextOverflowError extends ProviderError {
  constructor(
    message: string,
    readonly limitTokens?: number,
    readonly requestedTokens?: number,
    /** the provider billed the call that found it (Mistral's finish_reason "model_length") */
    readonly billed = false,
  ) {
    super(message, 400);
  }
}

/** The endpoint accepts fewer images per request than were sent: lower the cap and re-plan. */
export class TooManyImagesError extends ProviderError {
  constructor(
    message: string,
    /** the endpoint's limit, when the message names it */
    readonly maxImages?: number,
  ) {
    super(message, 400);
  }
}

/**
 * The answer stopped at max_tokens (finish_reason "length"): retry with a larger reserve.
 * `partialText` empty means thinking used the whole budget before any answer text.
 */
export class OutputTruncatedError extends ProviderError {
  constructor(
    message: string,
    readonly partialText: string,
    readonly maxOutputTokens: number,
  ) {
    super(message);
  }
}

/** The model declined to answer (content filter, refusal): sending it again would cost the same. */
export class ContentRefusedError extends ProviderError {
  constructor(
    message: string,
    /** the model's or the filter's own words, when it gave any */
    readonly refusal: string,
  ) {
    super(message);
  }
}

/** The answer was not valid JSON for the schema, even after the one repair attempt. */
export class InvalidAnswerError extends ProviderError {
  constructor(
    message: string,
    readonly text: string,
  ) {
    super(message);
  }
}

/** Remove anything that looks like a bearer token or the given key, and keep one line. */
export function scrubMessage(message: string, secret?: string): string {
  let out = message.replace(/\s*\n\s*/g, " ");
  if (secret) out = out.split(secret).join("[key]");
  out = out.replace(/Bearer\s+\S+/gi, "Bearer [key]");
  // servers echo masked keys ("Incorrect API key provided: sk-ab****wxyz"): drop those too
  out = out.replace(/(api[ _-]?key(?: provided)?:?)\s*[^\s,.;]+/gi, "$1 [key]");
  out = out.replace(/\b(?:sk|pk|key)[-_][\w*.-]{6,}/gi, "[key]");
  return out.length > 400 ? out.slice(0, 397) + "..." : out;
}

const CONTEXT_PATTERNS = [
  /exceed_context_size/i,
  /exceeds the available context size/i,
  /model_length/i,
  /context length/i,
  /context window/i,
  /too large for model/i,
  /prompt is too long/i,
  /maximum context/i,
  /too many (input )?tokens/i,
  /exceeds? the (model'?s? )?(max(imum)? )?(context|token)/i,
];

export function looksLikeContextOverflow(message: string): boolean {
  return CONTEXT_PATTERNS.some((re) => re.test(message));
}

/** Pull the window and requested token counts out of the common wordings (vLLM, Mistral, OpenAI, OpenRouter). */
export function parseContextNumbers(message: string): { limit?: number; requested?: number } {
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s.replace(/[,_]/g, "")));
  const limit =
    num(/maximum context length (?:is|of) (?:about )?([\d,_]+)/i.exec(message)?.[1]) ??
    num(/([\d,_]+) maximum context length/i.exec(message)?.[1]) ??
    num(/context (?:window|length)(?: of| is)? ([\d,_]+)/i.exec(message)?.[1]);
  const requested =
    num(/requested (?:about )?([\d,_]+) tokens/i.exec(message)?.[1]) ??
    num(/prompt contains ([\d,_]+) tokens/i.exec(message)?.[1]) ??
    num(/prompt is too long: ([\d,_]+)/i.exec(message)?.[1]);
  return { limit, requested };
}

export function looksLikeTooManyImages(message: string): boolean {
  return /image/i.test(message) && /(too many|at most|max(imum)?|limit|exceed)/i.test(message);
}

export function parseImageLimit(message: string): number | undefined {
  const m =
    /at most (\d+) images?/i.exec(message) ??
    /(?:max(?:imum)?|limit|up to)[^\d.]{0,30}?(\d+)/i.exec(message) ??
    /(\d+) images? (?:max|allowed|per (?:request|prompt))/i.exec(message);
  return m ? Number(m[1]) : undefined;
}

/** 402, or a 429 that is about money rather than rate: waiting will not help. */
export function looksLikeQuota(message: string): boolean {
  return /quota|insufficient|credit|billing|payment|balance/i.test(message);
}
