import { requestCacheKey, toRequestBody, type ChatBody } from "./adapters/index.js";
import type { ErrorInfo } from "./adapters/read.js";
import { defaultCacheDir, ResponseCache } from "./cache.js";
import { classifyErrorStatus } from "./classify.js";
import {
  ContentRefusedError,
  ContextOverflowError,
  InvalidAnswerError,
  OutputTruncatedError,
  ProviderError,
  scrubMessage,
  TooManyImagesError,
} from "./errors.js";
import type { ProviderConfig } from "./providers.js";
import {
  rateLimitDelayMs,
  rateLimitWaitMs,
  retryDelayMs,
  shouldRetryStatus,
  sleep,
  type BackoffOptions,
  type RateLimitOptions,
} from "./retry.js";
import { FIRST_BYTE_FACTOR, streamAttempt } from "./transport.js";
import type { AttemptRecord, ModelAnswer, ModelRequest } from "./types.js";

export type ClientEvent =
  | { type: "request"; id: string; attempt: number }
  | { type: "retry"; id: string; attempt: number; delayMs: number; reason: string }
  | { type: "cache-hit"; id: string }
  | { type: "answer"; id: string; attempts: number; latencyMs: number; usage: ModelAnswer["usage"]; finishReason: string }
  | { type: "repair"; id: string; error: string }
  /** a streamed answer is arriving: `tokens` = content chunks so far (about one token each) */
  | { type: "progress"; id: string; tokens: number; thinking: boolean }
  /** every HTTP attempt, billed or not (usage.json records the billed ones) */
  | { type: "attempt"; record: AttemptRecord };

