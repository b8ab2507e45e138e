/**
 * Large images pdf.js decodes itself (Flate, CCITT, JBIG2…) are kept at the size a figure can show
 * (figures/shrinking-bitmap.ts through offscreen-canvas.ts): a 600 dpi black-and-white Flate scan
 * (fixtures/scans/flate-bilevel-600dpi.pdf) comes out as its page, not blank, not flipped.
 */
import { writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { installJpegDecoder } from "../../../src/extract/figures/jpeg-decoder.js";
import { installOffscreenCanvas, shrunkBitmaps } from "../../../src/extract/figures/offscreen-canvas.js";
import { shrinkFactor, shrinkRgba } from "../../../src/extract/figures/shrinking-bitmap.js";
import { makeScanJpeg } from "../../../scripts/fixtures/images.js";
import { packBilevel } from "../../../scripts/fixtures/scan-pdf.js";
import { repoRoot, testOutDir } from "../../support/paths.js";

// before pdf.js first asks whether the platform has them (as the extraction workers do at boot;
// pdf.js remembers the answer for the process, which test files share)
installJpegDecoder();
installOffscreenCanvas();

const fixture = join(repoRoot, "fixtures/scans/flate-bilevel-600dpi.pdf");
const A4: [number, number, number, number] = [0, 0, 595.28, 841.89];

/** what the generator drew on page i (scan-pdf.ts): its scan in black and white, as grey pixels */
async function drawnPage(i: number): Promise<Buffer> {
  const { data, info } = await sharp(await makeScanJpeg(850, 1203, { seed: 200 + i }))
    .toColourspace("b-w")
    .raw()
    .toBuffer({ resolveWithObject: true });
  const bits = packBilevel(data, info.width, info.height);
  const rowBytes = (info.width + 7) >> 3;
  const grey = Buffer.alloc(info.width * info.height);
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) grey[y * info.width + x] = bits[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7)) ? 255 : 0;
  return sharp(grey, { raw: { width: info.width, height: info.height, channels: 1 } })
    .png()
    .toBuffer();
}

/** mean absolute grey difference of two images brought to the same small size */
async function difference(a: Buffer, b: Buffer): Promise<number> {
  const small = (x: Buffer) => sharp(x).resize(200, 283, { fit: "fill" }).toColourspace("b-w").raw().toBuffer();
  const [pa, pb] = await Promise.all([small(a), small(b)]);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i]! - pb[i]!);
  return sum / pa.length;
}

describe("shrinkRgba", () => {
  it("averages each block, the last row and column over what is left", () => {
    // 3×3 RGBA: a 2×2 block of 0/100/200/40, then a partial column and row
    const px = (v: number) => [v, v, v, 255];
    const src = Uint8ClampedArray.from([...px(0), ...px(100), ...px(7), ...px(200), ...px(40), ...px(9), ...px(50), ...px(60), ...px(90)]);
    const out = shrinkRgba(src, 3, 3, 2);
    expect(out.length).toBe(2 * 2 * 4);
    expect(Array.from(out.slice(0, 4))).toEqual([85, 85, 85, 255]);
    expect(out[4]).toBe(8); // (7 + 9) / 2
    expect(out[8]).toBe(55); // (50 + 60) / 2
    expect(out[12]).toBe(90);
  });

  it("keeps small images whole and shrinks a 600 dpi page to at least the figure size", () => {
    expect(shrinkFactor(1200, 1600, 1540)).toBe(1);
    const f = shrinkFactor(4961, 7016, 1540);
    expect(f).toBe(4);
    expect(Math.ceil(7016 / f)).toBeGreaterThanOrEqual(1540);
  });
});

describe("a 600 dpi black-and-white Flate scan", () => {
  it("is drawn from a shrunk bitmap and matches the page", async () => {
    const { openPdf } = await import("../../../src/extract/pdfjs/open.js");
    const { renderFigure } = await import("../../../src/extract/figures/render.js");
    const { doc, outlines } = await openPdf(fixture, new Uint8Array(await readFile(fixture)));
    await outlines.beforeRender();
    try {
      const page = await doc.getPage(1);
      const before = shrunkBitmaps();
      const r = await renderFigure(page, { bbox: A4, kind: "page-scan", captionLines: [], sourceScale: 4961 / A4[2] }, { maxSide: 1540 });
      expect(shrunkBitmaps()).toBeGreaterThan(before);
      expect([r.width, r.height]).toEqual([1089, 1540]);
      expect(r.warnings).toEqual([]);
      const drawn = await drawnPage(0);
      const got = await difference(r.data, drawn);
      // a blank page or the page upside down is far off; the page itself differs by resampling only
      const blank = await difference(
        await sharp({ create: { width: 100, height: 141, channels: 3, background: "white" } })
          .png()
          .toBuffer(),
        drawn,
      );
      const flipped = await difference(await sharp(r.data).flip().toBuffer(), drawn);
      expect(got).toBeLessThan(blank / 3);
      expect(got).toBeLessThan(flipped / 2);
      page.cleanup();
    } finally {
      await doc.destroy();
    }
  }, 60_000);

  it("extract() gives each page as a page-scan figure of the figure size", async () => {
    const { extract } = await import("../../../src/extract/index.js");
    const ex = await extract(fixture);
    const figs = ex.document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "figure"));
    expect(figs.map((f) => (f.type === "figure" ? f.kind : ""))).toEqual(["page-scan", "page-scan"]);
    for (const [i, f] of figs.entries()) {
      if (f.type !== "figure") continue;
      const img = ex.figures.get(f.id)!;
      expect([img.width, img.height]).toEqual([1089, 1540]);
      expect(await difference(img.data, await drawnPage(i))).toBeLessThan(15);
    }
  }, 120_000);
});

describe("a large image shared by several pages", () => {
  // pdf.js keeps an image used on two pages or more in its document cache, where a copy left blank
  // by the figure analysis would be drawn on every later page
  for (const encoding of ["flate-bilevel", "jpeg"] as const) {
    it(`is drawn on every page, not left blank by the analysis (${encoding})`, async () => {
      const { makeScannedPdf } = await import("../../../scripts/fixtures/scan-pdf.js");
      const { extract } = await import("../../../src/extract/index.js");
      const file = join(testOutDir("shrinking-bitmap"), `shared-${encoding}.pdf`);
      writeFileSync(file, await makeScannedPdf({ pages: 3, dpi: 300, encoding, shared: true }));
      const ex = await extract(file);
      const figs = ex.document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "figure"));
      expect(figs).toHaveLength(3);
      const drawn = encoding === "jpeg" ? await makeScanJpeg(850, 1203, { seed: 200 }) : await drawnPage(0);
      for (const f of figs) expect(await difference(ex.figures.get(f.id)!.data, drawn), f.id).toBeLessThan(15);
    }, 120_000);
  }
});
