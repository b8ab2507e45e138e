/**
 * The CLI against the fake OpenAI-compatible server, once per provider adapter, checking the files
 * written (DESIGN.md §2, §6) and what went over the wire.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { checkDocumentFolder, freshDir, readJson, samplePdf } from "./helpers.js";

const KEY = "sk-test-e2e-0123456789abcdef";

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe("summarize against an OpenAI-compatible server (LONGDOC_BASE_URL)", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", apiKey: KEY });
  });
  afterAll(() => server.close());

  it("writes a valid summary from one request, and a rerun is answered from the cache", async () => {
    const out = freshDir("openai/out");
    const cache = freshDir("openai/cache");
    const env = { LONGDOC_BASE_URL: server.url, LONGDOC_API_KEY: KEY };
    const first = await runCli(["summarize", samplePdf, "--out", out, "--cache-dir", cache], { env });
    expect(first.stderr).not.toContain(KEY);
    expect(first.code, first.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    const sent = server.requests[0];
    expect(sent.authorized).toBe(true);
    // OpenAI-style image parts are objects { url }
    const parts = sent.body.messages[1].content as Array<{ type: string; image_url?: unknown }>;
    const images = parts.filter((p) => p.type === "image_url");
    expect(images.length).toBeGreaterThan(0);
    expect(typeof images[0].image_url).toBe("object");
    expect(sent.body.response_format.json_schema.strict).toBe(true);

    const dir = join(out, "bike-share-report");
    const { summary, usage, document } = checkDocumentFolder(dir, { model: true });
    expect(summary.engine).toMatchObject({ provider: "openai", mode: "single", requests: 1 });
    expect(summary.figures.length).toBe(images.length);
    expect(summary.keyPoints.length).toBeGreaterThan(0);
    // usage: the service's prompt tokens against the planner's estimate
    expect(usage.requests).toHaveLength(1);
    expect(usage.requests[0].promptTokens).toBe(sent.promptTokens);
    expect(usage.requests[0].estimatedInputTokens).toBeGreaterThan(0);
    expect(usage.totals.actualToEstimateRatio).toBeCloseTo(sent.promptTokens! / usage.requests[0].estimatedInputTokens, 2);
    expect(summary.usage.inputTokens).toBe(sent.promptTokens);
    expect(summary.usage.outputTokens).toBe(sent.completionTokens);
    expect(first.stderr).toMatch(/actual\/estimate \d\.\d{3}/);
    expect(document.pages.length).toBeGreaterThan(1);

    const second = await runCli(["summarize", samplePdf, "--out", out, "--cache-dir", cache], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(second.stderr).toMatch(/answered from the cache/);
    const again = readJson<{ requests: Array<{ cached: boolean }>; totals: { costUSD: number } }>(join(dir, "usage.json"));
    expect(again.requests.every((r) => r.cached)).toBe(true);
    expect(again.totals.costUSD).toBe(0);
    for (const f of allFiles(out)) expect(readFileSync(f).includes(KEY), f).toBe(false);
    for (const f of allFiles(cache)) expect(readFileSync(f).includes(KEY), f).toBe(false);
  });

  it("splits into map requests and a reduce when the window is small", async () => {
    const out = freshDir("openai-mapreduce/out");
    const before = server.requests.length;
    const r = await runCli(
      ["summarize", samplePdf, "--out", out, "--no-cache", "--context-window", "3000", "--max-output-tokens", "800", "--json"],
      { env: { LONGDOC_BASE_URL: server.url, LONGDOC_API_KEY: KEY } },
    );
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, "bike-share-report");
    const plan = readJson<{ mode: string; requests: Array<{ kind: string; figureIds: string[] }> }>(join(dir, "plan.json"));
    expect(plan.mode).toBe("map-reduce");
    const maps = plan.requests.filter((q) => q.kind === "map");
    expect(maps.length).toBeGreaterThan(1);
    expect(plan.requests.some((q) => q.kind === "reduce")).toBe(true);
    const sent = server.requests.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(plan.requests.length);
    for (const q of sent) expect(q.promptTokens! + q.body.max_tokens).toBeLessThanOrEqual(3000);
    const { summary } = checkDocumentFolder(dir, { model: true });
    expect(summary.engine.mode).toBe("map-reduce");
    // --json: one JSON object per line on stdout, ending with the result
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((e) => e.type === "request-end").length).toBe(summary.engine.requests);
    expect(lines.at(-1)).toMatchObject({ type: "result", ok: true, mode: "map-reduce" });
  });
});

describe("a reduce tree (OpenAI-compatible server, tiny window)", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", apiKey: null, window: 1800 });
  });
  afterAll(() => server.close());

  it("runs reduces of reduces and never sends more than the window", async () => {
    const out = freshDir("reduce-tree/out");
    const r = await runCli(["summarize", samplePdf, "--out", out, "--no-cache", "--context-window", "1800", "--max-output-tokens", "400"], {
      env: { LONGDOC_BASE_URL: server.url },
    });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, "bike-share-report");
    const plan = readJson<{ requests: Array<{ id: string; kind: string; inputs?: string[] }> }>(join(dir, "plan.json"));
    const reduces = plan.requests.filter((q) => q.kind === "reduce");
    const reduceIds = new Set(reduces.map((q) => q.id));
    // at least one reduce combines other reduces
    expect(reduces.some((q) => (q.inputs ?? []).some((i) => reduceIds.has(i)))).toBe(true);
    expect(server.requests.every((q) => q.status === 200)).toBe(true);
    const { summary } = checkDocumentFolder(dir, { model: true });
    expect(summary.engine.mode).toBe("map-reduce");
    expect(summary.engine.requests).toBe(server.requests.length);
  });
});

describe("summarize against Mistral's API (flavour mistral)", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "mistral", apiKey: KEY });
  });
  afterAll(() => server.close());

  it("retries a 429 with Retry-After and succeeds, sending image_url as a string", async () => {
    const out = freshDir("mistral/out");
    server.inject({ kind: "rate-limit", retryAfter: 1 });
    const r = await runCli(
      ["summarize", samplePdf, "--provider", "mistral", "--base-url", server.url, "--out", out, "--no-cache", "--reasoning", "high"],
      {
        env: { MISTRAL_API_KEY: KEY },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain(KEY);
    expect(server.requests.map((q) => q.status)).toEqual([429, 200]);
    const body = server.requests[1].body;
    expect(body.reasoning_effort).toBe("high");
    const img = (body.messages[1].content as Array<{ type: string; image_url?: unknown }>).find((p) => p.type === "image_url");
    expect(typeof img?.image_url).toBe("string");
    const { summary, usage } = checkDocumentFolder(join(out, "bike-share-report"), { model: true });
    expect(summary.engine.provider).toBe("mistral");
    expect(usage.requests[0].attempts).toBe(2);
    // priced from the profile: $0.15 in / $0.60 out per million
    const u = usage.requests[0];
    expect(u.costUSD).toBeCloseTo((u.promptTokens! * 0.15 + u.outputTokens * 0.6) / 1e6, 6);
  });

  it("describes every figure in figures mode", async () => {
    const out = freshDir("mistral-figures/out");
    const before = server.requests.length;
    const r = await runCli(["figures", samplePdf, "--base-url", server.url, "--provider", "mistral", "--out", out, "--no-cache"], {
      env: { MISTRAL_API_KEY: KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.length - before).toBe(1);
    const schema = server.requests.at(-1)!.body.response_format.json_schema.schema;
    expect(schema.required).toContain("figures");
    expect(schema.required).not.toContain("keyPoints");
    const { summary } = checkDocumentFolder(join(out, "bike-share-report"), { model: true, task: "figures" });
    expect(existsSync(join(out, "bike-share-report", "summary.json"))).toBe(false);
    expect(summary.figures.length).toBeGreaterThan(0);
    expect(summary.summary.length).toBeGreaterThan(0);
  });

  it("summarize and figures into one folder each keep the record of what they paid", async () => {
    const out = freshDir("mistral-both/out");
    const dir = join(out, "bike-share-report");
    const env = { MISTRAL_API_KEY: KEY };
    const common = ["--base-url", server.url, "--provider", "mistral", "--out", out, "--no-cache"];
    expect((await runCli(["summarize", samplePdf, ...common], { env })).code).toBe(0);
    const summaryUsage = readFileSync(join(dir, "usage.json"), "utf8");
    expect((await runCli(["figures", samplePdf, ...common], { env })).code).toBe(0);
    // the figures run paid for its own call and left the summary's record as it was
    expect(readFileSync(join(dir, "usage.json"), "utf8")).toBe(summaryUsage);
    const a = checkDocumentFolder(dir, { model: true, task: "summarize" }).usage;
    const b = checkDocumentFolder(dir, { model: true, task: "figures" }).usage;
    for (const u of [a, b]) {
      expect(u.requests).toHaveLength(1);
      expect(u.totals.inputTokens).toBeGreaterThan(0);
    }
  });
});

describe("summarize through OpenRouter (flavour openrouter)", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openrouter", apiKey: KEY });
  });
  afterAll(() => server.close());

  it("retries a 500 and succeeds, with reasoning as { effort }", async () => {
    const out = freshDir("openrouter/out");
    server.inject({ kind: "server-error", status: 503 });
    const r = await runCli(["summarize", samplePdf, "--provider", "openrouter", "--base-url", server.url, "--out", out, "--no-cache"], {
      env: { OPENROUTER_API_KEY: KEY },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.map((q) => q.status)).toEqual([503, 200]);
    expect(server.requests[1].body.reasoning).toEqual({ effort: "none" });
    expect(server.requests[1].body.model).toBe("mistralai/mistral-small-2603");
    const { summary } = checkDocumentFolder(join(out, "bike-share-report"), { model: true });
    expect(summary.engine).toMatchObject({ provider: "openrouter", model: "mistralai/mistral-small-2603" });
  });
});