export interface ModelClientOptions {
  /** folder for the response cache; false = --no-cache; undefined = the user cache folder */
  cacheDir?: string | false;
  /** --idle-timeout: a stream that sends no byte for this long is cut (default 120 s) */
  idleTimeoutMs?: number;
  /** overall cap per attempt, however actively it streams (default 60 min) */
  timeoutMs?: number;
  /** retries of errors nothing was billed for: 429, 5xx, connection failures (default 4) */
  maxRetries?: number;
  backoff?: BackoffOptions;
  rateLimit?: RateLimitOptions;
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

/**
 * Paid calls allowed for one planned request, shared by every layer that may send it again
 * (timeouts, errors inside a 200, empty answers, the JSON repair, larger output reserves), so
 * retry layers can never multiply.
 */
export interface PaidBudget {
  paid: number;
  max: number;
}

export const PAID_CALLS_PER_REQUEST = 3;

export interface CallOptions {
  signal?: AbortSignal;
  /** every HTTP attempt of this call, as it ends */
  onAttempt?: (record: AttemptRecord) => void;
  budget?: PaidBudget;
}

export interface ModelClient {
  readonly provider: ProviderConfig;
  /** the exact body that is sent (for --dry-run); no key in it */
  requestBody(req: ModelRequest): ChatBody;
  call(req: ModelRequest, o?: CallOptions): Promise<ModelAnswer>;
  callJson<T>(req: ModelRequest, validate: Validate<T>, o?: CallOptions): Promise<JsonResult<T>>;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 120_000;
const DEFAULT_CAP_MS = 3_600_000;
const DEFAULT_MAX_RETRIES = 4;
/** a timed-out (or dropped) stream is sent again at most once */
const MAX_TIMEOUT_RETRIES = 1;
/** an error inside a 200 is sent again at most twice (still within the paid budget) */
const MAX_IN_BAND_RETRIES = 2;
const MAX_EMPTY_RETRIES = 1;

/** An answer and the cache key of the request it answers. */
export interface Sent {
  answer: ModelAnswer;
  key: string;
}

/** A model client for one provider: transport (streaming, idle timeout), retries, cache, JSON repair. */
export function createModelClient(cfg: ProviderConfig, opts: ModelClientOptions = {}): ModelClient {
  const idleMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const capMs = opts.timeoutMs ?? DEFAULT_CAP_MS;
  const maxRetries = opts.maxRetries ?? DEFAULT_MAX_RETRIES;
  const cache = opts.cacheDir === false ? null : new ResponseCache(opts.cacheDir ?? defaultCacheDir());
  const emit = (e: ClientEvent) => opts.onEvent?.(e);
  const label = cfg.name;

  const requestBody = (req: ModelRequest) => toRequestBody(cfg.name, req);

  const where = (req: ModelRequest) => `${label}: request ${req.id}`;
  const scrub = (m: string) => scrubMessage(m, cfg.apiKey());

  /** An HTTP error status (or an error code inside a 200) as the error the caller can act on; null = retry. */
  const classifyStatus = (req: ModelRequest, status: number, info: ErrorInfo, inBand: boolean) =>
    classifyErrorStatus(
      { provider: cfg.name, keySource: cfg.keySource, where: where(req), model: req.model, reasoning: req.reasoning, scrub },
      status,
      info,
      inBand,
    );

  async function send(req: ModelRequest, o: CallOptions, useCache: boolean): Promise<Sent> {
    if (cfg.name === "offline") {
      throw new ProviderError(`offline: no model provider configured, request ${req.id} not sent`);
    }
    const signal = o.signal;
    const budget = o.budget ?? { paid: 0, max: PAID_CALLS_PER_REQUEST };
    const body = requestBody(req);
    const key = requestCacheKey(cfg.name, cfg.baseUrl, req);
    if (cache && useCache) {
      const t0 = performance.now();
      const hit = await cache.get(key);
      if (hit) {
        emit({ type: "cache-hit", id: req.id });
        // latency is this call's (a file read); usage stays the original call's so token totals add up
        return { answer: { ...hit, latencyMs: Math.round(performance.now() - t0), cached: true, attempts: 0 }, key };
      }
    }
    let unbilledRetries = 0;
    let timeoutRetries = 0;
    let inBandRetries = 0;
    let emptyRetries = 0;
    let rateLimits = 0;
    let lastReason = "";
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      if (budget.paid >= budget.max) {
        throw new ProviderError(
          `${where(req)} stopped after ${budget.paid} paid calls (the most one planned request may cost): ${lastReason}`,
          lastStatus,
        );
      }
      emit({ type: "request", id: req.id, attempt });
      const started = performance.now();
      const r = await streamAttempt(cfg, req, body, signal, { idleMs, capMs, onProgress: emit });
      const latencyMs = Math.round(performance.now() - started);
      const record = (
        outcome: AttemptRecord["outcome"],
        billed: AttemptRecord["billed"],
        status: number | null,
        usage = r.kind === "http" ? null : r.acc.usage,
      ) => {
        const rec: AttemptRecord = {
          requestId: req.id,
          attempt,
          outcome,
          status,
          billed: usage ? true : billed,
          promptTokens: usage?.promptTokens ?? null,
          completionTokens: usage?.completionTokens ?? null,
          latencyMs,
        };
        if (usage?.costUSD !== undefined) rec.providerCostUSD = usage.costUSD;
        if (rec.billed !== false) budget.paid++;
        o.onAttempt?.(rec);
        emit({ type: "attempt", record: rec });
      };
      let delayMs: number;

      if (r.kind === "http") {
        const final = classifyStatus(req, r.status, r.info, false);
        const outcome =
          final instanceof ContextOverflowError
            ? "context-overflow"
            : final instanceof TooManyImagesError
              ? "image-limit"
              : r.status === 429
                ? "rate-limited"
                : "http-error";
        record(outcome, false, r.status);
        if (final) throw final;
        lastStatus = r.status;
        lastReason = `HTTP ${r.status}: ${scrub(r.info.message).slice(0, 160)}`;
        if (!shouldRetryStatus(r.status, r.headers))
          throw new ProviderError(`${where(req)} failed (HTTP ${r.status}): ${scrub(r.info.message)}`, r.status);
        if (unbilledRetries++ >= maxRetries)
          throw new ProviderError(`${where(req)} failed after ${attempt} attempts: ${lastReason}`, lastStatus);
        delayMs =
          r.status === 429
            ? rateLimitDelayMs(++rateLimits, rateLimitWaitMs(r.headers), opts.rateLimit)
            : retryDelayMs(unbilledRetries, rateLimitWaitMs(r.headers), opts.backoff);
      } else if (r.kind === "timeout" || r.kind === "dropped") {
        // cut off mid-way: the provider may bill what it did; before any response nothing was done
        const billed = r.responded ? "unknown" : false;
        const timeout = r.kind === "timeout";
        record(timeout ? "timeout" : "connection", billed, r.responded ? 200 : null);
        lastStatus = undefined;
        lastReason = timeout
          ? r.why === "idle"
            ? `no data for ${fmtSeconds(idleMs)} (idle timeout)`
            : r.why === "first-byte"
              ? `no response within ${fmtSeconds(idleMs * FIRST_BYTE_FACTOR)} (3x the idle timeout)`
              : `the answer took longer than the ${fmtSeconds(capMs)} cap`
          : r.message;
        if (timeout || r.responded) {
          if (timeoutRetries++ >= MAX_TIMEOUT_RETRIES) {
            throw new ProviderError(`${where(req)} failed: ${lastReason}, also when sent again`);
          }
        } else if (unbilledRetries++ >= maxRetries)
          throw new ProviderError(`${where(req)} failed after ${attempt} attempts: ${lastReason}`);
        delayMs = timeout ? 0 : retryDelayMs(Math.max(1, unbilledRetries), null, opts.backoff);
      } else {
        const acc = r.acc;
        const finish = acc.finishReason ?? "stop";
        if (acc.error || finish === "error") {
          // an error inside a 200: map its code like an HTTP status
          const info = acc.error ?? { message: 'the provider reported an error while answering (finish_reason "error")' };
          const code = typeof info.code === "number" ? info.code : Number.isInteger(Number(info.code)) ? Number(info.code) : 502;
          const final = classifyStatus(req, code, info, true);
          record(final instanceof ContextOverflowError ? "context-overflow" : "provider-error", "unknown", 200);
          if (final) throw final;
          lastStatus = code;
          lastReason = `provider error inside an HTTP 200 (code ${code}): ${scrub(info.message).slice(0, 160)}`;
          if ((code >= 400 && code < 500 && code !== 408 && code !== 429) || inBandRetries++ >= MAX_IN_BAND_RETRIES) {
            throw new ProviderError(`${where(req)} failed: ${lastReason}`, code);
          }
          delayMs = code === 429 ? rateLimitDelayMs(++rateLimits, null, opts.rateLimit) : retryDelayMs(inBandRetries, null, opts.backoff);
        } else {
          const answer: ModelAnswer = {
            text: acc.text,
            finishReason: finish,
            usage: acc.usage,
            latencyMs,
            cached: false,
            attempts: attempt,
          };
          emit({ type: "answer", id: req.id, attempts: attempt, latencyMs, usage: answer.usage, finishReason: finish });
          if (finish === "model_length") {
            // Mistral: prompt and answer together reached the model's window
            record("context-overflow", true, 200);
            throw new ContextOverflowError(
              `${where(req)}: prompt and answer reached the model's context length (finish_reason "model_length")`,
              undefined,
              undefined,
              true,
            );
          }
          if (finish === "length") {
            record("truncated", true, 200);
            const thinkingOnly = acc.text.trim() === "";
            throw new OutputTruncatedError(
              thinkingOnly
                ? `${where(req)}: reasoning used all ${req.maxOutputTokens} output tokens before any answer (finish_reason "length")`
                : `${where(req)} answer cut off at max_tokens ${req.maxOutputTokens} (finish_reason "length")`,
              acc.text,
              req.maxOutputTokens,
            );
          }
          if (finish === "content_filter" || acc.refusal.trim()) {
            record("refused", true, 200);
            const words = scrub(acc.refusal.trim() || acc.text.trim()).slice(0, 300);
            throw new ContentRefusedError(
              `${where(req)}: the model declined to answer (${finish === "content_filter" ? "content filter" : "refusal"})${words ? `: "${words}"` : ""}`,
              words,
            );
          }
          if (acc.text.trim() === "") {
            record("empty", true, 200);
            lastReason = "the answer was empty";
            lastStatus = undefined;
            // the same request again; a repair would need an empty assistant turn, which Mistral rejects
            if (emptyRetries++ >= MAX_EMPTY_RETRIES)
              throw new ProviderError(`${where(req)} failed: the model answered nothing, also when asked again`);
            delayMs = 0;
          } else {
            record("ok", true, 200);
            return { answer, key };
          }
        }
      }
      emit({ type: "retry", id: req.id, attempt, delayMs: Math.round(delayMs), reason: lastReason });
      if (delayMs > 0) await sleep(Math.round(delayMs), signal);
    }
  }

