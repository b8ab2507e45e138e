/**
 * Figures that are only a gradient or one red shape are found and drawn (not left out, not blank),
 * and a tiling pattern with a microscopic step is drawn within bounds.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Truth } from "../../../scripts/fixtures/truth.js";
import { limitTilingPattern } from "../../../src/extract/figures/pattern-limit.js";
import { extract } from "../../../src/extract/index.js";
import { figureBlocks } from "../../../src/model/document.js";
import { repoRoot } from "../../support/paths.js";

const dir = join(repoRoot, "fixtures", "hostile");
const truthOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.truth.json`), "utf8")) as Truth;

function iou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r: readonly number[]) => (r[2] - r[0]) * (r[3] - r[1]);
  return (ix * iy) / (area(a) + area(b) - ix * iy);
}

/** the figure's one image, and a function giving the RGB at a fraction of its width and height */
async function onlyFigure(name: string) {
  const { document, figures } = await extract(join(dir, `${name}.pdf`));
  const blocks = figureBlocks(document);
  expect(blocks).toHaveLength(1);
  const image = figures.get(blocks[0].id)!;
  const { data, info } = await sharp(image.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (fx: number, fy: number) => {
    const o = (Math.floor(fy * (info.height - 1)) * info.width + Math.floor(fx * (info.width - 1))) * 3;
    return [data[o], data[o + 1], data[o + 2]];
  };
  return { document, block: blocks[0], at };
}

describe("figures that are one gradient or one shape", () => {
  it("finds and draws a shading-only figure", { timeout: 60_000 }, async () => {
    const { document, block, at } = await onlyFigure("gradient-figure");
    expect(iou(block.bbox, truthOf("gradient-figure").figures[0].bbox)).toBeGreaterThan(0.8);
    const [lr, , lb] = at(0.05, 0.5);
    const [rr, , rb] = at(0.95, 0.5);
    expect(lb).toBeGreaterThan(lr + 80); // blue on the left
    expect(rr).toBeGreaterThan(rb + 80); // orange on the right
    expect(document.warnings.join("\n")).not.toMatch(/blank/);
  });

  it("finds and draws one red filled shape", { timeout: 60_000 }, async () => {
    const { document, block, at } = await onlyFigure("red-shape-figure");
    expect(iou(block.bbox, truthOf("red-shape-figure").figures[0].bbox)).toBeGreaterThan(0.8);
    const [r, g, b] = at(0.5, 0.5);
    expect(r).toBeGreaterThan(200);
    expect(g).toBeLessThan(60);
    expect(b).toBeLessThan(60);
    expect(document.warnings.join("\n")).not.toMatch(/blank/);
  });

  it("draws a tiling pattern with a 0.05-point step without hanging, keeping the page's text", { timeout: 60_000 }, async () => {
    const { document } = await extract(join(dir, "tiling-huge.pdf"));
    const text = JSON.stringify(document.pages[0].blocks);
    for (const w of truthOf("tiling-huge").paragraphs[0].split(" ").slice(0, 8)) expect(text).toContain(w);
    expect(document.warnings.join("\n")).not.toMatch(/could not be rendered/);
  });
});

describe("limitTilingPattern", () => {
  const ir = (bbox: number[], xstep: number, ystep: number, inner: unknown[] = []) => [
    "TilingPattern",
    null,
    { fnArray: inner.map(() => 0), argsArray: inner },
    [1, 0, 0, 1, 0, 0],
    bbox,
    xstep,
    ystep,
    1,
    1,
  ];

  it("draws one step of a cell that would be copied millions of times", () => {
    const args = ir([0, 0, 1000, 1000], 0.05, 0.05);
    expect(limitTilingPattern(args)).toBe(1);
    expect(args[4]).toEqual([0, 0, 0.05, 0.05]);
  });

  it("leaves ordinary patterns alone, and tames patterns inside a cell", () => {
    const inner = ir([0, 0, 500, 500], 0.1, 0.1);
    const outer = ir([0, 0, 10, 10], 5, 5, [inner, [1, 2]]);
    expect(limitTilingPattern(outer)).toBe(1);
    expect(outer[4]).toEqual([0, 0, 10, 10]);
    expect(inner[4]).toEqual([0, 0, 0.1, 0.1]);
    expect(limitTilingPattern(["RadialAxial", 1, 2])).toBe(0);
  });
});
