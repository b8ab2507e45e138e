import { describe, expect, it } from "vitest";
import { looksLikeContextOverflow, parseContextNumbers, parseImageLimit, scrubMessage } from "../../src/llm/errors.js";
import { parseRetryAfter, rateLimitDelayMs, rateLimitWaitMs, retryDelayMs, shouldRetryStatus } from "../../src/llm/retry.js";

describe("Retry-After and backoff", () => {
  it("reads seconds, milliseconds and HTTP dates", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "7" }))).toBe(7000);
    expect(parseRetryAfter(new Headers({ "retry-after": "1.5" }))).toBe(1500);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250", "retry-after": "9" }))).toBe(250);
    const now = Date.parse("2026-03-01T10:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "Sun, 01 Mar 2026 10:00:30 GMT" }), now)).toBe(30_000);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }))).toBeNull();
    expect(parseRetryAfter(new Headers())).toBeNull();
  });

  it("full jitter stays under the exponential ceiling; Retry-After is a floor, capped", () => {
    const o = { baseMs: 100, maxMs: 1000, retryAfterCapMs: 5000 };
    expect(retryDelayMs(1, null, o, () => 0.999)).toBeLessThan(100);
    expect(retryDelayMs(3, null, o, () => 0.999)).toBeLessThan(400);
    expect(retryDelayMs(3, null, o, () => 0.999)).toBeGreaterThan(390);
    expect(retryDelayMs(10, null, o, () => 0.999)).toBeLessThanOrEqual(1000);
    expect(retryDelayMs(1, null, o, () => 0)).toBe(0);
    expect(retryDelayMs(1, 2000, o, () => 0.5)).toBe(2000);
    expect(retryDelayMs(1, 3_600_000, o, () => 0.5)).toBe(5000);
  });
});

describe("reading provider error messages", () => {
  it("recognises context errors in several wordings and keeps their numbers", () => {
    const vllm =
      "This model's maximum context length is 262144 tokens. However, you requested 270000 tokens (262000 in the messages, 8000 in the completion).";
    const mistral = "Prompt contains 300123 tokens and 0 draft tokens, too large for model with 262144 maximum context length";
    const openrouter = "This endpoint's maximum context length is 262,144 tokens. However, you requested about 280,000 tokens";
    for (const m of [vllm, mistral, openrouter]) expect(looksLikeContextOverflow(m)).toBe(true);
    expect(parseContextNumbers(vllm)).toEqual({ limit: 262144, requested: 270000 });
    expect(parseContextNumbers(mistral)).toEqual({ limit: 262144, requested: 300123 });
    expect(parseContextNumbers(openrouter)).toEqual({ limit: 262144, requested: 280000 });
    expect(looksLikeContextOverflow("Invalid model: foo")).toBe(false);
  });

  it("finds the image limit", () => {
    expect(parseImageLimit("At most 8 image(s) may be provided in one request.")).toBe(8);
    expect(parseImageLimit("Too many images in request. Max is 4, got 9.")).toBe(4);
    expect(parseImageLimit("The number of images exceeds the maximum of 16")).toBe(16);
    expect(parseImageLimit("too many images")).toBeUndefined();
  });

  it("scrubs keys and bearer tokens and keeps one line", () => {
    expect(scrubMessage("bad key sk-abc\nBearer sk-abc", "sk-abc")).toBe("bad key [key] Bearer [key]");
    expect(scrubMessage("Incorrect API key provided: sk-proj-ab****wxyz. See docs")).not.toMatch(/ab\*|wxyz/);
    expect(scrubMessage("token sk-or-v1-0123456789abcdef rejected")).toBe("token [key] rejected");
  });
});

describe("rate limits", () => {
  it("reads x-ratelimit-reset durations and OpenRouter's epoch reset when there is no Retry-After", () => {
    expect(rateLimitWaitMs(new Headers({ "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s" }))).toBe(360_000);
    expect(rateLimitWaitMs(new Headers({ "x-ratelimit-reset-tokens": "250ms" }))).toBe(250);
    const now = 1_800_000_000_000;
    expect(rateLimitWaitMs(new Headers({ "x-ratelimit-reset": String(now + 4_000) }), now)).toBe(4_000);
    expect(rateLimitWaitMs(new Headers({ "retry-after": "2", "x-ratelimit-reset-tokens": "9s" }))).toBe(2_000);
    expect(rateLimitWaitMs(new Headers({}))).toBeNull();
  });

  it("without a hint waits 10-20 s, doubling, never past a minute", () => {
    expect(rateLimitDelayMs(1, null, {}, () => 0)).toBe(10_000);
    expect(rateLimitDelayMs(1, null, {}, () => 0.999)).toBeCloseTo(19_990, 0);
    expect(rateLimitDelayMs(2, null, {}, () => 0)).toBe(20_000);
    expect(rateLimitDelayMs(4, null, {}, () => 0.5)).toBe(60_000);
    expect(rateLimitDelayMs(1, 1_000)).toBe(1_000);
    expect(rateLimitDelayMs(1, 3_600_000)).toBe(60_000);
  });

  it("retries Cloudflare's 520-524; x-should-retry overrides the list", () => {
    for (const s of [429, 500, 502, 503, 504, 520, 522, 524]) expect(shouldRetryStatus(s)).toBe(true);
    expect(shouldRetryStatus(400)).toBe(false);
    expect(shouldRetryStatus(400, new Headers({ "x-should-retry": "true" }))).toBe(true);
    expect(shouldRetryStatus(503, new Headers({ "x-should-retry": "false" }))).toBe(false);
  });

  it("llama.cpp's and Mistral's overflow wordings are context overflows", () => {
    expect(looksLikeContextOverflow("the request exceeds the available context size, try increasing it")).toBe(true);
    expect(
      looksLikeContextOverflow("Prompt contains 270000 tokens and 0 draft tokens, too large for model with 262144 maximum context length"),
    ).toBe(true);
  });
});
