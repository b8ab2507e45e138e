/**
 * Real documents against the fake server: a 619-page document needs map requests and a reduce,
 * a short paper goes in one request. Slow (extraction of 619 pages): one run each.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { corpusFile, hasCorpus } from "../support/paths.js";
import { checkDocumentFolder, freshDir, readJson } from "./helpers.js";

const KEY = "sk-test-corpus-0000";

describe.skipIf(!hasCorpus)("real corpus documents (fake Mistral server)", () => {
  let server: FakeServer;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "mistral", apiKey: KEY });
  });
  afterAll(() => server.close());

  it("DA-619p.pdf is summarised with map requests and a reduce", { timeout: 900_000 }, async () => {
    const out = freshDir("corpus/da");
    const before = server.requests.length;
    const r = await runCli(
      ["summarize", corpusFile("real/DA-619p.pdf"), "--provider", "mistral", "--base-url", server.url, "--out", out, "--no-cache"],
      {
        env: { MISTRAL_API_KEY: KEY },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const dir = join(out, "DA-619p");
    const plan = readJson<{ mode: string; window: number; requests: Array<{ kind: string; totalTokens: number }> }>(join(dir, "plan.json"));
    expect(plan.mode).toBe("map-reduce");
    expect(plan.requests.filter((q) => q.kind === "map").length).toBeGreaterThan(1);
    const sent = server.requests.slice(before);
    expect(sent.every((q) => q.status === 200)).toBe(true);
    // the fake server counts tokens itself; nothing it received went past the window
    for (const q of sent) expect(q.promptTokens! + q.body.max_tokens).toBeLessThanOrEqual(262_144);
    const { summary, document } = checkDocumentFolder(dir, { model: true });
    expect(document.pages).toHaveLength(619);
    expect(summary.engine.mode).toBe("map-reduce");
    expect(summary.engine.requests).toBe(sent.length);
  });

  it("tracemonkey.pdf is summarised in one request", async () => {
    const out = freshDir("corpus/tracemonkey");
    const before = server.requests.length;
    const r = await runCli(
      ["summarize", corpusFile("real/tracemonkey.pdf"), "--provider", "mistral", "--base-url", server.url, "--out", out, "--no-cache"],
      {
        env: { MISTRAL_API_KEY: KEY },
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests.length - before).toBe(1);
    const { summary } = checkDocumentFolder(join(out, "tracemonkey"), { model: true });
    expect(summary.engine).toMatchObject({ mode: "single", requests: 1 });
    expect(summary.figures.length).toBeGreaterThan(0);
  });
});
