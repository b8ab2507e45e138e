import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { contextFromText, fillSchema } from "../support/fake-server/filler.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { png } from "./helpers.js";

const Partial = z.object({
  title: z.string(),
  summary: z.string(),
  keyPoints: z.array(z.object({ text: z.string(), pages: z.array(z.number().int().positive()) })),
  sections: z.array(
    z.object({ title: z.string(), pages: z.tuple([z.number().int().positive(), z.number().int().positive()]), summary: z.string() }),
  ),
  figures: z.array(
    z.object({ id: z.string(), page: z.number().int().positive(), caption: z.string().optional(), description: z.string() }),
  ),
  kind: z.enum(["manual", "report"]),
  warnings: z.array(z.string()),
  nested: z.object({ flag: z.boolean(), count: z.number().int().min(2) }).nullable(),
});

describe("schema filler", () => {
  const text = "[page 3] intro p3-f1 and p3-f2\n[page 4] more\n[page 9] p9-f1 end";
  for (const target of ["draft-7", "draft-2020-12"] as const) {
    it(`fills a zod-generated ${target} schema with valid, semantic values`, () => {
      const schema = z.toJSONSchema(Partial, { target }) as Record<string, unknown>;
      const value = Partial.parse(fillSchema(schema, contextFromText(text)));
      expect(value.figures.map((f) => [f.id, f.page])).toEqual([
        ["p3-f1", 3],
        ["p3-f2", 3],
        ["p9-f1", 9],
      ]);
      for (const f of value.figures) expect(f.description).toContain(f.id);
      expect(value.keyPoints.length).toBeGreaterThan(0);
      for (const k of value.keyPoints) for (const p of k.pages) expect([3, 4, 9]).toContain(p);
      for (const s of value.sections) {
        expect([3, 4, 9]).toContain(s.pages[0]);
        expect(s.pages[1]).toBeGreaterThanOrEqual(s.pages[0]);
      }
      expect(value.summary).toContain("p9-f1");
      expect(value.warnings).toEqual([]);
    });
  }

  it("resolves $ref definitions", () => {
    const schema = {
      type: "object",
      required: ["items"],
      properties: { items: { type: "array", items: { $ref: "#/$defs/Fig" } } },
      $defs: { Fig: { type: "object", required: ["id", "page"], properties: { id: { type: "string" }, page: { type: "integer" } } } },
    };
    expect(fillSchema(schema, contextFromText("[page 2] p2-f7"))).toEqual({ items: [{ id: "p2-f7", page: 2 }] });
  });
});

describe("fake server checks requests like the real service", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", window: 5000, maxImages: 2 });
  });
  afterAll(() => server.close());

  const post = async (body: unknown, key: string | null = server.apiKey) =>
    fetch(`${server.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const rf = {
    type: "json_schema",
    json_schema: { name: "x", schema: { type: "object", required: ["a"], properties: { a: { type: "string" } } }, strict: true },
  };
  const ok = { model: "m", messages: [{ role: "user", content: "hello [page 1]" }], max_tokens: 100, response_format: rf };

  it("answers a good request with schema JSON and its own usage numbers", async () => {
    const res = await post(ok);
    expect(res.status).toBe(200);
    const j = await res.json();
    expect(JSON.parse(j.choices[0].message.content)).toEqual({ a: expect.any(String) });
    expect(j.choices[0].finish_reason).toBe("stop");
    expect(j.usage.prompt_tokens).toBe(server.requests.at(-1)!.promptTokens);
    expect(j.usage.prompt_tokens).toBeGreaterThan(3);
  });

  it("rejects what the service rejects", async () => {
    expect((await post(ok, null)).status).toBe(401);
    expect((await post(ok, "wrong")).status).toBe(401);
    expect((await post("{not json")).status).toBe(400);
    expect((await post({ ...ok, model: "" })).status).toBe(400);
    expect((await post({ ...ok, messages: [] })).status).toBe(400);
    expect((await post({ ...ok, response_format: undefined })).status).toBe(400);
    const img = (await png(40, 40)).toString("base64");
    const withImage = (url: unknown) => ({ ...ok, messages: [{ role: "user", content: [{ type: "image_url", image_url: url }] }] });
    expect((await post(withImage({ url: `data:image/png;base64,${img}` }))).status).toBe(200);
    expect((await post(withImage(`data:image/png;base64,${img}`))).status).toBe(400); // mistral form on an openai server
    expect((await post(withImage({ url: `data:image/jpeg;base64,${img}` }))).status).toBe(400); // wrong mime
    expect((await post(withImage({ url: "data:image/png;base64,AAAA" }))).status).toBe(400); // not an image
    expect((await post(withImage({ url: "https://example.com/a.png" }))).status).toBe(400); // no fetching
    const three = {
      ...ok,
      messages: [
        { role: "user", content: [1, 2, 3].map(() => ({ type: "image_url", image_url: { url: `data:image/png;base64,${img}` } })) },
      ],
    };
    const r = await post(three);
    expect(r.status).toBe(400);
    expect((await r.json()).error.message).toMatch(/At most 2 image/);
    const big = await post({ ...ok, max_tokens: 4990 });
    expect(big.status).toBe(400);
    expect((await big.json()).error.message).toMatch(/maximum context length is 5000 tokens/);
  });

  it("close() ends cleanly even with a request stalled forever", async () => {
    const s = await startFakeServer({ flavour: "mistral", apiKey: null });
    s.inject({ kind: "stall" });
    const pending = fetch(`${s.url}/chat/completions`, { method: "POST", body: JSON.stringify(ok) }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await s.close();
    // it does not wait for the stalled answer (that would be forever); the bound leaves room for a loaded machine
    expect(performance.now() - t0).toBeLessThan(10_000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it("adds latency by its model, bounded", async () => {
    const s = await startFakeServer({
      flavour: "openrouter",
      apiKey: null,
      latency: { prefillTokensPerSec: 1e9, outputTokensPerSec: 1e9, overheadMs: 300 },
    });
    const capped = await startFakeServer({
      flavour: "openrouter",
      apiKey: null,
      latency: { prefillTokensPerSec: 1, outputTokensPerSec: 1, overheadMs: 0, maxDelayMs: 200 },
    });
    try {
      // upper bounds far below the uncapped delay (~20 s at 1 token/s), far above a loaded machine's overhead
      for (const [srv, lo, hi] of [
        [s, 290, 8000],
        [capped, 190, 8000],
      ] as const) {
        const t0 = performance.now();
        const res = await fetch(`${srv.url}/chat/completions`, { method: "POST", body: JSON.stringify(ok) });
        expect(res.status).toBe(200);
        const ms = performance.now() - t0;
        expect(ms).toBeGreaterThanOrEqual(lo);
        expect(ms).toBeLessThan(hi);
      }
    } finally {
      await s.close();
      await capped.close();
    }
  });
});
