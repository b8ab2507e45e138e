/**
 * Acceptance tests of extraction on the project's own fixtures. The fixtures and their ground truth come from scripts/make-fixtures.ts;
 * the truth is recorded while the generator draws, so these tests compare extract() with what
 * is really on the page.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFixtures } from "../../scripts/fixtures/build.js";
import type { Truth, TruthBBox } from "../../scripts/fixtures/truth.js";
import { extract } from "../../src/extract/index.js";
import { figureBlocks, type Extraction } from "../../src/model/document.js";
import { repoRoot } from "../support/paths.js";

const fixturesDir = join(repoRoot, "fixtures");
const FIXTURES = [
  "illustrated-report",
  "sample/bike-share-report",
  "two-columns",
  "scan-like",
  "scanned-pages",
  "small-pictures",
  "scans/flate-bilevel-600dpi",
];

function readTruth(name: string): Truth {
  return JSON.parse(readFileSync(join(fixturesDir, `${name}.truth.json`), "utf8")) as Truth;
}

/** Whitespace and typographic variants are not what these tests are about. */
function norm(s: string): string {
  return s
    .normalize("NFKC")
    .replace(/\u00ad/g, "")
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, " ")
    .trim();
}

function iou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  const area = (r: readonly number[]) => Math.max(0, r[2] - r[0]) * Math.max(0, r[3] - r[1]);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

const short = (s: string, n = 70) => (s.length > n ? `${s.slice(0, n)}…` : s);
const fmtBox = (b: readonly number[]) => `[${b.map((v) => Math.round(v)).join(",")}]`;

describe("fixture generator", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "longdoc-fixtures-"));
    await generateFixtures(tmp);
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("regenerates byte-identical ground truth", () => {
    for (const name of FIXTURES) {
      const committed = readFileSync(join(fixturesDir, `${name}.truth.json`), "utf8");
      const fresh = readFileSync(join(tmp, `${name}.truth.json`), "utf8");
      expect(fresh, `${name}.truth.json differs from a fresh run: run npm run fixtures`).toBe(committed);
    }
  });

  it("regenerates byte-identical PDFs", () => {
    for (const name of FIXTURES) {
      const committed = readFileSync(join(fixturesDir, `${name}.pdf`));
      const fresh = readFileSync(join(tmp, `${name}.pdf`));
      expect(fresh.equals(committed), `${name}.pdf differs from a fresh run: run npm run fixtures`).toBe(true);
    }
  });

  it("keeps the committed fixtures small", () => {
    let total = 0;
    for (const name of FIXTURES) {
      const bytes = statSync(join(fixturesDir, `${name}.pdf`)).size;
      expect(bytes, `${name}.pdf`).toBeLessThan(300 * 1024);
      total += bytes + statSync(join(fixturesDir, `${name}.truth.json`)).size;
    }
    expect(total).toBeLessThan(1.5 * 1024 * 1024);
  });

  it("writes truth that matches the PDFs it describes", async () => {
    for (const name of FIXTURES) {
      const truth = readTruth(name);
      const pdf = await PDFDocument.load(readFileSync(join(fixturesDir, `${name}.pdf`)));
      expect(pdf.getPageCount(), name).toBe(truth.pages);
      expect(truth.textLayer).toHaveLength(truth.pages);
      for (const f of truth.figures) {
        expect(f.page).toBeGreaterThanOrEqual(1);
        expect(f.page).toBeLessThanOrEqual(truth.pages);
        expect(f.bbox[2]).toBeGreaterThan(f.bbox[0]);
        expect(f.bbox[3]).toBeGreaterThan(f.bbox[1]);
      }
    }
    // the report exercises what extraction must handle: hyphenation, every figure kind we draw, a logo
    const report = readTruth("illustrated-report");
    expect(report.pages).toBeGreaterThanOrEqual(6);
    expect(report.hyphenatedWords.length).toBeGreaterThan(0);
    expect(new Set(report.figures.map((f) => f.kind))).toEqual(new Set(["raster", "vector"]));
    expect(report.decorations.filter((d) => d.what === "logo")).toHaveLength(report.pages);
    expect(readTruth("sample/bike-share-report").figures).toHaveLength(3);
    expect(readTruth("two-columns").hyphenatedWords.length).toBeGreaterThan(0);
    expect(readTruth("scan-like").figures.map((f) => f.kind)).toEqual(["page-scan"]);
    // more scanned pages than a small image cap, each an image of the same size at the same place
    expect(readTruth("scanned-pages").figures.map((f) => f.kind)).toEqual(new Array(6).fill("page-scan"));
  });
});

