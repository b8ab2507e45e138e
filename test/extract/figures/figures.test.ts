import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { extract } from "../../../src/extract/index.js";
import type { PageFigureCandidates } from "../../../src/extract/figures/analyze.js";
import { captionKind, findCaptions } from "../../../src/extract/figures/captions.js";
import { figurePixelSize } from "../../../src/extract/figures/render.js";
import { selectFigures } from "../../../src/extract/figures/select.js";
import type { PageLayout, TextLine } from "../../../src/extract/types.js";
import { figureBlocks, type Extraction } from "../../../src/model/document.js";
import { corpusFile, hasCorpus, testOutDir } from "../../support/paths.js";

const line = (text: string, bbox: [number, number, number, number], fontSize = 9): TextLine => ({
  text,
  bbox,
  fontSize,
  bold: false,
  fontName: "F1",
});
const layout = (number: number, lines: TextLine[], textLayer = true): PageLayout => ({
  number,
  width: 612,
  height: 792,
  lines,
  textLayer,
});
const page = (number: number, parts: Partial<PageFigureCandidates> = {}): PageFigureCandidates => ({
  page: number,
  width: 612,
  height: 792,
  images: [],
  drawings: [],
  textOps: 0,
  warnings: [],
  ...parts,
});
const image = (bbox: [number, number, number, number], px = 400, fingerprint = `i${px}@${bbox.join(",")}`) => ({
  bbox,
  pixelWidth: px,
  pixelHeight: px,
  fingerprint,
  mask: false,
});

/** the drawing evidence of a vector chart of 300 × 200 pt: many shaped and filled paths */
function vectorChart() {
  return {
    bbox: [100, 100, 400, 300] as [number, number, number, number],
    paths: 60,
    segments: 400,
    shapedPaths: 50,
    rulePaths: 10,
    filledPaths: 30,
    inkArea: 20000,
  };
}

describe("captions", () => {
  it("tells captions from references", () => {
    expect(captionKind("Figure 7-26. Self-locking nuts.")).toBe("figure");
    expect(captionKind("Fig. 3 Wiring")).toBe("figure");
    expect(captionKind("Table 2: Results")).toBe("table");
    expect(captionKind("그림 1 개요")).toBe("figure");
    expect(captionKind("표 3. 비교")).toBe("table");
    expect(captionKind("[표 1] 감염병예방법 제2조제2호 개정전·후 비교")).toBe("table");
    expect(captionKind("<그림 2> 보험금 지급 절차")).toBe("figure");
    expect(captionKind("[Figure 2] shows the loop")).toBeUndefined();
    expect(captionKind("Figure 3 shows an example LIR trace.")).toBeUndefined();
    expect(captionKind("Figures are important")).toBeUndefined();
  });

  it("joins the caption paragraph but not the body text after it", () => {
    const lines = [
      line("Figure 5. A tree with two traces, a trunk trace and one", [317, 222, 556, 231]),
      line("branch trace. The trunk trace contains a guard.", [317, 233, 556, 242]),
      line("Body text starts after a gap.", [317, 260, 556, 269]),
    ];
    const [cap] = findCaptions(lines);
    expect(cap.text).toBe("Figure 5. A tree with two traces, a trunk trace and one branch trace. The trunk trace contains a guard.");
    expect(cap.lines).toEqual([0, 1]);
  });
});

describe("captions next to tables", () => {
  it("does not run a caption on into the cells of the table below it", () => {
    const lines = [
      line("[표 1] 감염병예방법 개정전·후 비교", [65, 330, 269, 341], 11),
      line("구분", [69, 346, 86, 356], 10),
      line("개정전", [127, 346, 153, 356], 10),
    ];
    expect(findCaptions(lines)[0].lines).toEqual([0, 1, 2]); // no table known: reads as one paragraph
    const [cap] = findCaptions(lines, [[65, 343, 295, 517]]);
    expect(cap.kind).toBe("table");
    expect(cap.lines).toEqual([0]);
    expect(cap.text).toBe("[표 1] 감염병예방법 개정전·후 비교");
  });
});

