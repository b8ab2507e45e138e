/**
 * The document's deadline passing after its pages are read and before its figures are drawn: the
 * text is whole, the figures are left out, and one warning names their pages and the limit. The
 * deadline is passed exactly by moving extract()'s clock once the last page is read, not by timing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Truth } from "../../scripts/fixtures/truth.js";
import { extract } from "../../src/extract/index.js";
import { figureBlocks } from "../../src/model/document.js";
import { repoRoot } from "../support/paths.js";

const file = join(repoRoot, "fixtures", "illustrated-report.pdf");
const truth = JSON.parse(readFileSync(join(repoRoot, "fixtures", "illustrated-report.truth.json"), "utf8")) as Truth;
const LIMIT_MS = 60_000;

describe("figures left out at the document's time limit", () => {
  it("keeps every page's text and names the pages whose figures were not drawn", { timeout: 60_000 }, async () => {
    let skew = 0;
    let read = 0;
    const { document, figures } = await extract(
      file,
      {
        timeoutMs: LIMIT_MS,
        // the last page read: the clock jumps past the deadline, before any figure is drawn
        onPageRead: () => {
          if (++read === truth.pages) skew = LIMIT_MS + 1;
        },
      },
      { now: () => Date.now() + skew },
    );
    expect(read).toBe(truth.pages);
    expect(figures.size).toBe(0);
    expect(figureBlocks(document)).toEqual([]);
    const text = document.pages.flatMap((p) => p.blocks.map((b) => ("text" in b ? b.text : ""))).join("\n");
    for (const paragraph of truth.paragraphs) expect(text).toContain(paragraph);
    const figurePages = [...new Set(truth.figures.map((f) => f.page))].sort((a, b) => a - b);
    expect(figurePages).toEqual([2, 3, 5, 6]);
    const late = document.warnings.filter((w) => /time limit/.test(w));
    expect(late).toEqual([
      `figures of pages 2–3, 5–6 left out: the document's time limit (60 s, --timeout) was reached before they were drawn`,
    ]);
    // nothing else is blamed for the missing figures
    expect(document.warnings.join("\n")).not.toMatch(/could not be rendered/);
  });

  it("draws every figure when the clock stays within the limit", { timeout: 60_000 }, async () => {
    const { document, figures } = await extract(file, { timeoutMs: LIMIT_MS }, { now: () => Date.now() });
    expect(figures.size).toBe(truth.figures.length);
    expect(document.warnings.join("\n")).not.toMatch(/time limit/);
  });
});
