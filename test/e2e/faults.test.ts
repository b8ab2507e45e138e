/**
 * Faults a real service produces, injected by the fake server: the ones that heal are retried or
 * re-planned and the run succeeds; the ones that do not end with one clear line and the
 * documented exit code (DESIGN.md §1).
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/paths.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { checkDocumentFolder, freshDir, readJson, samplePdf } from "./helpers.js";

const KEY = "sk-test-faults-9876543210";

describe("faults (OpenAI-compatible server)", () => {
  let server: FakeServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", apiKey: KEY });
    env = { LONGDOC_BASE_URL: server.url, LONGDOC_API_KEY: KEY };
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });

  const run = (name: string, extra: string[] = [], e = env) =>
    runCli(["summarize", samplePdf, "--out", freshDir(`faults/${name}`), "--no-cache", ...extra], { env: e });

  it("a server error that does not heal ends with one line and exit 1", async () => {
    // the client tries 5 times (4 retries) by default
    server.inject(Array.from({ length: 5 }, () => ({ kind: "server-error" as const, status: 500 as const })));
    const r = await run("unhealing");
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    const last = lines.at(-1)!;
    expect(last).toMatch(/^longdoc: .*bike-share-report\.pdf: .*request r1 failed after 5 attempts.*500/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(server.requests).toHaveLength(5);
    expect(existsSync(join(freshDirPath("unhealing"), "summary.json"))).toBe(false);
    expect(server.pendingFaults()).toBe(0);
  });

  it("a refused key stops at once with exit 4 and never prints the key", async () => {
    const wrong = "sk-wrong-key-abcdef0123";
    const r = await run("unauthorized", [], { LONGDOC_BASE_URL: server.url, LONGDOC_API_KEY: wrong });
    expect(r.code).toBe(4);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/401/);
    expect(r.stderr + r.stdout).not.toContain(wrong);
    expect(server.requests).toHaveLength(1);
  });

  it("invalid JSON is repaired with one follow-up request", async () => {
    server.inject({ kind: "invalid-json" });
    const r = await run("invalid-json");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.map((q) => q.status)).toEqual([200, 200]);
    // the repair shows the model its broken answer
    expect(server.requests[1].body.messages.at(-2).role).toBe("assistant");
    const { usage } = checkDocumentFolder(join(freshDirPath("invalid-json"), "bike-share-report"), { model: true });
    expect(usage.requests[0].repaired).toBe(true);
    expect(usage.requests[0].outputTokens).toBe(server.requests[0].completionTokens! + server.requests[1].completionTokens!);
  });

  it("a truncated answer is asked again with a larger output reserve", async () => {
    server.inject({ kind: "truncated" });
    const r = await run("truncated", ["--max-output-tokens", "2000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.map((q) => q.body.max_tokens)).toEqual([2000, 4000]);
    checkDocumentFolder(join(freshDirPath("truncated"), "bike-share-report"), { model: true });
  });

  it("a context overflow re-plans for a smaller window and tries again", async () => {
    server.inject({ kind: "context-overflow" });
    const r = await run("context-overflow");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.map((q) => q.status)).toEqual([400, 200]);
    const { summary } = checkDocumentFolder(join(freshDirPath("context-overflow"), "bike-share-report"), { model: true });
    expect(summary.warnings.join("\n")).toMatch(/context overflow/);
    const plan = readJson<{ window: number }>(join(freshDirPath("context-overflow"), "bike-share-report", "plan.json"));
    expect(plan.window).toBeLessThan(262144);
  });

  it("an image-limit error lowers the cap to the reported limit and re-plans", async () => {
    server.inject({ kind: "too-many-images", limit: 1 });
    const r = await run("too-many-images");
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests[0].status).toBe(400);
    const later = server.requests.slice(1);
    expect(later.length).toBeGreaterThan(0);
    for (const q of later) {
      expect(q.status).toBe(200);
      expect(q.images.length).toBeLessThanOrEqual(1);
    }
    const dir = join(freshDirPath("too-many-images"), "bike-share-report");
    checkDocumentFolder(dir, { model: true });
    expect(readJson<{ maxImages: number }>(join(dir, "plan.json")).maxImages).toBe(1);
  });

  it("--dry-run sends nothing and writes the exact request bodies without the key", async () => {
    const r = await run("dry-run", ["--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const dir = join(freshDirPath("dry-run"), "bike-share-report");
    const bodies = readdirSync(join(dir, "requests"));
    expect(bodies).toEqual(["r1.json"]);
    const body = readJson<{ messages: Array<{ content: unknown }>; response_format: { type: string } }>(join(dir, "requests", "r1.json"));
    expect(JSON.stringify(body)).toMatch(/data:image\/(png|jpeg);base64,/);
    expect(JSON.stringify(body)).not.toContain(KEY);
    expect(body.response_format.type).toBe("json_schema");
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
    expect(r.stderr).toMatch(/dry run: no request sent/);
  });

  it("--schema: the model fills the user's schema, written to result.json", async () => {
    const schemaFile = join(freshDir("schema-file"), "invoice.json");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      schemaFile,
      JSON.stringify({
        title: "station_facts",
        type: "object",
        properties: { stations: { type: "integer" }, busiest: { type: "string" }, pages: { type: "array", items: { type: "integer" } } },
        required: ["stations", "busiest", "pages"],
        additionalProperties: false,
      }),
    );
    const r = await run("schema", ["--schema", schemaFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].body.response_format.json_schema.name).toBe("station_facts");
    const dir = join(freshDirPath("schema"), "bike-share-report");
    const result = readJson<Record<string, unknown>>(join(dir, "result.json"));
    expect(Object.keys(result).sort()).toEqual(["busiest", "pages", "stations"]);
    expect(Number.isInteger(result.stations)).toBe(true);
    expect(existsSync(join(dir, "summary.json"))).toBe(false);
    // no report is written for a custom result, and none is claimed
    expect(existsSync(join(dir, "report.html"))).toBe(false);
    expect(r.stderr).toMatch(/wrote .*\(result\.json, usage\.json\)/);
    expect(r.stderr).not.toMatch(/report\.html/);
  });
});

/** The folder run() wrote to (freshDir would empty it). */
function freshDirPath(name: string): string {
  return join(repoRoot, "test-output", "e2e", "faults", name);
}