describe("selectFigures", () => {
  it("merges touching fragments into one captioned figure", () => {
    const lines = [line("Figure 1. Two tiles.", [100, 312, 300, 321])];
    const [figs] = selectFigures(
      [page(1, { images: [image([100, 200, 200, 300]), image([200, 200, 300, 300]), image([302, 200, 340, 300])] })],
      [layout(1, lines)],
    );
    expect(figs).toHaveLength(1);
    expect(figs[0].bbox).toEqual([100, 200, 340, 300]);
    expect(figs[0].kind).toBe("raster");
    expect(figs[0].caption).toBe("Figure 1. Two tiles.");
    expect(figs[0].captionLines).toEqual([0]);
    expect(figs[0].sourceScale).toBe(4);
  });

  it("drops logos repeated on 3+ pages, tiny marks and backgrounds under text", () => {
    const logo = (_page: number) => image([500, 20, 580, 60], 200, "logo");
    const body = Array.from({ length: 30 }, (_, i) => line(`body text line ${i} of the page`, [72, 100 + i * 20, 540, 110 + i * 20]));
    const candidates = [
      page(1, { images: [logo(1), image([72, 500, 80, 508])] }),
      page(2, { images: [logo(2), image([0, 0, 612, 792], 1700)] }),
      page(3, { images: [logo(3), image([100, 400, 400, 600])] }),
    ];
    const figs = selectFigures(candidates, [layout(1, []), layout(2, body), layout(3, [])]);
    expect(figs.map((f) => f.length)).toEqual([0, 0, 1]);
    expect(figs[2][0].bbox).toEqual([100, 400, 400, 600]);
  });

  it("turns a scan without text layer, or a broken text layer, into one page-scan region", () => {
    const broken = Array.from({ length: 5 }, (_, i) => line("\u0001\u0002", [72, 100 + i * 12, 300, 110 + i * 12]));
    const figs = selectFigures(
      [page(1, { images: [image([0, 0, 612, 792], 1700)] }), page(2, { textOps: 40 }), page(3, { textOps: 1 })],
      [layout(1, [], false), layout(2, broken, false), layout(3, [], false)],
    );
    // no text anywhere to measure: the scan's text is assumed at body size (10 pt): 12 px at 792·12/10
    expect(figs[0]).toEqual([
      { bbox: [0, 0, 612, 792], kind: "page-scan", captionLines: [], sourceScale: 2.7777777777777777, minTextPx: 951 },
    ]);
    expect(figs[1].map((f) => f.kind)).toEqual(["page-scan"]);
    expect(figs[2]).toEqual([]);
  });

  it("records the size at which a figure's smallest label is 12 px high", () => {
    const chart = vectorChart();
    // tick labels of 5 pt inside the chart; body text of 10 pt below it does not count
    const labels = [line("0 10 20 30", [110, 280, 300, 285], 5), line("Trips per day", [110, 110, 200, 118], 8)];
    const body = Array.from({ length: 6 }, (_, i) =>
      line("running text of the report in ten point type here", [72, 500 + i * 14, 540, 510 + i * 14], 10),
    );
    const [figs] = selectFigures([page(1, { drawings: [chart] })], [layout(1, [...labels, ...body])]);
    expect(figs).toHaveLength(1);
    const side = Math.max(figs[0].bbox[2] - figs[0].bbox[0], figs[0].bbox[3] - figs[0].bbox[1]);
    expect(figs[0].minTextPx).toBe(Math.ceil((side * 12) / 5));
    // a photo with no text inside has no floor
    const [photo] = selectFigures([page(1, { images: [image([100, 100, 400, 300], 800)] })], [layout(1, body)]);
    expect(photo[0].minTextPx).toBeUndefined();
  });

  it("keeps vector charts and skips ruled tables full of text", () => {
    const chart = vectorChart();
    const table = {
      bbox: [100, 400, 500, 600] as [number, number, number, number],
      paths: 12,
      segments: 48,
      shapedPaths: 0,
      rulePaths: 12,
      filledPaths: 0,
      inkArea: 400,
    };
    const cells = Array.from({ length: 10 }, (_, i) => line(`cell ${i} with some words in it`, [105, 405 + i * 19, 495, 420 + i * 19]));
    const [figs] = selectFigures([page(1, { drawings: [chart, table] })], [layout(1, cells)]);
    expect(figs).toHaveLength(1);
    expect(figs[0].kind).toBe("vector");
    expect(figs[0].bbox).toEqual([100, 100, 400, 300]);
  });
});