  async function call(req: ModelRequest, o: CallOptions = {}): Promise<ModelAnswer> {
    const { answer, key } = await send(req, o, true);
    if (cache && !answer.cached && answer.finishReason === "stop") await cache.set(key, answer);
    return answer;
  }

  function callJson<T>(req: ModelRequest, validate: Validate<T>, o: CallOptions = {}): Promise<JsonResult<T>> {
    return answerJson(req, validate, {
      ask: (r) => send(r, o, true),
      cache,
      label,
      onRepair: (error) => emit({ type: "repair", id: req.id, error }),
    });
  }

  return { provider: cfg, requestBody, call, callJson };
}

function fmtSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

/**
 * A JSON answer checked against the caller's schema, with one repair when it does not fit; both
 * the live client and a --batch-api document send through here, each with its own `ask`. Answers
 * are cached only once they are known to lead somewhere, so a rerun costs nothing.
 */
export async function answerJson<T>(
  req: ModelRequest,
  validate: Validate<T>,
  o: { ask: (req: ModelRequest) => Promise<Sent>; cache: ResponseCache | null; label: string; onRepair?: (error: string) => void },
): Promise<JsonResult<T>> {
  const first = await o.ask(req);
  const firstCheck = checkJson(first.answer.text, validate);
  if (firstCheck.ok) {
    if (o.cache && !first.answer.cached) await o.cache.set(first.key, first.answer);
    return { value: firstCheck.value, answer: first.answer, repaired: false, answers: [first.answer] };
  }
  o.onRepair?.(firstCheck.error);
  const second = await o.ask(repairRequest(req, first.answer.text, firstCheck.error));
  const secondCheck = checkJson(second.answer.text, validate);
  if (!secondCheck.ok) {
    throw new InvalidAnswerError(
      `${o.label}: request ${req.id} answered JSON that does not fit the schema, also after one repair: ${secondCheck.error}`,
      second.answer.text,
    );
  }
  if (o.cache) {
    if (!first.answer.cached) await o.cache.set(first.key, first.answer);
    if (!second.answer.cached) await o.cache.set(second.key, second.answer);
  }
  return { value: secondCheck.value, answer: second.answer, repaired: true, answers: [first.answer, second.answer] };
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
      error: /end of (JSON )?input|unterminated|Unexpected end/i.test(m)
        ? `the JSON is incomplete (cut off): ${m}`
        : `the answer is not valid JSON: ${m}`,
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
