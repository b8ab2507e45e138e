/**
 * A page scan's legibility floor comes from its pixels (figures/scan-text-height.ts): the line
 * height of the scan's own text, not an assumed body size.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { textLineHeightPx } from "../../../src/extract/figures/scan-text-height.js";
import { sizeForText } from "../../../src/extract/figures/legibility.js";
import { SCAN_TEXT_HEIGHT } from "../../../scripts/fixtures/images.js";
import { makeScannedPdf } from "../../../scripts/fixtures/scan-pdf.js";
import { testOutDir } from "../../support/paths.js";

/** a white RGBA page with dark bands of the given heights, `gap` rows apart */
function page(width: number, bands: number[], gap: number): { px: Uint8ClampedArray; height: number } {
  const height = bands.reduce((s, b) => s + b + gap, gap);
  const px = new Uint8ClampedArray(width * height * 4).fill(240);
  let y = gap;
  for (const b of bands) {
    for (let r = y; r < y + b; r++) for (let x = 20; x < width - 20; x += 3) px.fill(40, (r * width + x) * 4, (r * width + x) * 4 + 3);
    y += b + gap;
  }
  return { px, height };
}

describe("textLineHeightPx", () => {
  it("measures the lines of a text page, not its taller heading or thinner rules", () => {
    const { px, height } = page(400, [30, 12, 12, 12, 2, 12, 12, 12, 12, 2], 10);
    expect(textLineHeightPx(px, 400, height)).toBe(12);
  });

  it("finds no text on a blank page or a single picture", () => {
    const blank = new Uint8ClampedArray(300 * 400 * 4).fill(250);
    expect(textLineHeightPx(blank, 300, 400)).toBeUndefined();
    const { px, height } = page(300, [350], 20);
    expect(textLineHeightPx(px, 300, height)).toBeUndefined();
  });
});

describe("a scanned document's figures", () => {
  it("carry the floor of the scan's own text size", async () => {
    const { extract } = await import("../../../src/extract/index.js");
    const file = join(testOutDir("scan-text-height"), "scan-150dpi.pdf");
    writeFileSync(file, await makeScannedPdf({ pages: 2, dpi: 150 }));
    const ex = await extract(file);
    const figs = ex.document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "figure"));
    expect(figs).toHaveLength(2);
    // the generator's text lines: SCAN_TEXT_HEIGHT px high on its 850 px wide A4 page, scaled up
    const textPt = (SCAN_TEXT_HEIGHT * 595.28) / 850;
    const want = sizeForText([0, 0, 595.28, 841.89], textPt);
    for (const f of figs) {
      const got = f.type === "figure" ? f.minTextPx : undefined;
      // within a quarter (blur and resampling widen the marks a little); an assumed 10 pt body is 1011
      expect(got, f.id).toBeGreaterThan(want * 0.75);
      expect(got, f.id).toBeLessThan(want * 1.1);
    }
  }, 120_000);
});