describe("selectFigures: labels and captioned tables", () => {
  type Box = [number, number, number, number];
  const drawing = (bbox: Box, paths: number, shapedPaths: number, filledPaths = 0) => ({
    bbox,
    paths,
    segments: paths * 4,
    shapedPaths,
    rulePaths: paths - shapedPaths,
    filledPaths,
    inkArea: filledPaths ? (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]) * 0.4 : (bbox[2] - bbox[0]) * 0.6 * paths,
  });
  const body = (text: string, bbox: Box) => line(text, bbox, 11);
  const running = "Running text of the report, long enough to be the body size of this page.";

  it("takes a chart's title, legend, tick and month labels into its box and finds its caption past them", () => {
    const lines = [
      body(running, [64, 111, 521, 122]),
      body(running, [64, 140, 520, 151]),
      line("Monthly trips, thousands   2024   2023", [96, 170, 474, 178], 8.5),
      line("200", [112, 193, 125, 200], 7.5),
      line("0", [120, 353, 125, 360], 7.5),
      // a row of month labels that came as one wide line
      line("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", [139, 362, 491, 370], 7.5),
      line("Figure 2. Monthly trips.", [96, 376, 437, 385], 9),
      body(running, [64, 396, 514, 407]),
      body("on a standard bike.", [64, 411, 147, 422]),
    ];
    const chart = drawing([129, 192, 500, 357], 42, 11, 24);
    const swatch = drawing([382, 169, 392, 177], 1, 0, 1);
    const [figs] = selectFigures([page(1, { drawings: [chart, swatch] })], [layout(1, lines)]);
    expect(figs).toHaveLength(1);
    expect(figs[0].bbox).toEqual([96, 169, 500, 370]);
    expect(figs[0].caption).toBe("Figure 2. Monthly trips.");
    expect(figs[0].captionLines).toEqual([6]);
  });

  it("leaves running text beside and below a chart out of its box", () => {
    const lines = [
      body(running, [320, 100, 560, 111]),
      body(running, [320, 114, 560, 125]),
      line("Figure 3. Speedup.", [56, 250, 300, 259], 9),
      body(running, [56, 272, 300, 283]),
    ];
    const [figs] = selectFigures([page(1, { drawings: [drawing([60, 100, 300, 240], 30, 20, 10)] })], [layout(1, lines)]);
    expect(figs.map((f) => [f.bbox, f.caption])).toEqual([[[60, 100, 300, 240], "Figure 3. Speedup."]]);
  });

  it("makes a table of row rules with a Table caption a vector figure over its cells; without one it is text", () => {
    const rows = [198, 216, 234, 252, 270].map((y) => drawing([87, y, 508, y + 0.6], 1, 0));
    const band = drawing([87, 180, 508, 198], 3, 0, 1);
    const cells = (top: number) =>
      [0, 1, 2, 3, 4].flatMap((r) => [
        line(`Station ${r}`, [94, top + 6 + r * 18, 150, top + 14 + r * 18], 8.5),
        line(`${r * 1000}`, [364, top + 6 + r * 18, 389, top + 14 + r * 18], 8.5),
      ]);
    const captioned = [line("Table 1. The busiest stations.", [88, 162, 348, 171], 9), ...cells(180)];
    const figs = selectFigures(
      [page(1, { drawings: [band, ...rows] }), page(2, { drawings: [band, ...rows] })],
      [layout(1, captioned), layout(2, cells(180))],
    );
    expect(figs[0]).toHaveLength(1);
    expect(figs[0][0]).toMatchObject({ kind: "vector", caption: "Table 1. The busiest stations.", captionLines: [0] });
    const [x0, y0, x1, y1] = figs[0][0].bbox;
    expect([x0, y0, x1]).toEqual([87, 180, 508]);
    expect(y1).toBeGreaterThanOrEqual(270);
    // every cell lies inside the region, so none of it becomes a paragraph
    for (const c of cells(180)) expect(c.bbox[1] >= y0 && c.bbox[3] <= y1 && c.bbox[0] >= x0 && c.bbox[2] <= x1).toBe(true);
    expect(figs[1]).toEqual([]);
  });
});

describe("figurePixelSize", () => {
  it("fits the longest side and never upscales raster past its source", () => {
    expect(figurePixelSize({ bbox: [0, 0, 600, 300], kind: "vector", captionLines: [] }, { maxSide: 1540 })).toEqual({
      width: 1540,
      height: 770,
    });
    expect(figurePixelSize({ bbox: [0, 0, 200, 100], kind: "raster", captionLines: [], sourceScale: 2 }, { maxSide: 1540 })).toEqual({
      width: 400,
      height: 200,
    });
  });
});

