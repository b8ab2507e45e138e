import { describe, expect, it } from "vitest";
import { readingOrder } from "../../../src/extract/layout/columns.js";
import { joinLines } from "../../../src/extract/layout/paragraphs.js";
import { parsePageRange } from "../../../src/extract/pages-range.js";
import { findRunningHeads } from "../../../src/extract/layout/running-heads.js";
import { isUsableText } from "../../../src/extract/layout/text-layer.js";
import { renderDocumentMarkdown } from "../../../src/extract/document-markdown.js";
import { InputError } from "../../../src/errors.js";
import type { PageLayout, TextLine } from "../../../src/extract/types.js";
import type { DocumentModel } from "../../../src/model/document.js";

const line = (text: string, x0: number, y0: number, x1: number, size = 10): TextLine => ({
  text,
  bbox: [x0, y0, x1, y0 + size],
  fontSize: size,
  bold: false,
  fontName: "Body",
});

describe("page ranges", () => {
  it("parses lists, spans and open ends, sorted and deduplicated", () => {
    expect(parsePageRange("3,1-2,2", 10)).toEqual([1, 2, 3]);
    expect(parsePageRange("8-", 10)).toEqual([8, 9, 10]);
    expect(parsePageRange("9-40", 10)).toEqual([9, 10]);
    expect(parsePageRange(undefined, 3)).toEqual([1, 2, 3]);
  });
  it("rejects malformed ranges and ranges past the end", () => {
    expect(() => parsePageRange("a-b", 10)).toThrow(InputError);
    expect(() => parsePageRange("5-2", 10)).toThrow(InputError);
    expect(() => parsePageRange("11", 10)).toThrow(/outside the document/);
  });
});

describe("reading order", () => {
  it("reads two columns set on the same baselines column by column", () => {
    const lines: TextLine[] = [];
    for (let i = 0; i < 5; i++) {
      lines.push(line(`L${i}`, 50, 100 + i * 12, 290));
      lines.push(line(`R${i}`, 305, 100 + i * 12, 545));
    }
    lines.push(line("Title across both columns", 50, 60, 545, 16));
    const order = readingOrder(lines, 10).map((o) => o.item.text);
    expect(order).toEqual(["Title across both columns", "L0", "L1", "L2", "L3", "L4", "R0", "R1", "R2", "R3", "R4"]);
  });
  it("reads a full-width block between two-column parts in place", () => {
    const lines: TextLine[] = [
      line("A1", 50, 100, 290),
      line("B1", 305, 100, 545),
      line("A2", 50, 112, 290),
      line("B2", 305, 112, 545),
      line("Wide", 50, 150, 545),
      line("C1", 50, 190, 290),
      line("D1", 305, 190, 545),
    ];
    expect(readingOrder(lines, 10).map((o) => o.item.text)).toEqual(["A1", "A2", "B1", "B2", "Wide", "C1", "D1"]);
  });
});

describe("joining lines", () => {
  it("rejoins hyphenated words, keeps real compounds and joins CJK without spaces", () => {
    expect(joinLines(["the specula-", "tion holds"])).toBe("the speculation holds");
    expect(joinLines(["Lucene-", "BM25 system"])).toBe("Lucene-BM25 system");
    expect(joinLines(["一二三", "四五"])).toBe("一二三四五");
    expect(joinLines(["two", "lines"])).toBe("two lines");
  });
});

describe("running heads", () => {
  const page = (n: number, body: string): PageLayout => ({
    number: n,
    width: 600,
    height: 800,
    textLayer: true,
    lines: [line("Journal of Things, vol. 3", 50, 30, 300), line(body, 50, 300, 500), line(`${n}`, 290, 770, 300)],
  });
  it("drops a header repeated on 3+ pages and bare page numbers, keeps body lines", () => {
    const pages = [page(1, "alpha"), page(2, "beta"), page(3, "gamma")];
    const heads = findRunningHeads(pages);
    for (const set of heads) expect([...set].sort()).toEqual([0, 2]);
  });
  it("keeps a line in the header band that appears only once", () => {
    const pages = [page(1, "alpha"), page(2, "beta"), page(3, "gamma")];
    pages[0].lines[0] = line("A unique title at the top", 50, 30, 300);
    expect(findRunningHeads(pages)[0].has(0)).toBe(false);
  });
});

describe("text layer check", () => {
  it("tells real text from unmapped glyphs", () => {
    expect(isUsableText(["Hello world, this is text."])).toBe(true);
    expect(isUsableText(["\u0002\u0003\u0004\u0005\u0003\u0006", "\u0004\b \u0004\u000e"])).toBe(false);
    expect(isUsableText([" ", ""])).toBe(false);
  });
});

describe("document.md", () => {
  it("writes headings, paragraphs and figures with their captions in block order", () => {
    const doc: DocumentModel = {
      schemaVersion: 1,
      source: { path: "x.pdf", sha256: "0".repeat(64), bytes: 1, pages: 1, encrypted: false },
      outline: [],
      warnings: [],
      pages: [
        {
          number: 3,
          width: 600,
          height: 800,
          textLayer: true,
          blocks: [
            { type: "heading", level: 2, text: "Results" },
            { type: "paragraph", text: "1. Not a list" },
            {
              type: "figure",
              id: "p3-f1",
              kind: "vector",
              bbox: [0, 0, 1, 1],
              caption: "Figure 1. A chart",
              file: "figures/p3-f1.png",
              width: 10,
              height: 10,
            },
          ],
        },
      ],
    };
    const md = renderDocumentMarkdown(doc);
    const h = md.indexOf("## Results");
    const p = md.indexOf("1\\. Not a list");
    const f = md.indexOf("![p3-f1](figures/p3-f1.png)");
    expect(h).toBeGreaterThanOrEqual(0);
    expect(p).toBeGreaterThan(h);
    expect(f).toBeGreaterThan(p);
    expect(md).toContain("*Figure 1. A chart*");
  });
});
