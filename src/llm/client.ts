import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { toRequestBody, type ChatBody } from "./adapters/index.js";
import { cacheKey, defaultCacheDir, ResponseCache } from "./cache.js";
import {
  ContextOverflowError,
  InvalidAnswerError,
  looksLikeContextOverflow,
  looksLikeQuota,
  looksLikeTooManyImages,
  OutputTruncatedError,
  parseContextNumbers,
  parseImageLimit,
  ProviderError,

  scrubMessage,
  TooManyImagesError,
} from "./errors.js";
import { ProviderRefusedError } from "../errors.js";
import type { ProviderConfig } from "./providers.js";
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelayMs, sleep, type BackoffOptions } from "./retry.js";
import type { ModelAnswer, ModelRequest } from "./types.js";

export type ClientEvent =
  | { type: "request"; id: string; attempt: number }
  | { type: "retry"; id: string; attempt: number; delayMs: number; reason: string }
  | { type: "cache-hit"; id: string }
  | { type: "answer"; id: string; attempts: number; latencyMs: number; usage: ModelAnswer["usage"]; finishReason: string }
  | { type: "repair"; id: string; error: string };

export interface ModelClientOptions {
  /** folder for the response cache; false = --no-cache; undefined = the user cache folder */
  cacheDir?: string | false;
  /** per attempt, including reading the whole answer: a stalled answer counts as a timeout (default 10 min) */
  timeoutMs?: number;
  /** retries after the first attempt (default 4) */
  maxRetries?: number;
  backoff?: BackoffOptions;
  onEvent?: (e: ClientEvent) => void;
}

export type Validate<T> = (v: unknown) => { ok: true; value: T } | { ok: false; error: string };

export interface JsonResult<T> {
  value: T;
  /** the answer the value came from (the repair's when repaired) */
  answer: ModelAnswer;
  repaired: boolean;
  /** every answer this took, in order (1, or 2 when repaired): for usage.json */
  answers: ModelAnswer[];
}

export interface ModelClient {
  readonly provider: ProviderConfig;
  /** the exact body that would be sent (for --dry-run and usage accounting); no key in it */
  requestBody(req: ModelRequest): ChatBody;
  call(req: ModelRequest, o?: { signal?: AbortSignal }): Promise<ModelAnswer>;
  callJson<T>(req: ModelRequest, validate: Validate<T>, o?: { signal?: AbortSignal }): Promise<JsonResult<T>>;
}

const DEFAULT_TIMEOUT_MS = 600_000;
const DEFAULT_MAX_RETRIES = 4;

interface Sent {
  answer: ModelAnswer;
  key: string;
}