describe.skipIf(!hasCorpus)("figures on the real corpus (through extract)", () => {
  const out = testOutDir("figures");
  const cache = new Map<string, Promise<Extraction>>();
  const run = (rel: string) => {
    let p = cache.get(rel);
    if (!p) {
      p = extract(corpusFile(rel), { render: true });
      cache.set(rel, p);
    }
    return p;
  };

  async function checkImages(rel: string, ex: Extraction) {
    for (const f of figureBlocks(ex.document)) {
      const img = ex.figures.get(f.id);
      expect(img, f.id).toBeDefined();
      expect(Math.max(img!.width, img!.height)).toBeLessThanOrEqual(1540);
      const stats = await sharp(img!.data).stats();
      const spread = Math.max(...stats.channels.map((c) => c.stdev));
      expect(spread, `${rel} ${f.id} is blank`).toBeGreaterThan(2);
      const ext = img!.mime === "image/png" ? "png" : "jpg";
      writeFileSync(join(out, `${rel.replace(/[/.]/g, "_")}-${f.id}.${ext}`), img!.data);
    }
  }

  // Docling's labelled ground truth counts pictures apart from tables: so do these checks
  const pictures = (ex: Extraction) => figureBlocks(ex.document).filter((f) => f.kind !== "table");
  const perPage = (figs: { id: string }[]) => {
    const out: Record<number, number> = {};
    for (const f of figs) {
      const page = Number(/^p(\d+)-/.exec(f.id)![1]);
      out[page] = (out[page] ?? 0) + 1;
    }
    return out;
  };

  it("amt_handbook_sample.pdf: 18 fragments make exactly the 2 captioned figures", async () => {
    const ex = await run("real/amt_handbook_sample.pdf");
    const figs = figureBlocks(ex.document);
    expect(figs.map((f) => f.caption).sort()).toEqual([
      "Figure 7-26. Self-locking nuts.",
      "Figure 7-27. Stainless steel self-locking nut.",
    ]);
    await checkImages("amt", ex);
  }, 120_000);

  it("picture_classification.pdf: the 2 pictures", async () => {
    const ex = await run("real/picture_classification.pdf");
    expect(pictures(ex)).toHaveLength(2);
    expect(figureBlocks(ex.document)).toHaveLength(2);
    await checkImages("pc", ex);
  }, 120_000);

  it("normal_4pages.pdf: Docling's 3 pictures (a corner emblem, a drawn logo in two pieces, a small seal) and its table", async () => {
    const ex = await run("real/normal_4pages.pdf");
    expect(perPage(pictures(ex))).toEqual({ 1: 2, 4: 1 });
    // the shaded title band is text, not a picture; the ruled "[표 1]" is a table
    expect(
      figureBlocks(ex.document)
        .filter((f) => f.kind === "table")
        .map((f) => f.caption),
    ).toEqual(["[표 1] 감염병예방법 제2조제2호 개정전·후 비교"]);
    await checkImages("n4", ex);
  }, 120_000);

  it("redp5110_sampled.pdf: pictures only where Docling has them (14 of its 17), its 4 captioned tables as tables", async () => {
    const ex = await run("real/redp5110_sampled.pdf");
    // Docling's pictures per page; missed: the "Redpaper" wordmark set in a font (p1), a small
    // IBM logo 14 pt high (p3), the back cover's IBM logo just under the size floor (p18)
    const docling: Record<number, number> = { 1: 3, 3: 2, 4: 2, 5: 1, 7: 1, 10: 1, 11: 1, 14: 2, 15: 2, 18: 2 };
    const found = perPage(pictures(ex));
    for (const [page, n] of Object.entries(found)) expect(n, `page ${page}`).toBeLessThanOrEqual(docling[Number(page)] ?? 0);
    expect(pictures(ex).length).toBeGreaterThanOrEqual(14);
    const tables = figureBlocks(ex.document)
      .filter((f) => f.kind === "table")
      .map((f) => /^Table (\d+-\d+)/.exec(f.caption ?? "")?.[1]);
    expect(tables).toEqual(["2-1", "2-2", "3-1", "3-2"]);
    await checkImages("redp", ex);
  }, 180_000);

  it("tracemonkey.pdf: one figure each for Figures 2 and 5–12, no fragments", async () => {
    const ex = await run("real/tracemonkey.pdf");
    const figs = figureBlocks(ex.document);
    const numbers = figs.map((f) => /^Figure (\d+)\./.exec(f.caption ?? "")?.[1]).map(Number);
    for (const n of [2, 5, 6, 7, 8, 9, 10, 11, 12])
      expect(
        numbers.filter((x) => x === n),
        `Figure ${n}`,
      ).toHaveLength(1);
    // nothing uncaptioned: an uncaptioned region there would be a fragment
    expect(figs.every((f) => f.caption)).toBe(true);
    // Figure 9 is a table whose first two columns are set only a little over a word space apart
    const tags = figs.find((f) => f.caption?.startsWith("Figure 9."));
    expect(tags?.kind).toBe("table");
    expect(tags?.text?.split("\n").slice(0, 3)).toEqual([
      "| Tag | JS Type | Description |",
      "| --- | --- | --- |",
      "| xx1 | number | 31-bit integer representation |",
    ]);
    await checkImages("tm", ex);
  }, 180_000);

  it("loremipsum-flat.pdf: one page-scan figure", async () => {
    const ex = await run("real/loremipsum-flat.pdf");
    const figs = figureBlocks(ex.document);
    expect(figs.map((f) => f.kind)).toEqual(["page-scan"]);
    await checkImages("lorem", ex);
  }, 120_000);

  it("pdf-with-ocr-text.pdf: the scan under the OCR text is not a figure", async () => {
    const ex = await run("real/pdf-with-ocr-text.pdf");
    expect(figureBlocks(ex.document)).toHaveLength(0);
    expect(ex.document.pages[0].textLayer).toBe(true);
  }, 120_000);
});
