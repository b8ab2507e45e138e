import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelClient } from "../../src/llm/client.js";
import { cacheKey } from "../../src/llm/cache.js";
import { OutputTruncatedError } from "../../src/llm/errors.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { fastRetry, freshCacheDir, providerFor, sampleRequest, validateFigures } from "./helpers.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("response cache", () => {
  let server: FakeServer;
  const key = "sk-cache-test-secret-key-000111";
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "mistral", apiKey: key });
  });
  afterAll(() => server.close());

  it("a second identical call sends nothing and says cached; the cache holds no key", async () => {
    const dir = freshCacheDir("hit");
    const req = await sampleRequest();
    const before = server.requests.length;
    const a = await createModelClient(providerFor(server), { cacheDir: dir }).callJson(req, validateFigures);
    expect(server.requests.length - before).toBe(1);
    expect(a.answer.cached).toBe(false);
    // a new client (a rerun) on the same folder
    const b = await createModelClient(providerFor(server), { cacheDir: dir }).callJson(req, validateFigures);
    expect(server.requests.length - before).toBe(1);
    expect(b.answer.cached).toBe(true);
    expect(b.answer.attempts).toBe(0);
    expect(b.value).toEqual(a.value);
    expect(b.answer.usage).toEqual(a.answer.usage);
    const files = filesUnder(dir);
    expect(files).toHaveLength(1);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      expect(text).not.toContain(key);
      expect(text).not.toMatch(/authorization|bearer/i);
    }
    // keyed on the body as sent, without the transport fields
    const { stream: _s, stream_options: _o, ...sent } = server.requests.at(-1)!.body;
    expect(files[0]).toContain(cacheKey("mistral", server.url, sent));
  });

  it("any change to the body, the endpoint or the provider is a miss", async () => {
    const dir = freshCacheDir("miss");
    const req = await sampleRequest();
    const before = server.requests.length;
    const client = createModelClient(providerFor(server), { cacheDir: dir });
    await client.call(req);
    await client.call({ ...req, maxOutputTokens: 2001 });
    await client.call({ ...req, reasoning: "high" });
    expect(server.requests.length - before).toBe(3);
    const body = client.requestBody(req);
    expect(cacheKey("mistral", server.url, body)).not.toBe(cacheKey("openrouter", server.url, body));
    expect(cacheKey("mistral", server.url, body)).not.toBe(cacheKey("mistral", "http://127.0.0.1:1/v1", body));
    // the key reaches the server only as a header, so the cache key cannot depend on it
    expect(JSON.stringify(body)).not.toContain(key);
  });

  it("--no-cache sends every time and writes nothing", async () => {
    const req = await sampleRequest();
    const before = server.requests.length;
    const client = createModelClient(providerFor(server), { cacheDir: false });
    const a = await client.call(req);
    const b = await client.call(req);
    expect(server.requests.length - before).toBe(2);
    expect(a.cached || b.cached).toBe(false);
  });

  it("truncated answers, errors and unrepaired invalid JSON are not cached", async () => {
    const dir = freshCacheDir("nocache");
    const client = createModelClient(providerFor(server), { cacheDir: dir, maxRetries: 0, backoff: fastRetry });
    const req = await sampleRequest({ id: "t" });
    server.inject({ kind: "truncated" });
    await expect(client.call(req)).rejects.toBeInstanceOf(OutputTruncatedError);
    server.inject({ kind: "server-error" });
    await expect(client.call(req)).rejects.toThrow(/HTTP 500/);
    server.inject([{ kind: "invalid-json" }, { kind: "invalid-json" }]);
    await expect(client.callJson(req, validateFigures)).rejects.toThrow(/after one repair/);
    expect(filesUnder(dir)).toHaveLength(0);
    // and the next call goes to the server and is cached now
    const before = server.requests.length;
    await client.call(req);
    expect(server.requests.length - before).toBe(1);
    expect(filesUnder(dir)).toHaveLength(1);
  });

  it("a repaired answer is cached with its repair, so the rerun costs nothing", async () => {
    const dir = freshCacheDir("repair");
    const req = await sampleRequest({ id: "rep" });
    server.inject({ kind: "invalid-json" });
    const before = server.requests.length;
    const a = await createModelClient(providerFor(server), { cacheDir: dir }).callJson(req, validateFigures);
    expect(a.repaired).toBe(true);
    expect(server.requests.length - before).toBe(2);
    const b = await createModelClient(providerFor(server), { cacheDir: dir }).callJson(req, validateFigures);
    expect(server.requests.length - before).toBe(2);
    expect(b.value).toEqual(a.value);
    expect(b.answers.every((x) => x.cached)).toBe(true);
  });
});
