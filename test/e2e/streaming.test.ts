/**
 * Model calls end to end through the CLI against the fake server's provider personalities:
 * streaming, the idle timeout, every fault kind healed or failed with one line, at most 3 paid
 * calls per planned request, and usage.json adding up to what the fake billed, failed documents
 * included. Idle timeouts are fractions of a second so the suite stays fast; "long" answers are
 * streams that last many idle timeouts.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startFakeServer, type Fault, type FakeServer, type Flavour } from "../support/fake-server.js";
import type { UsageReport } from "../../src/pipeline/usage.js";
import { checkDocumentFolder, freshDir, readJson, samplePdf } from "./helpers.js";

const KEY = "sk-test-streaming-0123456789";
/** short enough for a fast suite, long enough that the fake's own work before its first byte (decoding images) never trips it on a loaded machine */
const IDLE_S = "1.5";
const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function fake(flavour: Flavour, opts: { faults?: Fault[]; maxImages?: number } = {}): Promise<FakeServer> {
  const server = await startFakeServer({ flavour, apiKey: KEY, maxImages: opts.maxImages });
  servers.push(server);
  if (opts.faults) server.inject(opts.faults);
  return server;
}

function envFor(server: FakeServer): Record<string, string> {
  if (server.flavour === "mistral") return { MISTRAL_API_KEY: KEY };
  if (server.flavour === "openrouter") return { OPENROUTER_API_KEY: KEY };
  return { LONGDOC_API_KEY: KEY };
}

function providerOf(f: Flavour): string {
  return f === "mistral" || f === "openrouter" ? f : "openai";
}

async function run(server: FakeServer, name: string, extra: string[] = [], inputs = [samplePdf]) {
  const out = freshDir(`streaming/${name}`);
  const r = await runCli(
    [
      "summarize",
      ...inputs,
      "--out",
      out,
      "--no-cache",
      "--provider",
      providerOf(server.flavour),
      "--base-url",
      server.url,
      "--idle-timeout",
      IDLE_S,
      ...extra,
    ],
    // a CLI run takes seconds alone but over a minute beside a full suite on 2 shared cores
    { env: envFor(server), timeoutMs: 280_000 },
  );
  return { ...r, out, doc: join(out, "bike-share-report") };
}

/** usage.json against the fake's own billing: tokens of every billed call, and the cut-off ones as unknown. */
function expectUsageMatchesBilling(usage: UsageReport, server: FakeServer): void {
  const billed = server.requests.filter((q) => q.billed);
  expect(usage.totals.inputTokens).toBe(billed.reduce((s, q) => s + q.billed!.promptTokens, 0));
  expect(usage.totals.outputTokens).toBe(billed.reduce((s, q) => s + q.billed!.completionTokens, 0));
  const calls = usage.requests.flatMap((r) => r.calls);
  expect(calls).toHaveLength(server.requests.length);
  expect(calls.filter((c) => c.billed === true)).toHaveLength(billed.length);
  const unknown = server.requests.filter((q) => q.status === 200 && !q.billed).length;
  expect(usage.totals.unknownCalls).toBe(unknown);
}

/** No planned request took more than 3 paid calls (answers the server started on: status 200). */
function expectPaidBudget(server: FakeServer, plannedRequests: number): void {
  expect(server.requests.filter((q) => q.status === 200).length).toBeLessThanOrEqual(3 * plannedRequests);
}

