/** When and how long to wait before trying a model request again. */

export interface BackoffOptions {
  /** first backoff ceiling; doubles each attempt (default 1000 ms) */
  baseMs?: number;
  /** largest backoff ceiling (default 30 s) */
  maxMs?: number;
  /** largest Retry-After we honour (default 60 s): a server asking for hours gets the cap */
  retryAfterCapMs?: number;
}

/** Statuses worth another try: rate limits, server trouble, gateway timeouts. */
export const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504, 529]);

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
