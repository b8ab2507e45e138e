import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createModelClient } from "../../src/llm/client.js";
import { toRequestBody } from "../../src/llm/adapters/index.js";
import { resolveProvider } from "../../src/llm/providers.js";
import { startFakeServer, type FakeServer, type Flavour } from "../support/fake-server.js";
import { providerFor, sampleRequest, validateFigures } from "./helpers.js";

const flavours: Flavour[] = ["mistral", "openrouter", "openai"];

describe.each(flavours)("%s adapter against the fake %s server", (flavour) => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour });
  });
  afterAll(() => server.close());

  it("sends the provider's body and gets schema-valid JSON naming every figure", async () => {
    const client = createModelClient(providerFor(server), { cacheDir: false, maxRetries: 0 });
    const req = await sampleRequest({ reasoning: "high" });
    const before = server.requests.length;
    const r = await client.callJson(req, validateFigures);
    expect(server.requests.length).toBe(before + 1);
    const rec = server.requests[server.requests.length - 1];
    expect(rec.status).toBe(200);
    expect(rec.path).toBe(flavour === "openrouter" ? "/api/v1/chat/completions" : "/v1/chat/completions");

    const body = rec.body;
    expect(body.model).toBe("mistral-small-2603");
    expect(body.max_tokens).toBe(2000);
    // the model card asks for 0.7 with reasoning "high"
    expect(body.temperature).toBe(0.7);
    expect(body.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "figures_result", schema: req.schema.schema, strict: true },
    });
    expect(body.messages[0]).toEqual({ role: "system", content: req.system });
    const parts = body.messages[1].content;
    expect(parts.map((p: { type: string }) => p.type)).toEqual(["text", "image_url", "text", "image_url"]);
    const img = parts[1].image_url;
    if (flavour === "mistral") {
      expect(typeof img).toBe("string");
      expect(img).toMatch(/^data:image\/png;base64,/);
      expect(body.reasoning_effort).toBe("high");
      expect(body.reasoning).toBeUndefined();
    } else if (flavour === "openrouter") {
      expect(img.url).toMatch(/^data:image\/png;base64,/);
      expect(body.reasoning).toEqual({ effort: "high" });
      expect(body.reasoning_effort).toBeUndefined();
    } else {
      expect(img.url).toMatch(/^data:image\/png;base64,/);
      expect(body.reasoning_effort).toBe("high");
    }
    // the server decoded the images and charged them by the DESIGN §4 formula
    expect(rec.images.map((i) => [i.width, i.height, i.tokens])).toEqual([
      [300, 200, (11 + 1) * 8],
      [60, 900, (3 + 1) * 33],
    ]);
    expect(r.repaired).toBe(false);
    expect(r.value.figures.map((f) => f.id)).toEqual(["p1-f1", "p2-f1"]);
    expect(r.value.figures.map((f) => f.page)).toEqual([1, 2]);
    for (const f of r.value.figures) expect(f.description).toContain(f.id);
    for (const k of r.value.keyPoints) for (const p of k.pages) expect([1, 2]).toContain(p);
    // OpenRouter reports what the call cost; the others only tokens
    const cost = flavour === "openrouter" ? { costUSD: rec.billed!.costUSD } : {};
    expect(r.answer.usage).toEqual({ promptTokens: rec.promptTokens, completionTokens: rec.completionTokens, ...cost });
    expect(rec.streamed).toBe(true);
    expect(r.answer.usage!.promptTokens).toBeGreaterThan(rec.images[0].tokens + rec.images[1].tokens);
    expect(r.answer.attempts).toBe(1);
    expect(r.answer.cached).toBe(false);
    expect(r.answer.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("answers the same request with the same JSON", async () => {
    const client = createModelClient(providerFor(server), { cacheDir: false, maxRetries: 0 });
    const req = await sampleRequest();
    const a = await client.call(req);
    const b = await client.call(req);
    expect(b.text).toBe(a.text);
    expect(a.finishReason).toBe("stop");
  });
});

describe("adapter differences", () => {
  it("openai-compatible omits reasoning unless asked; openrouter always says it", async () => {
    const req = await sampleRequest({ reasoning: "none" });
    expect(toRequestBody("openai", req).reasoning_effort).toBeUndefined();
    expect(toRequestBody("openai", req).reasoning).toBeUndefined();
    expect(toRequestBody("openrouter", req).reasoning).toEqual({ effort: "none" });
    expect(toRequestBody("mistral", req).reasoning_effort).toBe("none");
  });

  it("a server of one flavour rejects the other flavour's image form", async () => {
    const mistral = await startFakeServer({ flavour: "mistral", apiKey: null });
    const openai = await startFakeServer({ flavour: "openai", apiKey: null });
    try {
      // the openai adapter's { url } form sent to a Mistral-style endpoint
      const wrong1 = createModelClient(resolveProvider({ provider: "openai", baseUrl: mistral.url }, {}), {
        cacheDir: false,
        maxRetries: 0,
      });
      await expect(wrong1.call(await sampleRequest())).rejects.toThrow(/HTTP 422.*valid string/);
      const wrong2 = createModelClient(
        { ...resolveProvider({ provider: "openai", baseUrl: openai.url }, {}), name: "mistral" },
        { cacheDir: false, maxRetries: 0 },
      );
      await expect(wrong2.call(await sampleRequest())).rejects.toThrow(/HTTP 400.*object \{ url \}/);
    } finally {
      await mistral.close();
      await openai.close();
    }
  });

  it("a local server without a key works", async () => {
    const local = await startFakeServer({ flavour: "openai", apiKey: null });
    try {
      const cfg = resolveProvider({}, { LONGDOC_BASE_URL: local.url });
      expect(cfg.name).toBe("openai");
      const client = createModelClient(cfg, { cacheDir: false, maxRetries: 0 });
      const r = await client.callJson(await sampleRequest(), validateFigures);
      expect(r.value.figures).toHaveLength(2);
    } finally {
      await local.close();
    }
  });
});
