import { describe, expect, it } from "vitest";
import { PageAssembler } from "../../src/extract/assemble.js";
import type { DocMeta, PageAnalysis } from "../../src/extract/protocol.js";
import type { TextLine } from "../../src/extract/types.js";

const line = (text: string, y: number, size = 10, bold = false): TextLine => ({
  text,
  bbox: [60, y, 60 + text.length * size * 0.5, y + size],
  fontSize: size,
  bold,
  fontName: "Body",
});

/**
 * A document whose cross-page facts change as pages arrive: a header repeated on every page, a
 * footer line ("Appendix notes") on pages 1, 7 and 8 only (a running head only once page 8 is in),
 * and a 20 pt heading size used on one late page, which changes the heading scale.
 */
function documentPages(): PageAnalysis[] {
  const pages: PageAnalysis[] = [];
  for (let n = 1; n <= 8; n++) {
    const lines: TextLine[] = [line("Harbour bikes annual report", 20, 8)];
    if (n === 6) lines.push(line("A late chapter", 60, 20, true));
    lines.push(line(`Section ${n}`, 90, 14, true));
    for (let k = 0; k < 6; k++) lines.push(line(`Body text of page ${n}, line ${k}, which runs on into the next line of the paragraph`, 120 + k * 13));
    if (n === 1 || n >= 7) lines.push(line("Appendix notes", 800, 8));
    lines.push(line(String(n), 815, 8));
    pages.push({
      layout: { number: n, width: 595, height: 842, lines, textLayer: true },
      candidates: { page: n, width: 595, height: 842, images: [], drawings: [], textOps: lines.length, warnings: [] },
    });
  }
  return pages;
}

const meta = (): DocMeta => ({ numPages: 8, encrypted: false, outline: [{ title: "Section 3", page: 3, level: 1 }] });
const finish = (a: PageAssembler, pages: PageAnalysis[]) => JSON.stringify(a.finish("doc.pdf", "0".repeat(64), 1000, meta(), pages).document);

describe("PageAssembler: pages built ahead while the worker reads on", () => {
  it("gives the same document as building every page at the end, whatever order the runs arrive in", () => {
    const atEnd = finish(new PageAssembler(), documentPages());
    for (const order of [
      [0, 1, 2, 3],
      [3, 1, 0, 2],
    ]) {
      const pages = documentPages();
      const runs = [pages.slice(0, 2), pages.slice(2, 4), pages.slice(4, 6), pages.slice(6, 8)];
      const ahead = new PageAssembler();
      ahead.setOutline(meta().outline);
      for (const r of order) ahead.add(runs[r]);
      expect(finish(ahead, pages)).toBe(atEnd);
    }
  });

  it("drops the late running head and ranks the late heading size on every page", () => {
    const a = new PageAssembler();
    a.setOutline(meta().outline);
    const pages = documentPages();
    a.add(pages.slice(0, 2));
    a.add(pages.slice(2));
    const doc = a.finish("doc.pdf", "0".repeat(64), 1000, meta(), pages).document;
    const texts = doc.pages.flatMap((p) => p.blocks.map((b) => ("text" in b ? b.text : "")));
    expect(texts).not.toContain("Appendix notes");
    expect(texts.some((t) => t.startsWith("Harbour bikes"))).toBe(false);
    const page1 = doc.pages[0].blocks.find((b) => b.type === "heading" && b.text === "Section 1");
    // 20 pt ranks first, so 14 pt headings are level 2 (page 1 was built before 20 pt was seen)
    expect(page1).toMatchObject({ type: "heading", level: 2 });
  });
});
