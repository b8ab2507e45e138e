import { describe, expect, it } from "vitest";
import { looksLikeContextOverflow, parseContextNumbers, parseImageLimit, scrubMessage } from "../../src/llm/errors.js";
import { parseRetryAfter, retryDelayMs } from "../../src/llm/retry.js";

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
    const vllm = "This model's maximum context length is 262144 tokens. However, you requested 270000 tokens (262000 in the messages, 8000 in the completion).";
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
