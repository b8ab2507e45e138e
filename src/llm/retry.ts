/** When and how long to wait before trying a model request again. */

export interface BackoffOptions {
  /** first backoff ceiling; doubles each attempt (default 1000 ms) */
  baseMs?: number;
  /** largest backoff ceiling (default 30 s) */
  maxMs?: number;
  /** largest Retry-After we honour (default 60 s): a server asking for hours gets the cap */
  retryAfterCapMs?: number;
}

/** Statuses worth another try: rate limits, server trouble, gateway timeouts (Cloudflare's 520-524 too). */
export const RETRYABLE_STATUSES = new Set([408, 409, 425, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 529]);

/** Whether a failed status is worth another try; the server's `x-should-retry` header overrides the list. */
export function shouldRetryStatus(status: number, headers?: Headers): boolean {
  const hint = headers?.get("x-should-retry")?.trim().toLowerCase();
  if (hint === "true") return true;
  if (hint === "false") return false;
  return RETRYABLE_STATUSES.has(status);
}

/** "1s", "6m0s", "250ms", "1h2m3.5s" (OpenAI-style x-ratelimit-reset-*) in ms; null when unreadable. */
function parseDuration(v: string): number | null {
  const t = v.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0;
  let matched = "";
  for (const m of t.matchAll(re)) {
    matched += m[0];
    const n = Number(m[1]);
    total += m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : m[2] === "m" ? n * 60_000 : n * 3_600_000;
  }
  return matched === t && matched ? total : null;
}

/**
 * How long a rate limit asks us to wait: Retry-After (or retry-after-ms), else the reset headers
 * (`x-ratelimit-reset-requests` / `-tokens` as durations, OpenRouter's `X-RateLimit-Reset` as epoch
 * ms); null when the server said nothing usable.
 */
export function rateLimitWaitMs(headers: Headers | undefined, now = Date.now()): number | null {
  const ra = parseRetryAfter(headers, now);
  if (ra !== null) return ra;
  if (!headers) return null;
  const waits: number[] = [];
  for (const h of ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]) {
    const v = headers.get(h);
    const d = v ? parseDuration(v) : null;
    if (d !== null) waits.push(d);
  }
  const reset = headers.get("x-ratelimit-reset");
  if (reset && /^\d+$/.test(reset.trim())) {
    const n = Number(reset.trim());
    // epoch milliseconds (OpenRouter) or seconds
    const at = n > 1e12 ? n : n * 1000;
    if (at > now) waits.push(at - now);
  }
  return waits.length ? Math.max(...waits) : null;
}

export interface RateLimitOptions {
  /** least wait when the server gives no hint (default 10 s; jittered up to twice that) */
  floorMs?: number;
  /** most we wait for one rate limit (default 60 s) */
  capMs?: number;
}

/**
 * Wait before retrying a 429. Per-minute token limits do not clear in a second or two, so without a
 * hint from the server we wait 10-20 s, doubling per retry up to a minute.
 */
export function rateLimitDelayMs(retry: number, hintMs: number | null, opts: RateLimitOptions = {}, random = Math.random): number {
  const floor = opts.floorMs ?? 10_000;
  const cap = opts.capMs ?? 60_000;
  if (hintMs !== null) return Math.min(cap, hintMs);
  return Math.min(cap, floor * 2 ** (retry - 1) * (1 + random()));
}

/**
 * Retry-After in milliseconds, from seconds ("7", "1.5") or an HTTP date; null when absent or
 * unreadable. Also reads the `retry-after-ms` header some OpenAI-style servers send.
 */
export function parseRetryAfter(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = headers.get("retry-after-ms");
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.max(0, Number(ms));
  const value = headers.get("retry-after")?.trim();
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `attempt` (1 = the first retry): exponential backoff with full jitter,
 * but never less than what the server asked for in Retry-After (capped).
 */
export function retryDelayMs(attempt: number, retryAfterMs: number | null, opts: BackoffOptions = {}, random = Math.random): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 30_000;
  const cap = opts.retryAfterCapMs ?? 60_000;
  const ceiling = Math.min(max, base * 2 ** (attempt - 1));
  const jittered = random() * ceiling;
  if (retryAfterMs !== null) return Math.min(cap, Math.max(retryAfterMs, jittered));
  return jittered;
}

/** Sleep that ends early (rejecting) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