describe("streamed model calls through the CLI", { timeout: 600_000 }, () => {
  it("dry-run body == the body the server received (Mistral, reasoning high: thinking chunks, temperature 0.7, 32,768 reserve)", async () => {
    const server = await fake("mistral");
    const dry = await run(server, "dry-vs-sent-dry", ["--reasoning", "high", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const r = await run(server, "dry-vs-sent", ["--reasoning", "high"]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    const written = readJson(join(dry.doc, "requests", "r1.json"));
    expect(server.requests[0].body).toEqual(written);
    const body = server.requests[0].body;
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.temperature).toBe(0.7);
    expect(body.max_tokens).toBe(32_768);
    expect(body.reasoning_effort).toBe("high");
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expectUsageMatchesBilling(usage, server);
  });

  it("a stream that stalls mid-answer is cut after the idle timeout and sent again once", async () => {
    const server = await fake("vllm", { faults: [{ kind: "stall-mid-stream" }] });
    const t0 = Date.now();
    const r = await run(server, "stall");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(r.stderr).toMatch(/no data for 1\.5 s \(idle timeout\)/);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    const calls = usage.requests[0].calls;
    expect(calls.map((c) => [c.outcome, c.billed])).toEqual([
      ["timeout", "unknown"],
      ["ok", true],
    ]);
    expect(calls[0].promptTokens).toBe("unknown");
    expectUsageMatchesBilling(usage, server);
    expect(Date.now() - t0).toBeGreaterThan(1_500);
  });

  it("a stall that does not heal fails with one line after exactly 2 calls; usage.json is still written", async () => {
    const server = await fake("mistral", { faults: [{ kind: "stall-mid-stream" }, { kind: "stall-mid-stream" }] });
    const r = await run(server, "stall-twice");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /^longdoc: .*request r1 failed: no data for 1\.5 s \(idle timeout\), also when sent again/,
    );
    expect(server.requests).toHaveLength(2);
    const usage = readJson<UsageReport>(join(r.doc, "usage.json"));
    expect(usage.status).toBe("failed");
    expect(usage.totals.unknownCalls).toBe(2);
    expect(usage.requests[0].status).toBe("failed");
  });

  it("an answer that keeps streaming far past the idle timeout completes (30 chunks, 250 ms apart, idle 1.5 s)", async () => {
    const server = await fake("openai", { faults: [{ kind: "slow-stream", chunks: 30, everyMs: 250 }] });
    const r = await run(server, "long-stream");
    expect(r.code, r.stderr).toBe(0);
    const { usage: u } = checkDocumentFolder(r.doc, { model: true });
    // the one call streamed for 5x the idle timeout
    expect(u.requests[0].calls[0].latencyMs).toBeGreaterThan(7_000);
    expect(server.requests).toHaveLength(1);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expectUsageMatchesBilling(usage, server);
  });

  it("OpenRouter's keep-alive comments hold a slow first answer open past the idle timeout; usage.cost is the cost", async () => {
    const server = await fake("openrouter", { faults: [{ kind: "slow-first-byte", ms: 4_000 }] });
    const r = await run(server, "openrouter-processing");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body.provider).toEqual({ require_parameters: true });
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expect(usage.totals.costUSD).toBeCloseTo(server.requests[0].billed!.costUSD, 6);
    expectUsageMatchesBilling(usage, server);
  });

  it("an OpenRouter error inside a 200, mid-stream, is retried as a paid call and the run succeeds", async () => {
    const server = await fake("openrouter", { faults: [{ kind: "error-in-200", code: 502, midStream: true }] });
    const r = await run(server, "error-in-200");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expect(usage.requests[0].calls.map((c) => c.outcome)).toEqual(["provider-error", "ok"]);
    expectUsageMatchesBilling(usage, server);
  });

  it("a refusal ends with one line quoting the model, exit 1, and the paid call in usage.json", async () => {
    const server = await fake("vllm", { faults: [{ kind: "refusal" }] });
    const r = await run(server, "refusal");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/declined to answer \(refusal\): "I can't help with summarising this document\."/);
    expect(server.requests).toHaveLength(1);
    const usage = readJson<UsageReport>(join(r.doc, "usage.json"));
    expect(usage.status).toBe("failed");
    expectUsageMatchesBilling(usage, server);
  });

  it("an empty answer is asked again as the same request, never as a repair with an empty assistant turn", async () => {
    const server = await fake("mistral", { faults: [{ kind: "empty" }] });
    const r = await run(server, "empty");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1].rawBody).toBe(server.requests[0].rawBody);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expectUsageMatchesBilling(usage, server);
  });

  it("a truncation that never heals stops at 3 paid calls with max_tokens doubling to its cap", async () => {
    const server = await fake("openai", {
      faults: [{ kind: "truncated" }, { kind: "truncated" }, { kind: "truncated" }, { kind: "truncated" }],
    });
    const r = await run(server, "truncated", ["--max-output-tokens", "2000"]);
    expect(r.code).toBe(1);
    expect(server.requests.map((q) => q.body.max_tokens)).toEqual([2000, 4000, 8000]);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(
      /cut off at max_tokens 8000.*also at 8000 tokens, the most this request may ask for/,
    );
    expectPaidBudget(server, 1);
    const usage = readJson<UsageReport>(join(r.doc, "usage.json"));
    expect(usage.totals.paidCalls).toBe(3);
    expectUsageMatchesBilling(usage, server);
  });

  it("llama.cpp's exceed_context_size_error and a 413 re-plan for a smaller request", async () => {
    const llama = await fake("llamacpp", { faults: [{ kind: "context-overflow" }] });
    const a = await run(llama, "llamacpp-overflow");
    expect(a.code, a.stderr).toBe(0);
    expect(llama.requests.map((q) => q.status)).toEqual([400, 200]);
    expect(a.stderr).toMatch(/context overflow/);
    const big = await fake("vllm", { faults: [{ kind: "too-large" }] });
    const b = await run(big, "413");
    expect(b.code, b.stderr).toBe(0);
    expect(big.requests.map((q) => q.status)).toEqual([413, 200]);
  });

  it("Mistral's finish_reason model_length is a context overflow (re-planned), not an answer", async () => {
    const server = await fake("mistral", { faults: [{ kind: "model-length" }] });
    const r = await run(server, "model-length");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(2);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expect(usage.requests.flatMap((q) => q.calls).map((c) => c.outcome)).toEqual(["context-overflow", "ok"]);
    expectUsageMatchesBilling(usage, server);
  });

  it("OpenRouter's 404 when no host honours the parameters says so in one line", async () => {
    const server = await fake("openrouter", { faults: [{ kind: "no-host" }] });
    const r = await run(server, "no-host");
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/no OpenRouter host serves .* with every parameter longdoc needs/);
    expect(server.requests).toHaveLength(1);
  });

  it("a 429 with only x-ratelimit-reset-requests waits that long, then succeeds", async () => {
    const server = await fake("openai", {
      faults: [{ kind: "rate-limit", retryAfter: null, headers: { "x-ratelimit-reset-requests": "1s" } }],
    });
    const r = await run(server, "rate-limit");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/retry 1 in 1\.0 s/);
    expect(server.requests.map((q) => q.status)).toEqual([429, 200]);
    const { usage } = checkDocumentFolder(r.doc, { model: true });
    expect(usage.requests[0].calls.map((c) => c.billed)).toEqual([false, true]);
  });

  it("--max-cost with no known price exits 2 and names --price-input / --price-output", async () => {
    const server = await fake("vllm");
    const r = await run(server, "max-cost", ["--max-cost", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--price-input USD and --price-output USD/);
    expect(server.requests).toHaveLength(0);
    const priced = await run(server, "max-cost-priced", ["--max-cost", "1", "--price-input", "0.2", "--price-output", "0.8"]);
    expect(priced.code, priced.stderr).toBe(0);
    const usage = readJson<UsageReport>(join(priced.doc, "usage.json"));
    const b = server.requests[0].billed!;
    expect(usage.totals.costUSD).toBeCloseTo((b.promptTokens * 0.2 + b.completionTokens * 0.8) / 1e6, 6);
    // one PDF whose plan costs more than the limit: nothing is sent, and it says why
    const tight = await run(server, "max-cost-tight", ["--max-cost", "0.001", "--price-input", "0.2", "--price-output", "0.8"]);
    expect(server.requests).toHaveLength(1);
    expect(tight.stderr).toMatch(/--max-cost \$0\.0010 reached: 1 document\(s\) not started/);
    expect(existsSync(join(tight.doc, "summary.json"))).toBe(false);
  });

  it("an image limit the server named is remembered for the next document of the batch", async () => {
    const server = await fake("openai", { maxImages: 1 });
    const folder = freshDir("streaming/image-limit-in");
    mkdirSync(folder, { recursive: true });
    copyFileSync(samplePdf, join(folder, "a.pdf"));
    copyFileSync(samplePdf, join(folder, "b.pdf"));
    const r = await run(server, "image-limit", ["--concurrency", "1"], [folder]);
    expect(r.code, r.stderr).toBe(0);
    // one 400 for the first document; the second is planned for 1 image from the start
    expect(server.requests.filter((q) => q.status === 400)).toHaveLength(1);
    expect(existsSync(join(r.out, "b", "summary.json"))).toBe(true);
  });

  it("--schema is sent strict (no $schema, closed objects, optional made nullable) and checked against the original", async () => {
    const server = await fake("mistral");
    const schemaFile = join(freshDir("streaming/schema-in"), "facts.json");
    writeFileSync(
      schemaFile,
      JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        $id: "https://example.com/facts",
        title: "facts",
        type: "object",
        properties: { stations: { type: "integer", minimum: 0 }, note: { type: "string", maxLength: 200 } },
        required: ["stations"],
      }),
    );
    const r = await run(server, "schema", ["--schema", schemaFile]);
    expect(r.code, r.stderr).toBe(0);
    const sent = server.requests[0].body.response_format.json_schema.schema;
    expect(sent.$schema).toBeUndefined();
    expect(sent.$id).toBeUndefined();
    expect(sent.additionalProperties).toBe(false);
    expect(sent.required).toEqual(["stations", "note"]);
    expect(sent.properties.note.type).toEqual(["string", "null"]);
    expect(sent.properties.stations.minimum).toBeUndefined();
    expect(sent.properties.stations.description).toMatch(/minimum: 0/);
    const result = readJson<{ stations: number; note?: string }>(join(r.doc, "result.json"));
    expect(Number.isInteger(result.stations)).toBe(true);
  });
});
