import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderRefusedError } from "../../src/errors.js";
import { createModelClient, type ClientEvent } from "../../src/llm/client.js";
import { ContextOverflowError, InvalidAnswerError, OutputTruncatedError, ProviderError, TooManyImagesError } from "../../src/llm/errors.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { fastRetry, providerFor, sampleRequest, validateFigures } from "./helpers.js";

describe("faults that heal are retried", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "mistral" });
  });
  afterAll(() => server.close());

  const client = (extra: Parameters<typeof createModelClient>[1] = {}) =>
    createModelClient(providerFor(server), { cacheDir: false, maxRetries: 3, backoff: fastRetry, timeoutMs: 30_000, ...extra });

  it("429 waits at least Retry-After, then succeeds", async () => {
    const events: ClientEvent[] = [];
    const before = server.requests.length;
    server.inject({ kind: "rate-limit", retryAfter: 1 });
    const t0 = performance.now();
    const r = await client({ onEvent: (e) => events.push(e) }).callJson(await sampleRequest(), validateFigures);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(server.requests.length - before).toBe(2);
    expect(server.requests.at(-2)!.status).toBe(429);
    expect(r.answer.attempts).toBe(2);
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", attempt: 1 });
    expect((retry as { delayMs: number }).delayMs).toBeGreaterThanOrEqual(1000);
  });

  it("a Retry-After HTTP date is honoured too", async () => {
    const before = server.requests.length;
    server.inject({ kind: "rate-limit", retryAfter: new Date(Date.now() + 1500).toUTCString() });
    const t0 = performance.now();
    await client().call(await sampleRequest());
    // HTTP dates have 1 s resolution: at least ~0.5 s must have been waited
    expect(performance.now() - t0).toBeGreaterThanOrEqual(450);
    expect(server.requests.length - before).toBe(2);
  });

  it("500, 502, 503 then success", async () => {
    const before = server.requests.length;
    server.inject([{ kind: "server-error" }, { kind: "server-error", status: 502 }, { kind: "server-error", status: 503 }]);
    const r = await client().callJson(await sampleRequest(), validateFigures);
    expect(server.requests.slice(before).map((q) => q.status)).toEqual([500, 502, 503, 200]);
    expect(r.answer.attempts).toBe(4);
  });

  it("a dropped connection is retried", async () => {
    const before = server.requests.length;
    server.inject({ kind: "reset" });
    const r = await client().call(await sampleRequest());
    expect(server.requests.length - before).toBe(2);
    expect(r.attempts).toBe(2);
  });

  it("a stall times out and the retry succeeds", async () => {
    const before = server.requests.length;
    server.inject({ kind: "stall" });
    const t0 = performance.now();
    const r = await client({ idleTimeoutMs: 1_000 }).call(await sampleRequest());
    expect(performance.now() - t0).toBeGreaterThanOrEqual(1_000);
    expect(server.requests.length - before).toBe(2);
    expect(r.attempts).toBe(2);
    expect(r.finishReason).toBe("stop");
  });

  it("a response that stalls after its headers counts as a timeout", async () => {
    const before = server.requests.length;
    server.inject({ kind: "stall", afterHeaders: true });
    const r = await client({ idleTimeoutMs: 1_000 }).call(await sampleRequest());
    expect(server.requests.length - before).toBe(2);
    expect(r.attempts).toBe(2);
  });

  it("a slow answer within the timeout is simply waited for", async () => {
    const before = server.requests.length;
    server.inject({ kind: "stall", ms: 200 });
    const r = await client({ idleTimeoutMs: 3_000 }).call(await sampleRequest());
    expect(server.requests.length - before).toBe(1);
    expect(r.latencyMs).toBeGreaterThanOrEqual(190);
  });

  it("invalid JSON is repaired with exactly one extra request that shows the broken output", async () => {
    const before = server.requests.length;
    server.inject({ kind: "invalid-json" });
    const events: ClientEvent[] = [];
    const r = await client({ onEvent: (e) => events.push(e) }).callJson(await sampleRequest(), validateFigures);
    expect(server.requests.length - before).toBe(2);
    expect(r.repaired).toBe(true);
    expect(r.answers).toHaveLength(2);
    expect(r.value.figures.map((f) => f.id)).toEqual(["p1-f1", "p2-f1"]);
    const repair = server.requests.at(-1)!.body;
    const broken = server.requests.at(-2)!;
    expect(repair.messages.at(-2).role).toBe("assistant");
    expect(repair.messages.at(-2).content).toContain("Here is the summary");
    expect(repair.messages.at(-1).role).toBe("user");
    expect(repair.messages.at(-1).content).toMatch(/not valid JSON.*corrected JSON only/);
    expect(broken.fault).toBe("invalid-json");
    expect(events.some((e) => e.type === "repair")).toBe(true);
  });

  it("a validation failure (valid JSON, wrong shape) is repaired too", async () => {
    let calls = 0;
    const picky = (v: unknown) => (++calls === 1 ? ({ ok: false, error: "figures[0].page must be 7" } as const) : validateFigures(v));
    const before = server.requests.length;
    const r = await client().callJson(await sampleRequest({ id: "shape" }), picky);
    expect(r.repaired).toBe(true);
    expect(server.requests.length - before).toBe(2);
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toContain("figures[0].page must be 7");
  });
});