/** A model client for one provider: adapters, retries, timeouts, cache, JSON repair. */
export function createModelClient(cfg: ProviderConfig, opts: ModelClientOptions = {}): ModelClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const cache = opts.cacheDir === false ? null : new ResponseCache(opts.cacheDir ?? defaultCacheDir());
  const emit = (e: ClientEvent) => opts.onEvent?.(e);
  const label = cfg.name;

  const requestBody = (req: ModelRequest) => toRequestBody(cfg.name, req);

  /** One HTTP attempt through the openai client. Its own retries are off: the policy here is ours. */
  async function attemptOnce(body: ChatBody, signal: AbortSignal): Promise<{ completion: OpenAI.Chat.ChatCompletion; errorBody: string | null }> {
    let errorBody: string | null = null;
    // The openai client drops error bodies that are not `{ error: {...} }` (Mistral's are flat), so keep the raw text.
    const capturingFetch: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!res.ok) errorBody = await res.clone().text().catch(() => null);
      return res;
    };
    const client = new OpenAI({
      apiKey: cfg.apiKey() ?? "no-key", // local servers take any key; the client insists on one
      baseURL: cfg.baseUrl,
      organization: null,
      project: null,
      maxRetries: 0,
      timeout: timeoutMs,
      fetch: capturingFetch,
      logLevel: "off",
      defaultHeaders: cfg.name === "openrouter" ? { "X-Title": "longdoc" } : undefined,
    });
    try {
      const completion = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, {
        signal,
        maxRetries: 0,
        timeout: timeoutMs,
      });
      return { completion, errorBody };
    } catch (err) {
      (err as { longdocErrorBody?: string | null }).longdocErrorBody = errorBody;
      throw err;
    }
  }

  function serverMessage(err: APIError): string {
    const raw = (err as { longdocErrorBody?: string | null }).longdocErrorBody;
    if (raw) {
      try {
        const j = JSON.parse(raw) as Record<string, unknown>;
        const e = j.error as Record<string, unknown> | string | undefined;
        const m = (typeof e === "string" ? e : (e?.message as string | undefined)) ?? (j.message as string | undefined) ?? (j.detail as string | undefined);
        if (typeof m === "string" && m) return m;
        if (m !== undefined) return JSON.stringify(m);
      } catch {
        return raw.slice(0, 300);
      }
      return raw.slice(0, 300);
    }
    return err.message.replace(/^\d{3}\s+/, "");
  }

  /** Turn a final HTTP failure into the error the caller can act on. */
  function classify(req: ModelRequest, status: number, message: string): Error {
    const msg = scrubMessage(message, cfg.apiKey());
    const where = `${label}: request ${req.id}`;
    if (status === 401 || status === 403) {
      const hint = cfg.keySource ? `; check ${cfg.keySource}` : "";
      return new ProviderRefusedError(`${where} refused (HTTP ${status}, authentication): ${msg}${hint}`);
    }
    if (status === 402 || (status === 429 && looksLikeQuota(msg))) {
      return new ProviderRefusedError(`${where} refused (HTTP ${status}, quota or credit exhausted): ${msg}`);
    }
    if (status === 400 || status === 413 || status === 422) {
      if (looksLikeTooManyImages(msg)) {
        return new TooManyImagesError(`${where}: too many images for this endpoint (HTTP ${status}): ${msg}`, parseImageLimit(msg));
      }
      if (looksLikeContextOverflow(msg)) {
        const n = parseContextNumbers(msg);
        return new ContextOverflowError(`${where}: request too large for the model's context (HTTP ${status}): ${msg}`, n.limit, n.requested);
      }
    }
    return new ProviderError(`${where} failed (HTTP ${status}): ${msg}`, status);
  }

  async function send(req: ModelRequest, signal: AbortSignal | undefined, useCache: boolean): Promise<Sent> {
    if (cfg.name === "offline") {
      throw new ProviderError(`offline: no model provider configured, request ${req.id} not sent`);
    }
    const body = requestBody(req);
    const key = cacheKey(cfg.name, cfg.baseUrl, body);
    if (cache && useCache) {
      const t0 = performance.now();
      const hit = await cache.get(key);
      if (hit) {
        emit({ type: "cache-hit", id: req.id });
        // latency is this call's (a file read); usage stays the original call's so token totals add up
        return { answer: { ...hit, latencyMs: Math.round(performance.now() - t0), cached: true, attempts: 0 }, key };
      }
    }
    let lastReason = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; attempt <= maxRetries + 1; attempt++) {
      signal?.throwIfAborted();
      const timeout = AbortSignal.timeout(timeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      emit({ type: "request", id: req.id, attempt });
      const started = performance.now();
      let retryAfter: number | null = null;
      try {
        const { completion } = await attemptOnce(body, combined);
        const latencyMs = Math.round(performance.now() - started);
        const answer = toAnswer(completion, latencyMs, attempt);
        emit({ type: "answer", id: req.id, attempts: attempt, latencyMs, usage: answer.usage, finishReason: answer.finishReason });
        if (answer.finishReason === "length") {
          throw new OutputTruncatedError(
            `${label}: request ${req.id} answer cut off at max_tokens ${req.maxOutputTokens} (finish_reason "length")`,
            answer.text,
            req.maxOutputTokens,
          );
        }
        return { answer, key };
      } catch (err) {
        if (err instanceof OutputTruncatedError) throw err;
        if (signal?.aborted) throw signal.reason ?? err;
        if (err instanceof APIConnectionTimeoutError || (err instanceof APIUserAbortError && timeout.aborted) || isAbortFromTimeout(err, timeout)) {
          lastReason = `no complete answer within ${timeoutMs} ms`;
          lastStatus = undefined;
        } else if (err instanceof APIError && typeof err.status === "number") {
          const message = serverMessage(err);
          if (!RETRYABLE_STATUSES.has(err.status) || (err.status === 429 && looksLikeQuota(message))) {
            throw classify(req, err.status, message);
          }
          lastReason = `HTTP ${err.status}: ${scrubMessage(message, cfg.apiKey()).slice(0, 160)}`;
          lastStatus = err.status;
          retryAfter = parseRetryAfter(err.headers);
        } else if (err instanceof APIConnectionError) {
          const cause = (err as { cause?: { message?: string } }).cause?.message;
          lastReason = `cannot reach ${shownEndpoint(cfg.baseUrl)}${cause ? ` (${scrubMessage(cause, cfg.apiKey())})` : ""}`;
          lastStatus = undefined;
        } else if (err instanceof SyntaxError) {
          // a 200 whose body is not JSON: a broken proxy, worth another try
          lastReason = "unreadable response body";
          lastStatus = undefined;
        } else {
          throw err;
        }
        if (attempt > maxRetries) break;
        const delayMs = Math.round(retryDelayMs(attempt, retryAfter, opts.backoff));
        emit({ type: "retry", id: req.id, attempt, delayMs, reason: lastReason });
        await sleep(delayMs, signal);
      }
    }
    throw new ProviderError(`${label}: request ${req.id} failed after ${maxRetries + 1} attempts: ${lastReason}`, lastStatus);
  }

  async function call(req: ModelRequest, o: { signal?: AbortSignal } = {}): Promise<ModelAnswer> {
    const { answer, key } = await send(req, o.signal, true);
    if (cache && !answer.cached && answer.finishReason === "stop") await cache.set(key, answer);
    return answer;
  }

  async function callJson<T>(req: ModelRequest, validate: Validate<T>, o: { signal?: AbortSignal } = {}): Promise<JsonResult<T>> {
    const first = await send(req, o.signal, true);
    const firstCheck = checkJson(first.answer.text, validate);
    if (firstCheck.ok) {
      if (cache && !first.answer.cached) await cache.set(first.key, first.answer);
      return { value: firstCheck.value, answer: first.answer, repaired: false, answers: [first.answer] };
    }
    emit({ type: "repair", id: req.id, error: firstCheck.error });
    const repairReq = repairRequest(req, first.answer.text, firstCheck.error);
    const second = await send(repairReq, o.signal, true);
    const secondCheck = checkJson(second.answer.text, validate);
    if (!secondCheck.ok) {
      throw new InvalidAnswerError(
        `${label}: request ${req.id} answered JSON that does not fit the schema, also after one repair: ${secondCheck.error}`,
        second.answer.text,
      );
    }
    // only now are both answers known to lead somewhere; cache them so a rerun costs nothing
    if (cache) {
      if (!first.answer.cached) await cache.set(first.key, first.answer);
      if (!second.answer.cached) await cache.set(second.key, second.answer);
    }
    return { value: secondCheck.value, answer: second.answer, repaired: true, answers: [first.answer, second.answer] };
  }

  return { provider: cfg, requestBody, call, callJson };
}

