/**
 * Page scans drawn from JPEGs decoded by sharp with shrink-on-load (figures/jpeg-decoder.ts):
 * the pixels match the scan itself, and pdf.js really hands its JPEGs to the decoder.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";
import { installJpegDecoder } from "../../../src/extract/figures/jpeg-decoder.js";
import { installOffscreenCanvas } from "../../../src/extract/figures/offscreen-canvas.js";
import { makeScanJpeg } from "../../../scripts/fixtures/images.js";
import { testOutDir } from "../../support/paths.js";

// before pdf.js first asks for an ImageDecoder and OffscreenCanvas (as the extraction workers do at
// boot; pdf.js remembers the answers for the process, which test files share)
installJpegDecoder();
installOffscreenCanvas();
const decoder = (globalThis as unknown as { ImageDecoder: { prototype: { decode: () => Promise<unknown> } } }).ImageDecoder;
let decodes = 0;
const decode = decoder.prototype.decode;
decoder.prototype.decode = function (this: unknown) {
  decodes++;
  return decode.call(this);
};

const A4 = { width: 595.28, height: 841.89 };
let file = "";
let scan: Buffer;

/** mean absolute difference per channel between two images scaled to the same small size */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const small = (x: Buffer) => sharp(x).resize(200, 283, { fit: "fill" }).removeAlpha().toColourspace("srgb").raw().toBuffer();
  const [pa, pb] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i]! - pb[i]!);
  return sum / pa.length;
}

/** per-channel means: the tint survives (a grey or BGR decode would not keep them apart) */
async function channelMeans(x: Buffer): Promise<number[]> {
  const stats = await sharp(x).stats();
  return stats.channels.slice(0, 3).map((c) => c.mean);
}

beforeAll(async () => {
  // a 250 dpi colour scan: an RGB JPEG over the whole page, as scanners write them
  const base = await makeScanJpeg(850, 1203, { seed: 300 });
  scan = await sharp(base).resize(2067).toColourspace("srgb").tint({ r: 250, g: 240, b: 220 }).jpeg({ quality: 80 }).toBuffer();
  const doc = await PDFDocument.create();
  for (let i = 0; i < 2; i++) {
    const page = doc.addPage([A4.width, A4.height]);
    page.drawImage(await doc.embedJpg(scan), { x: 0, y: 0, width: A4.width, height: A4.height });
  }
  file = join(testOutDir("jpeg-decoder"), "rgb-scan.pdf");
  writeFileSync(file, await doc.save());
}, 60_000);

describe("JPEG page scans decoded with shrink-on-load", () => {
  it("renders the scan through the decoder, right way up and in its colours", async () => {
    const { openPdf } = await import("../../../src/extract/pdfjs/open.js");
    const { renderFigure } = await import("../../../src/extract/figures/render.js");
    const { readFile } = await import("node:fs/promises");
    const { doc, outlines } = await openPdf(file, new Uint8Array(await readFile(file)));
    await outlines.beforeRender();
    const page = await doc.getPage(1);
    const before = decodes;
    const region = {
      bbox: [0, 0, A4.width, A4.height] as [number, number, number, number],
      kind: "page-scan" as const,
      captionLines: [],
      sourceScale: 2067 / A4.width,
    };
    const r = await renderFigure(page, region, { maxSide: 1540 });
    expect(decodes).toBeGreaterThan(before);
    expect([r.width, r.height]).toEqual([1089, 1540]);
    // the same picture: pdf.js's own decoder gives 8.5 on this noisy scan (resampling), a flipped page ~50
    expect(await difference(r.data, scan)).toBeLessThan(10);
    const [got, want] = [await channelMeans(r.data), await channelMeans(scan)];
    for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - want[c]!), `channel ${c}`).toBeLessThan(2);
    page.cleanup();
    await doc.destroy();
  }, 60_000);

  it("extract() gives each page of the scan as a page-scan figure that matches it", async () => {
    const { extract } = await import("../../../src/extract/index.js");
    const ex = await extract(file);
    const figs = ex.document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "figure"));
    expect(figs.map((f) => (f.type === "figure" ? f.kind : ""))).toEqual(["page-scan", "page-scan"]);
    for (const f of figs) {
      if (f.type !== "figure") continue;
      expect(await difference(ex.figures.get(f.id)!.data, scan)).toBeLessThan(10);
    }
  }, 120_000);
});
