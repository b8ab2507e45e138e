import { copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runBatch } from "../../src/batch/run.js";
import type { BatchEvent, DocumentRunner } from "../../src/batch/types.js";
import { repoRoot, testOutDir } from "../support/paths.js";

describe("batch start order", () => {
  const runner: DocumentRunner = async (pdf, _outDir, ctx) => {
    ctx.onEvent({
      type: "planned",
      document: pdf,
      mode: "single",
      requests: 1,
      estimatedInputTokens: 1000,
      estimatedCostUSD: 0,
      attempt: 1,
      dryRun: false,
    });
    await ctx.requestSlots.run(async () => new Promise((r) => setTimeout(r, 5)));
    return { pages: 1, figures: 0, requests: 1, inputTokens: 0, outputTokens: 0, costUSD: 0 };
  };

  it("starts the smallest file, then the rest largest first when pages cannot be counted; the index keeps the input order", async () => {
    const dir = testOutDir("batch-order");
    rmSync(dir, { recursive: true, force: true });
    const input = join(dir, "in");
    mkdirSync(input, { recursive: true });
    const sizes: Record<string, number> = { "a.pdf": 3000, "b.pdf": 100, "c.pdf": 9000, "d.pdf": 500, "e.pdf": 6000 };
    for (const [name, size] of Object.entries(sizes)) writeFileSync(join(input, name), Buffer.alloc(size, 0x25));
    const started: string[] = [];
    const onEvent = (e: BatchEvent) => {
      if (e.type === "document-start") started.push(basename(e.document));
    };
    const result = await runBatch([input], runner, { out: join(dir, "out"), concurrency: 1, requests: 1, optionsHash: "x" }, { onEvent });
    expect(started).toEqual(["b.pdf", "c.pdf", "e.pdf", "a.pdf", "d.pdf"]);
    // with request slots scarce (no more than two per extracting document), as many small files
    // open the run as there are slots
    started.length = 0;
    await runBatch([input], runner, { out: join(dir, "out2"), concurrency: 1, requests: 2, optionsHash: "x" }, { onEvent });
    expect(started).toEqual(["b.pdf", "d.pdf", "c.pdf", "e.pdf", "a.pdf"]);
    expect(result.index.documents.map((d) => basename(d.document))).toEqual(["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"]);
    expect(result.exitCode).toBe(0);
  });

  it("after the smallest file, starts the documents with the most pages first, whatever their size", async () => {
    const dir = testOutDir("batch-order-pages");
    rmSync(dir, { recursive: true, force: true });
    const input = join(dir, "in");
    mkdirSync(input, { recursive: true });
    // bytes: scan-like > illustrated-report > bike-share > two-columns; pages: 2, 7, 5, 2
    for (const f of ["scan-like.pdf", "illustrated-report.pdf", "two-columns.pdf", "sample/bike-share-report.pdf"]) {
      copyFileSync(join(repoRoot, "fixtures", f), join(input, basename(f)));
    }
    const size = (f: string) => statSync(join(input, f)).size;
    expect(size("scan-like.pdf")).toBeGreaterThan(size("illustrated-report.pdf"));
    expect(size("illustrated-report.pdf")).toBeGreaterThan(size("bike-share-report.pdf"));
    const started: string[] = [];
    const onEvent = (e: BatchEvent) => {
      if (e.type === "document-start") started.push(basename(e.document));
    };
    // all the time counting needs, however loaded the machine: the order, not the budget, is tested here
    await runBatch(
      [input],
      runner,
      { out: join(dir, "out"), concurrency: 1, requests: 1, optionsHash: "x", countPagesMs: 600_000 },
      { onEvent },
    );
    expect(started).toEqual(["two-columns.pdf", "illustrated-report.pdf", "bike-share-report.pdf", "scan-like.pdf"]);
  });
});