describe("faults that do not heal end in the right error", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", maxImages: 1, window: 600 });
  });
  afterAll(() => server.close());
  const client = () => createModelClient(providerFor(server), { cacheDir: false, maxRetries: 2, backoff: fastRetry, timeoutMs: 30_000 });

  it("persistent 500 → ProviderError after maxRetries + 1 attempts", async () => {
    const before = server.requests.length;
    server.inject([{ kind: "server-error" }, { kind: "server-error" }, { kind: "server-error" }]);
    const err = await client()
      .call(await sampleRequest({ content: [{ type: "text", text: "hi" }], maxOutputTokens: 100 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/failed after 3 attempts: HTTP 500/);
    expect(err.message).not.toMatch(/\n/);
    expect(server.requests.length - before).toBe(3);
  });

  it("the real image limit → TooManyImagesError with the limit, no retry", async () => {
    const before = server.requests.length;
    const err = await client()
      .call(await sampleRequest({ maxOutputTokens: 50 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(TooManyImagesError);
    expect(err.maxImages).toBe(1);
    expect(server.requests.length - before).toBe(1);
  });

  it("the real window → ContextOverflowError carrying the server's numbers, no retry", async () => {
    const before = server.requests.length;
    const req = await sampleRequest({ content: [{ type: "text", text: "word ".repeat(700) }], maxOutputTokens: 100 });
    const err = await client()
      .call(req)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect(err.limitTokens).toBe(600);
    expect(err.requestedTokens).toBe(server.requests.at(-1)!.promptTokens! + 100);
    expect(server.requests.length - before).toBe(1);
  });

  it("max_tokens that does not fit beside the prompt is a context error too", async () => {
    const err = await client()
      .call(await sampleRequest({ content: [{ type: "text", text: "short" }], maxOutputTokens: 590 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(ContextOverflowError);
  });

  it("truncated output → OutputTruncatedError with the partial text, no retry", async () => {
    const before = server.requests.length;
    server.inject({ kind: "truncated" });
    const err = await client()
      .call(await sampleRequest({ content: [{ type: "text", text: "[page 1] p1-f1" }], maxOutputTokens: 300 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(OutputTruncatedError);
    expect(err.partialText.length).toBeGreaterThan(0);
    expect(() => JSON.parse(err.partialText)).toThrow();
    expect(err.maxOutputTokens).toBe(300);
    expect(server.requests.length - before).toBe(1);
  });

  it("an answer longer than max_tokens is cut by the server and reported as truncated", async () => {
    const err = await client()
      .call(await sampleRequest({ content: [{ type: "text", text: "[page 1] p1-f1" }], maxOutputTokens: 10 }))
      .catch((e) => e);
    expect(err).toBeInstanceOf(OutputTruncatedError);
  });

  it("invalid JSON twice → InvalidAnswerError after exactly 2 requests", async () => {
    const before = server.requests.length;
    server.inject([{ kind: "invalid-json" }, { kind: "invalid-json" }]);
    const err = await client()
      .callJson(await sampleRequest({ content: [{ type: "text", text: "[page 1] p1-f1" }], maxOutputTokens: 300 }), validateFigures)
      .catch((e) => e);
    expect(err).toBeInstanceOf(InvalidAnswerError);
    expect(err.message).toMatch(/after one repair/);
    expect(server.requests.length - before).toBe(2);
  });

  it("injected context overflow and image-limit 400s are classified from the wording", async () => {
    const req = await sampleRequest({ content: [{ type: "text", text: "[page 1]" }], maxOutputTokens: 100 });
    server.inject({ kind: "context-overflow" });
    const e1 = await client()
      .call(req)
      .catch((e) => e);
    expect(e1).toBeInstanceOf(ContextOverflowError);
    expect(e1.limitTokens).toBe(600);
    server.inject({ kind: "too-many-images", limit: 4 });
    const e2 = await client()
      .call(req)
      .catch((e) => e);
    expect(e2).toBeInstanceOf(TooManyImagesError);
    expect(e2.maxImages).toBe(4);
  });

  it("persistent stall → ProviderError naming the idle timeout, after one retry only", async () => {
    server.inject([{ kind: "stall" }, { kind: "stall" }]);
    const before = server.requests.length;
    const c = createModelClient(providerFor(server), { cacheDir: false, maxRetries: 4, backoff: fastRetry, idleTimeoutMs: 300 });
    const err = await c.call(await sampleRequest({ content: [{ type: "text", text: "x" }], maxOutputTokens: 50 })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/no response within 0\.9 s \(3x the idle timeout\), also when sent again/);
    expect(server.requests.length - before).toBe(2);
    expect(server.pendingFaults()).toBe(0);
  });

  it("a slow first byte gets 3x the idle timeout; once streaming, the idle timeout itself applies", async () => {
    const c = createModelClient(providerFor(server), { cacheDir: false, maxRetries: 0, backoff: fastRetry, idleTimeoutMs: 400 });
    const before = server.requests.length;
    server.inject({ kind: "slow-first-byte", ms: 700 });
    const r = await c.call(await sampleRequest({ content: [{ type: "text", text: "x" }], maxOutputTokens: 500 }));
    expect(server.requests.length - before).toBe(1);
    expect(r.latencyMs).toBeGreaterThanOrEqual(690);
    server.inject([{ kind: "stall-mid-stream" }, { kind: "stall-mid-stream" }]);
    const err = await c.call(await sampleRequest({ content: [{ type: "text", text: "z" }], maxOutputTokens: 500 })).catch((e) => e);
    expect(err.message).toMatch(/no data for 0\.4 s \(idle timeout\), also when sent again/);
  });

  it("the overall cap ends an answer that streams for too long", async () => {
    server.inject([
      { kind: "slow-stream", chunks: 20, everyMs: 50 },
      { kind: "slow-stream", chunks: 20, everyMs: 50 },
    ]);
    const c = createModelClient(providerFor(server), {
      cacheDir: false,
      maxRetries: 0,
      backoff: fastRetry,
      idleTimeoutMs: 5_000,
      timeoutMs: 300,
    });
    const err = await c.call(await sampleRequest({ content: [{ type: "text", text: "x" }], maxOutputTokens: 500 }), {}).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/longer than the 0\.3 s cap/);
  });

  it("a caller's abort stops at once and is not retried", async () => {
    server.inject({ kind: "stall" });
    const before = server.requests.length;
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("user interrupted")), 150);
    const err = await client()
      .call(await sampleRequest({ content: [{ type: "text", text: "x" }], maxOutputTokens: 50 }), { signal: ac.signal })
      .catch((e) => e);
    expect(err.message).toBe("user interrupted");
    expect(server.requests.length - before).toBe(1);
  });
});

describe.each(["mistral", "openrouter", "openai"] as const)("refusals (%s)", (flavour) => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour, apiKey: "sk-real-looking-secret-123456" });
  });
  afterAll(() => server.close());

  it("a wrong key → ProviderRefusedError (exit 4) at once, without the key in the message", async () => {
    const wrongKey = "sk-wrong-secret-abcdef987654";
    const before = server.requests.length;
    const c = createModelClient(providerFor(server, wrongKey), { cacheDir: false, maxRetries: 3, backoff: fastRetry });
    const err = await c.call(await sampleRequest()).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderRefusedError);
    expect(err.exitCode).toBe(4);
    expect(err.message).toMatch(/HTTP 401/);
    expect(err.message).not.toContain(wrongKey);
    expect(err.message).not.toContain(server.apiKey!);
    expect(JSON.stringify(err)).not.toContain(wrongKey);
    expect(server.requests.length - before).toBe(1);
    expect(server.requests.at(-1)!.authorized).toBe(false);
  });

  it("exhausted quota → ProviderRefusedError, no retry", async () => {
    const before = server.requests.length;
    server.inject({ kind: "quota" });
    const c = createModelClient(providerFor(server), { cacheDir: false, maxRetries: 3, backoff: fastRetry });
    const err = await c.call(await sampleRequest()).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderRefusedError);
    expect(err.message).toMatch(/quota/);
    expect(server.requests.length - before).toBe(1);
  });
});
