/**
 * Running heads against numbered headings that repeat on every page: the generated illustrated
 * book sets "Chapter N, page N" at the top of each page, larger than its body, and that is content.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildIllustratedBook } from "../../../scripts/fixtures/long-book.js";
import { extract } from "../../../src/extract/index.js";
import { findRunningHeads } from "../../../src/extract/layout/running-heads.js";
import type { PageLayout, TextLine } from "../../../src/extract/types.js";
import type { DocumentModel } from "../../../src/model/document.js";

const line = (text: string, y: number, size: number): TextLine => ({
  text,
  bbox: [72, y, 400, y + size],
  fontSize: size,
  bold: false,
  fontName: "F",
});

function page(n: number, top: TextLine, bottom?: TextLine): PageLayout {
  const body = Array.from({ length: 20 }, (_, i) => line(`body text of page ${n}, line ${i}, set in the ten point face`, 200 + i * 14, 10));
  return { number: n, width: 595, height: 842, textLayer: true, lines: [top, ...body, ...(bottom ? [bottom] : [])] };
}

describe("running heads and numbered headings", () => {
  it("keeps a heading larger than the body that differs from page to page by its numbers", () => {
    const pages = [1, 2, 3, 4].map((n) => page(n, line(`Chapter 1, page ${n}`, 40, 15), line(`Riverton Waterworks ${n}`, 800, 8)));
    for (const heads of findRunningHeads(pages)) expect([...heads]).toEqual([21]);
  });

  it("still drops a large header that reads the same on every page, and a body-size one with a page number", () => {
    const large = [1, 2, 3].map((n) => page(n, line("ANNUAL REPORT", 40, 15)));
    for (const heads of findRunningHeads(large)) expect([...heads]).toEqual([0]);
    const small = [1, 2, 3].map((n) => page(n, line(`Annual report, page ${n}`, 40, 10)));
    for (const heads of findRunningHeads(small)) expect([...heads]).toEqual([0]);
  });
});

describe("generated illustrated book", () => {
  let tmp: string;
  let doc: DocumentModel;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "longdoc-book-"));
    const file = join(tmp, "book.pdf");
    writeFileSync(file, await buildIllustratedBook(8));
    doc = (await extract(file, { render: false })).document;
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("keeps each page's 'Chapter N, page N' line", () => {
    expect(doc.pages).toHaveLength(8);
    for (const p of doc.pages) {
      const text = p.blocks.map((b) => (b.type === "figure" ? "" : b.text)).join("\n");
      expect(text, `page ${p.number}`).toContain(`Chapter 1, page ${p.number}`);
    }
  });
});
