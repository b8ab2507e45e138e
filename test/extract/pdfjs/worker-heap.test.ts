/**
 * A page that exhausts the pdf.js worker's heap costs that page, not the document: the worker is
 * replaced and the pages after it are read. The worker's limit is lowered (LONGDOC_WORKER_HEAP_MB,
 * read when a worker starts) so that a page whose forms double 30 levels deep fills it long before
 * its time or operator limits would cut it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formBombInTheMiddle } from "../../../scripts/fixtures/hostile.js";
import { extract } from "../../../src/extract/index.js";

const tmp = mkdtempSync(join(tmpdir(), "longdoc-worker-heap-"));
const saved = process.env.LONGDOC_WORKER_HEAP_MB;
beforeAll(() => {
  process.env.LONGDOC_WORKER_HEAP_MB = "64";
});
afterAll(() => {
  if (saved === undefined) delete process.env.LONGDOC_WORKER_HEAP_MB;
  else process.env.LONGDOC_WORKER_HEAP_MB = saved;
  rmSync(tmp, { recursive: true, force: true });
});

function heapBombInTheMiddle(): string {
  const file = join(tmp, "heap-bomb-in-the-middle.pdf");
  writeFileSync(file, formBombInTheMiddle());
  return file;
}

describe("a worker whose heap runs out", () => {
  it("costs one page: the document finishes with that page's warning and the other pages' text", { timeout: 180_000 }, async () => {
    // limits far above what the page reaches before the heap is full
    const { document } = await extract(heapBombInTheMiddle(), { pageTimeoutMs: 120_000, timeoutMs: 170_000 });
    expect(document.pages).toHaveLength(3);
    const text = (n: number) => document.pages[n - 1].blocks.map((b) => ("text" in b ? b.text : "")).join(" ");
    expect(text(1)).toContain("Page 1 says hello");
    expect(text(3)).toContain("Page 3 says hello");
    const warnings = document.warnings.join("\n");
    expect(warnings).toMatch(/page 2: .*crashed the PDF reader.*(heap|memory)/i);
    expect(warnings).not.toMatch(/page [13]: /);
  });
});
