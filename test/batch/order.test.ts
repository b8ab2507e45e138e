import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBatch } from "../../src/batch/run.js";
import type { BatchEvent, DocumentRunner } from "../../src/batch/types.js";
import { testOutDir } from "../support/paths.js";

describe("batch start order", () => {
  it("starts the smallest file, then the rest largest first; the index keeps the input order", async () => {
    const dir = testOutDir("batch-order");
    rmSync(dir, { recursive: true, force: true });
    const input = join(dir, "in");
    mkdirSync(input, { recursive: true });
    const sizes: Record<string, number> = { "a.pdf": 3000, "b.pdf": 100, "c.pdf": 9000, "d.pdf": 500, "e.pdf": 6000 };
    for (const [name, size] of Object.entries(sizes)) writeFileSync(join(input, name), Buffer.alloc(size, 0x25));
    const started: string[] = [];
    const runner: DocumentRunner = async (pdf, _outDir, ctx) => {
      ctx.onEvent({ kind: "planned", requests: 1, plannedCostUSD: 0 });
      await ctx.requestSlots.run(async () => new Promise((r) => setTimeout(r, 5)));
      return { pages: 1, figures: 0, requests: 1, inputTokens: 0, outputTokens: 0, costUSD: 0 };
    };
    const onEvent = (e: BatchEvent) => {
      if (e.type === "document-start") started.push(basename(e.document));
    };
    const result = await runBatch([input], runner, { out: join(dir, "out"), concurrency: 1, requests: 1, optionsHash: "x" }, { onEvent });
    expect(started).toEqual(["b.pdf", "c.pdf", "e.pdf", "a.pdf", "d.pdf"]);
    expect(result.index.documents.map((d) => basename(d.document))).toEqual(["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]);
    expect(result.exitCode).toBe(0);
  });
});