for (const name of FIXTURES) {
  describe(`extract() on fixtures/${name}.pdf`, () => {
    const truth = readTruth(name);
    let ex: Extraction;
    beforeAll(async () => {
      ex = await extract(join(fixturesDir, `${name}.pdf`));
    });

    const paragraphBlocks = () =>
      ex.document.pages.flatMap((p) => p.blocks.flatMap((b) => (b.type === "paragraph" ? [{ page: p.number, text: norm(b.text) }] : [])));
    const textBlocks = () =>
      ex.document.pages.flatMap((p) =>
        p.blocks.flatMap((b) =>
          b.type === "paragraph" || b.type === "heading" ? [{ page: p.number, type: b.type, text: norm(b.text) }] : [],
        ),
      );

    it("has every page, with a text layer exactly where there is text", () => {
      expect(ex.document.pages.map((p) => p.number)).toEqual(Array.from({ length: truth.pages }, (_, i) => i + 1));
      expect(ex.document.pages.map((p) => p.textLayer)).toEqual(truth.textLayer);
    });

    it("finds every known paragraph exactly once, whole and in reading order", () => {
      const blocks = paragraphBlocks();
      const problems: string[] = [];
      let last = -1;
      truth.paragraphs.forEach((raw, k) => {
        const t = norm(raw);
        const exact = blocks.flatMap((b, i) => (b.text === t ? [i] : []));
        const inside = blocks.flatMap((b, i) => (b.text !== t && b.text.includes(t) ? [i] : []));
        if (exact.length === 1 && inside.length === 0) {
          if (exact[0] <= last) problems.push(`#${k} out of order (block ${exact[0]} after ${last}): "${short(t)}"`);
          last = exact[0];
          return;
        }
        if (exact.length + inside.length > 1) {
          problems.push(`#${k} appears ${exact.length + inside.length} times: "${short(t)}"`);
        } else if (inside.length === 1) {
          const b = blocks[inside[0]];
          problems.push(`#${k} merged with other text in block ${inside[0]} (p${b.page}): "${short(b.text, 160)}"`);
        } else {
          const head = t.slice(0, 40);
          const parts = blocks.filter((b) => b.text.length >= 20 && t.includes(b.text));
          const near = blocks.find((b) => b.text.includes(head));
          problems.push(
            parts.length > 1
              ? `#${k} split into ${parts.length} blocks: "${short(t)}"`
              : near
                ? `#${k} not found whole; its start is in p${near.page}: "${short(near.text, 200)}" (expected "${short(t, 200)}")`
                : `#${k} missing: "${short(t)}"`,
          );
        }
      });
      expect(problems).toEqual([]);
    });

    it("finds every heading on its page, in order, as a heading", () => {
      const headings = ex.document.pages.flatMap((p) =>
        p.blocks.flatMap((b) => (b.type === "heading" ? [{ page: p.number, text: norm(b.text), level: b.level }] : [])),
      );
      const problems: string[] = [];
      let last = -1;
      for (const h of truth.headings) {
        const i = headings.findIndex((g, j) => j > last && g.page === h.page && g.text === norm(h.text));
        if (i < 0) {
          const onPage = headings.filter((g) => g.page === h.page).map((g) => g.text);
          problems.push(`p${h.page} heading "${h.text}" not found (headings on that page: ${JSON.stringify(onPage)})`);
        } else last = i;
      }
      expect(problems).toEqual([]);
      // the title outranks section headings, which outrank subsections
      const levelOf = (text: string) => headings.find((g) => g.text === norm(text))?.level;
      for (const a of truth.headings) {
        for (const b of truth.headings) {
          if (a.level < b.level) expect(levelOf(a.text)!, `"${a.text}" vs "${b.text}"`).toBeLessThan(levelOf(b.text)!);
        }
      }
    });

    if (truth.decorations.some((d) => d.text)) {
      it("drops running headers, footers and page numbers from the text", () => {
        const problems: string[] = [];
        for (const b of textBlocks()) {
          for (const d of truth.decorations) {
            if (!d.text || d.page !== b.page) continue;
            const leaked = d.what === "page-number" ? b.text === d.text || b.text.endsWith(` ${d.text}`) : b.text.includes(norm(d.text));
            if (leaked) problems.push(`p${b.page} ${b.type} contains the ${d.what} "${d.text}": "${short(b.text)}"`);
          }
        }
        expect(problems).toEqual([]);
      });
    }

    it("keeps captions, figure labels and table cells out of the paragraphs", () => {
      const known = new Set(truth.paragraphs.map(norm));
      const extra = paragraphBlocks().filter((b) => !known.has(b.text) && ![...known].some((t) => b.text.includes(t)));
      expect(extra.map((b) => `p${b.page}: "${short(b.text)}"`)).toEqual([]);
    });

    it("finds every ground-truth figure once, on its page, with its caption and box", () => {
      const figs = figureBlocks(ex.document);
      const problems: string[] = [];
      for (const f of truth.figures) {
        const hits = figs.filter((g) => g.page === f.page && iou(g.bbox, f.bbox) >= 0.5);
        const label = `p${f.page} ${f.kind} ${fmtBox(f.bbox)} "${short(f.caption ?? "(no caption)", 40)}"`;
        if (hits.length !== 1) {
          const onPage = figs
            .filter((g) => g.page === f.page)
            .map((g) => `${g.id} ${fmtBox(g.bbox)} IoU ${iou(g.bbox, f.bbox).toFixed(2)}`);
          problems.push(`${label}: ${hits.length} matches (figures on page: ${onPage.join("; ") || "none"})`);
          continue;
        }
        const got = hits[0].caption === undefined ? undefined : norm(hits[0].caption);
        const want = f.caption === undefined ? undefined : norm(f.caption);
        if (got !== want) problems.push(`${label}: caption is ${JSON.stringify(got)}`);
      }
      expect(problems).toEqual([]);
    });

    it("finds nothing else as a figure (the repeated logo and header rule are decorations)", () => {
      const extra = figureBlocks(ex.document).filter((g) => !truth.figures.some((f) => f.page === g.page && iou(g.bbox, f.bbox) >= 0.5));
      const describe = (g: { id: string; bbox: TruthBBox | number[]; page: number }) => {
        const deco = truth.decorations.find((d) => d.page === g.page && iou(g.bbox, d.bbox) > 0.3);
        return `${g.id} ${fmtBox(g.bbox)}${deco ? ` (the ${deco.what})` : ""}`;
      };
      expect(extra.map(describe)).toEqual([]);
      expect(figureBlocks(ex.document)).toHaveLength(truth.figures.length);
    });

    it("classifies each figure's kind", () => {
      const figs = figureBlocks(ex.document);
      const kinds = truth.figures.map((f) => {
        const g = figs.find((x) => x.page === f.page && iou(x.bbox, f.bbox) >= 0.5);
        // a ruled drawing whose cells were recovered is a table: drawn with paths, so "vector" in the truth
        const kind = g?.kind === "table" && /^table/i.test(f.caption ?? "") ? "vector" : g?.kind;
        return `p${f.page} ${kind ?? "(not found)"}`;
      });
      expect(kinds).toEqual(truth.figures.map((f) => `p${f.page} ${f.kind}`));
    });

    it.runIf(truth.figures.length > 0)("writes a figure image that is not blank for every figure", async () => {
      const figs = figureBlocks(ex.document);
      expect(figs.length).toBeGreaterThan(0);
      for (const g of figs) {
        const img = ex.figures.get(g.id);
        expect(img, `image for ${g.id}`).toBeDefined();
        const meta = await sharp(img!.data).metadata();
        expect([meta.width, meta.height], g.id).toEqual([g.width, g.height]);
        expect(Math.max(g.width, g.height), g.id).toBeLessThanOrEqual(1540);
        const stats = await sharp(img!.data).stats();
        const spread = Math.max(...stats.channels.slice(0, 3).map((c) => c.stdev));
        expect(spread, `${g.id} looks blank (max channel stdev ${spread.toFixed(1)})`).toBeGreaterThan(8);
      }
    });
  });
}
