import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { renderFigure } from "../../../src/extract/figures/render.js";
import { readPageLayout } from "../../../src/extract/layout/lines.js";
import { openPdf } from "../../../src/extract/pdfjs/open.js";
import type { BBox } from "../../../src/model/document.js";

const file = join(import.meta.dirname, "../../../fixtures/illustrated-report.pdf");
const truthFile = join(import.meta.dirname, "../../../fixtures/illustrated-report.truth.json");

interface Truth {
  figures: Array<{ page: number; kind: string; bbox: BBox; innerText: string[] }>;
}

/**
 * Renders the first vector chart (a chart with a title, legend and axis labels set in text) and
 * returns, for each label inside it, how many dark pixels lie in the label's box.
 */
async function labelInk(prepare: (page: Awaited<ReturnType<typeof open>>["page"], beforeRender: () => Promise<void>) => Promise<void>) {
  const { page, beforeRender, chart } = await open();
  await prepare(page, beforeRender);
  const region = { bbox: chart.bbox, kind: "vector" as const, captionLines: [] };
  const image = await renderFigure(page, region, { maxSide: 1540 });
  const { data, info } = await sharp(image.data).greyscale().raw().toBuffer({ resolveWithObject: true });
  const scale = info.width / (chart.bbox[2] - chart.bbox[0]);
  const pageHeight = page.getViewport({ scale: 1 }).height;
  const text = await page.getTextContent();
  const ink: Record<string, number> = {};
  for (const item of text.items) {
    if (!("str" in item) || !chart.innerText.includes(item.str)) continue;
    const [x, baseline] = [item.transform[4], pageHeight - item.transform[5]];
    const box = [x, baseline - item.height * 0.75, x + item.width, baseline].map((v, i) => Math.round((v - chart.bbox[i % 2]) * scale));
    let dark = 0;
    for (let py = Math.max(0, box[1]); py < Math.min(info.height, box[3]); py++) {
      for (let px = Math.max(0, box[0]); px < Math.min(info.width, box[2]); px++) if (data[py * info.width + px] < 160) dark++;
    }
    ink[item.str] = dark;
  }
  await page.cleanup();
  return ink;
}

async function open() {
  const truth = JSON.parse(await readFile(truthFile, "utf8")) as Truth;
  const chart = truth.figures.find((f) => f.kind === "vector" && f.innerText.length >= 5)!;
  const opened = await openPdf(file, new Uint8Array(await readFile(file)));
  const page = await opened.doc.getPage(chart.page);
  return { page, chart, beforeRender: () => opened.outlines.beforeRender() };
}

const inked = (ink: Record<string, number>) => Object.values(ink).filter((n) => n >= 4).length;

describe("glyph outlines: built for rendering only", () => {
  it("draws the labels of a chart whose fonts the analysis loaded first", async () => {
    const ink = await labelInk(async (page, beforeRender) => {
      await readPageLayout(page);
      await beforeRender();
    });
    expect(Object.keys(ink).length).toBeGreaterThanOrEqual(10);
    expect(inked(ink), JSON.stringify(ink)).toBe(Object.keys(ink).length);
  });

  it("draws the labels of a chart whose fonts are first met while rendering", async () => {
    const ink = await labelInk((_page, beforeRender) => beforeRender());
    expect(Object.keys(ink).length).toBeGreaterThanOrEqual(10);
    expect(inked(ink), JSON.stringify(ink)).toBe(Object.keys(ink).length);
  });

  it("builds no outlines during the analysis: without the switch the labels stay blank", async () => {
    const ink = await labelInk(async (page) => {
      await readPageLayout(page);
    });
    expect(Object.keys(ink).length).toBeGreaterThanOrEqual(10);
    expect(inked(ink), JSON.stringify(ink)).toBeLessThanOrEqual(2);
  });
});
