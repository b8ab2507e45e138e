/**
 * The text items read from the operator list's glyphs must equal pdf.js's own getTextContent
 * items (text, font, width, position), page by page: the layout was tuned on the latter.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  PDFDocument,
  StandardFonts,
  beginText,
  endText,
  moveText,
  nextLine,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSpacing,
  setCharacterSqueeze,
  setFontAndSize,
  setLineHeight,
  setTextRise,
  setWordSpacing,
  showText,
  concatTransformationMatrix,
} from "pdf-lib";
import { describe, expect, it } from "vitest";
import { textItemsFromOperatorList, type GlyphFont } from "../../../src/extract/pdfjs/glyph-text.js";
import { openPdf } from "../../../src/extract/pdfjs/open.js";
import type { PDFPageProxy } from "../../../src/extract/pdfjs/load.js";
import { corpusFile, hasCorpus, repoRoot } from "../../support/paths.js";

interface Comparison {
  pages: number;
  /** pages the glyph reader handed back to pdf.js (vertical, Type3, right-to-left) */
  fallbacks: number;
  items: number;
  mismatches: string[];
}

async function glyphItems(page: PDFPageProxy) {
  const opList = await page.getOperatorList();
  const fontOf = (id: string) => (page.commonObjs.has(id) ? (page.commonObjs.get(id) as GlyphFont) : undefined);
  return textItemsFromOperatorList(opList, fontOf, page.view);
}

async function compareWithPdfjs(file: string, data = new Uint8Array(readFileSync(file))): Promise<Comparison> {
  const { doc } = await openPdf(file, data);
  const out: Comparison = { pages: doc.numPages, fallbacks: 0, items: 0, mismatches: [] };
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const mine = await glyphItems(page);
      if (!mine) {
        out.fallbacks++;
        continue;
      }
      const content = await page.getTextContent();
      const ref = content.items.filter((it) => "str" in it && it.str !== "") as {
        str: string;
        width: number;
        transform: number[];
        fontName: string;
      }[];
      const got = mine.filter((it) => it.str !== "");
      out.items += got.length;
      if (ref.length !== got.length) out.mismatches.push(`page ${n}: ${ref.length} items from pdf.js, ${got.length} from glyphs`);
      for (let i = 0; i < Math.min(ref.length, got.length); i++) {
        const a = ref[i];
        const b = got[i];
        const near = (x: number, y: number) => Math.abs(x - y) < 0.01;
        if (
          a.str !== b.str ||
          a.fontName !== b.fontName ||
          !near(a.width, b.width) ||
          a.transform.some((v, k) => !near(v, b.transform[k]))
        ) {
          out.mismatches.push(`page ${n} item ${i}: ${JSON.stringify(a.str)} vs ${JSON.stringify(b.str)}`);
        }
      }
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  return out;
}

/** a page written with the text-state operators the port tracks */
async function textStatePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.TimesRomanBold);
  const page = pdf.addPage([400, 500]);
  const f = page.node.newFontDictionary("F1", font.ref);
  const b = page.node.newFontDictionary("F2", bold.ref);
  const enc = (s: string) => font.encodeText(s);
  page.pushOperators(
    beginText(),
    setFontAndSize(f, 12),
    moveText(40, 450),
    showText(enc("Plain words in a row")),
    setWordSpacing(6),
    setLineHeight(15),
    nextLine(),
    showText(enc("wide word spacing here")),
    setWordSpacing(0),
    setCharacterSpacing(1.5),
    nextLine(),
    showText(enc("tracked letters")),
    setCharacterSpacing(0),
    setCharacterSqueeze(70),
    nextLine(),
    showText(enc("condensed line")),
    setCharacterSqueeze(100),
    nextLine(),
    showText(enc("E = mc")),
    setTextRise(5),
    setFontAndSize(f, 7),
    showText(enc("2")),
    setTextRise(0),
    setFontAndSize(b, 12),
    showText(enc(" and bold after")),
    endText(),
    pushGraphicsState(),
    concatTransformationMatrix(0.8, 0, 0, 0.8, 40, 100),
    beginText(),
    setFontAndSize(f, 10),
    moveText(0, 200),
    showText(enc("scaled by the CTM")),
    moveText(200, 0),
    showText(enc("second column")),
    endText(),
    popGraphicsState(),
    pushGraphicsState(),
    concatTransformationMatrix(0, 1, -1, 0, 380, 60),
    beginText(),
    setFontAndSize(f, 9),
    showText(enc("rotated margin note")),
    endText(),
    popGraphicsState(),
  );
  // the same text again inside a form XObject, moved down
  const [embedded] = await pdf.embedPages([page], [{ left: 0, bottom: 200, right: 400, top: 500 }]);
  const second = pdf.addPage([400, 500]);
  second.drawPage(embedded, { x: 0, y: 100, xScale: 0.9, yScale: 0.9 });
  return pdf.save();
}

describe("text items from operator-list glyphs", () => {
  it("equal pdf.js's text content on a page using every text-state operator, also inside a form", async () => {
    const r = await compareWithPdfjs("text-state.pdf", new Uint8Array(await textStatePdf()));
    expect(r.fallbacks).toBe(0);
    expect(r.items).toBeGreaterThan(10);
    expect(r.mismatches).toEqual([]);
  });

  it.each(["two-columns.pdf", "illustrated-report.pdf"])("equal pdf.js's text content on fixture %s", async (name) => {
    const r = await compareWithPdfjs(join(repoRoot, "fixtures", name));
    expect(r.fallbacks).toBe(0);
    expect(r.items).toBeGreaterThan(20);
    expect(r.mismatches).toEqual([]);
  });
});

describe.skipIf(!hasCorpus)("text items from operator-list glyphs on the corpus", () => {
  it.each([
    "real/tracemonkey.pdf",
    "real/multi-column.pdf",
    "real/normal_4pages.pdf",
    "real/TAMReview.pdf",
    "edge/copy_paste_ligatures.pdf",
    "edge/hello_world_rotated.pdf",
    "edge/annotation-link-text-popup.pdf",
    "edge/bug1947248_forms.pdf",
    "edge/noembed-eucjp.pdf",
  ])(
    "equal pdf.js's text content on %s",
    async (rel) => {
      const r = await compareWithPdfjs(corpusFile(rel));
      // a page or two may go back to pdf.js (a Type3 font in a chart); most are read from glyphs
      expect(r.fallbacks).toBeLessThan(Math.max(1, r.pages / 4));
      expect(r.mismatches).toEqual([]);
    },
    60_000,
  );

  it("hands vertical writing and Type3 fonts back to pdf.js", async () => {
    for (const rel of ["edge/issue11555.pdf", "edge/bug1011159.pdf"]) {
      const { doc } = await openPdf(corpusFile(rel), new Uint8Array(readFileSync(corpusFile(rel))));
      try {
        expect(await glyphItems(await doc.getPage(1))).toBeUndefined();
      } finally {
        await doc.destroy();
      }
    }
  });
});
