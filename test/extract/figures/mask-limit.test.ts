/**
 * A page that fills 2000 shapes under a soft mask finishes with its text and its figure, drawn
 * without the masks past the memory budget and saying so; the budget counts each mask group's
 * canvas as pdf.js sizes it and leaves out a whole group, nested groups included.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { Truth } from "../../../scripts/fixtures/truth.js";
import { groupCanvasBytes, SoftMaskLimit } from "../../../src/extract/figures/mask-limit.js";
import { extract } from "../../../src/extract/index.js";
import { OPS } from "../../../src/extract/pdfjs/load.js";
import { figureBlocks } from "../../../src/model/document.js";
import { repoRoot } from "../../support/paths.js";

const dir = join(repoRoot, "fixtures", "hostile");

describe("soft masks past the memory budget", () => {
  it("finishes a page of 2000 masked fills with its text, its figure and a warning naming the page", { timeout: 60_000 }, async () => {
    const truth = JSON.parse(readFileSync(join(dir, "soft-mask-many.truth.json"), "utf8")) as Truth;
    const { document, figures } = await extract(join(dir, "soft-mask-many.pdf"));
    const text = document.pages[0].blocks.map((b) => ("text" in b ? b.text : "")).join(" ");
    expect(text).toContain(truth.paragraphs[0]);
    const blocks = figureBlocks(document);
    expect(blocks).toHaveLength(1);
    const [x0, y0, x1, y1] = truth.figures[0].bbox;
    expect(blocks[0].bbox[0]).toBeCloseTo(x0, 0);
    expect(blocks[0].bbox[3]).toBeCloseTo(y1, 0);
    expect(blocks[0].bbox[1]).toBeCloseTo(y0, 0);
    expect(blocks[0].bbox[2]).toBeCloseTo(x1, 0);
    const warnings = document.warnings.join("\n");
    expect(warnings).toMatch(/page 1 figure at \[[^\]]+\] drawn without \d+ of its 2000 soft masks/);
    expect(warnings).not.toMatch(/took longer|left out|blank/);
    // the squares are drawn (unmasked past the budget): the figure is mostly coloured, not paper
    const { data } = await sharp(figures.get(blocks[0].id)!.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let coloured = 0;
    for (let o = 0; o < data.length; o += 3) if (data[o + 2] > 150 && data[o + 1] < 120) coloured++;
    expect(coloured / (data.length / 3)).toBeGreaterThan(0.5);
  });

  it("sizes a mask's canvas from its box on the current canvas", () => {
    const ctx = createCanvas(200, 100).getContext("2d");
    expect(groupCanvasBytes({ smask: {} }, ctx)).toBe(200 * 100 * 4);
    ctx.setTransform(2, 0, 0, 2, 10, 0);
    // [0 0 20 10] scaled by 2 and moved 10 right: 40 × 20 pixels
    expect(groupCanvasBytes({ smask: {}, bbox: [0, 0, 20, 10] }, ctx)).toBe(40 * 20 * 4);
    // only the part on the canvas counts
    expect(groupCanvasBytes({ smask: {}, bbox: [50, 0, 500, 500] }, ctx)).toBe((200 - 110) * 100 * 4);
  });

  it("draws masks within the budget and leaves out a whole group past it", () => {
    const ctx = createCanvas(100, 100).getContext("2d");
    const limit = new SoftMaskLimit(2.5 * 100 * 100 * 4);
    const mask = [{ smask: { subtype: "Luminosity" } }];
    const plain = [{ smask: null }];
    const run = (ops: Array<[number, unknown?]>) => ops.map(([fn, args]) => limit.filter(fn, args, ctx));
    const group = (fill = OPS.fill) =>
      [[OPS.beginGroup, mask], [fill], [OPS.endGroup], [OPS.setGState], [OPS.fill]] as Array<[number, unknown?]>;
    expect(run(group())).toEqual([true, true, true, true, true]);
    expect(run(group())).toEqual([true, true, true, true, true]);
    // the third mask would pass the budget: its group goes, nested groups with it; what it masked stays
    expect(
      run([
        [OPS.beginGroup, mask],
        [OPS.beginGroup, plain],
        [OPS.fill],
        [OPS.endGroup],
        [OPS.fill],
        [OPS.endGroup],
        [OPS.setGState],
        [OPS.fill],
      ]),
    ).toEqual([false, false, false, false, false, false, true, true]);
    // groups without a mask are never counted
    expect(run([[OPS.beginGroup, plain], [OPS.fill], [OPS.endGroup]])).toEqual([true, true, true]);
    expect({ drawn: limit.drawn, dropped: limit.dropped }).toEqual({ drawn: 2, dropped: 1 });
  });
});