function isAbortFromTimeout(err: unknown, timeout: AbortSignal): boolean {
  return timeout.aborted && err instanceof Error && (err.name === "AbortError" || err.name === "TimeoutError");
}

/** Content may be a string or (Mistral with reasoning) a list of chunks; only the text chunks are the answer. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((c) => (c && typeof c === "object" && (c as { type?: string }).type === "text" ? String((c as { text?: unknown }).text ?? "") : ""))
      .join("");
  }
  return "";
}

function toAnswer(completion: OpenAI.Chat.ChatCompletion, latencyMs: number, attempts: number): ModelAnswer {
  const choice = completion.choices?.[0];
  const usage = completion.usage
    ? { promptTokens: completion.usage.prompt_tokens ?? 0, completionTokens: completion.usage.completion_tokens ?? 0 }
    : null;
  return {
    text: contentText(choice?.message?.content),
    finishReason: choice?.finish_reason ?? "stop",
    usage,
    latencyMs,
    cached: false,
    attempts,
  };
}

/** Parse the answer as JSON (tolerating a code fence around it) and run the caller's validation. */
export function checkJson<T>(text: string, validate: Validate<T>): { ok: true; value: T } | { ok: false; error: string } {
  let t = text.trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(t);
  if (fence) t = fence[1];
  if (!t) return { ok: false, error: "the answer is empty" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(t);
  } catch (e) {
    const m = (e as Error).message;
    return {
      ok: false,
      error: /end of (JSON )?input|unterminated|Unexpected end/i.test(m) ? `the JSON is incomplete (cut off): ${m}` : `the answer is not valid JSON: ${m}`,
    };
  }
  const v = validate(parsed);
  return v.ok ? v : { ok: false, error: `the JSON does not fit the schema: ${v.error.slice(0, 1500)}` };
}

/** The follow-up that shows the model its broken answer and the error, asking for corrected JSON only. */
export function repairRequest(req: ModelRequest, brokenText: string, error: string): ModelRequest {
  return {
    ...req,
    id: `${req.id}-repair`,
    followUp: [
      ...(req.followUp ?? []),
      { role: "assistant", text: brokenText },
      {
        role: "user",
        text:
          `Your answer above cannot be used: ${error}. ` +
          `Reply with the corrected JSON only: one JSON object that fills the schema "${req.schema.name}", ` +
          `with the same content, no prose and no code fences.`,
      },
    ],
  };
}

/** The endpoint as an error message shows it: host and path, never userinfo or a query (they can hold secrets). */
function shownEndpoint(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "the server";
  }
}
