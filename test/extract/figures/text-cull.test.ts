import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { drawRegion } from "../../../src/extract/figures/render.js";
import { cullOffCanvasText, type CullOperatorList } from "../../../src/extract/figures/text-cull.js";
import { openPdf } from "../../../src/extract/pdfjs/open.js";
import { OPS } from "../../../src/extract/pdfjs/load.js";
import type { BBox } from "../../../src/model/document.js";

const font = { fontMatrix: [0.001, 0, 0, 0.001, 0, 0] };
const glyphs = (n: number) => Array.from({ length: n }, () => ({ width: 500, isSpace: false }));
/** a 100×100 canvas showing page space 0–100 (y down), as a viewport with scale 1 would */
const device = [1, 0, 0, -1, 0, 100];

type Op = [number, unknown[] | null];
function listOf(ops: Op[], lastChunk = true): CullOperatorList {
  return { fnArray: ops.map((o) => o[0]), argsArray: ops.map((o) => o[1]), lastChunk };
}
/** runs the filter over every operator in order, as pdf.js does; returns the dropped indices */
function droppedIn(list: CullOperatorList): number[] {
  const cull = cullOffCanvasText(
    () => list,
    () => font,
    device,
    100,
    100,
  );
  const out: number[] = [];
  for (let i = 0; i < list.fnArray.length; i++) if (!cull.filter(i)) out.push(i);
  expect(cull.dropped).toBe(out.length);
  return out;
}
const bt: Op = [OPS.beginText, null];
const et: Op = [OPS.endText, null];
const tf: Op = [OPS.setFont, ["f1", 10]];
const at = (x: number, y: number): Op => [OPS.setTextMatrix, [1, 0, 0, 1, x, y]];
const tj = (n = 4): Op => [OPS.showText, [glyphs(n)]];

describe("cullOffCanvasText: which text runs pdf.js may skip", () => {
  it("drops a line that lies wholly off the canvas and keeps one on it", () => {
    const list = listOf([bt, tf, at(10, 50), tj(), et, bt, tf, at(10, 400), tj(), et]);
    expect(droppedIn(list)).toEqual([8]);
  });

  it("keeps an off-canvas run when a run after it on the same line starts from its advance", () => {
    // 40 glyphs × 5 pt carry the second run from x = -230 to the canvas
    const list = listOf([bt, tf, at(-230, 50), tj(40), tj(4), et]);
    expect(droppedIn(list)).toEqual([]);
    // a fresh position between them lets the first go
    const moved = listOf([bt, tf, at(-230, 50), tj(40), [OPS.moveText, [240, 0]], tj(4), et]);
    expect(droppedIn(moved)).toEqual([3]);
  });

  it("drops invisible text (OCR layers) on the canvas, but never text that clips", () => {
    const invisible = listOf([bt, tf, [OPS.setTextRenderingMode, [3]], at(10, 50), tj(), et]);
    expect(droppedIn(invisible)).toEqual([4]);
    const clipping = listOf([bt, tf, [OPS.setTextRenderingMode, [7]], at(10, 400), tj(), et]);
    expect(droppedIn(clipping)).toEqual([]);
  });

  it("follows transforms and forms: text moved onto the canvas is kept", () => {
    const inForm = listOf([
      [OPS.paintFormXObjectBegin, [[1, 0, 0, 1, 0, -350], null]],
      bt,
      tf,
      at(10, 400),
      tj(),
      et,
      [OPS.paintFormXObjectEnd, []],
      bt,
      tf,
      at(10, 400),
      tj(),
      et,
    ]);
    expect(droppedIn(inForm)).toEqual([10]);
    const restored = listOf([[OPS.save, null], [OPS.transform, [1, 0, 0, 1, 0, -350]], [OPS.restore, null], bt, tf, at(10, 400), tj(), et]);
    expect(droppedIn(restored)).toEqual([6]);
  });

  it("keeps a segment whose end has not arrived yet, and everything from the first annotation on", () => {
    expect(droppedIn(listOf([bt, tf, at(10, 400), tj()], false))).toEqual([]);
    expect(
      droppedIn(
        listOf([[OPS.beginAnnotation, ["a1", [0, 0, 1, 1], [1, 0, 0, 1, 0, 0], [1, 0, 0, 1, 0, 0], false]], bt, tf, at(10, 400), tj(), et]),
      ),
    ).toEqual([]);
  });
});

describe("cullOffCanvasText on a real page", () => {
  it("leaves the rendered pixels of a chart unchanged while skipping the body text around it", async () => {
    const file = join(import.meta.dirname, "../../../fixtures/illustrated-report.pdf");
    const truth = JSON.parse(await readFile(file.replace(/\.pdf$/, ".truth.json"), "utf8")) as {
      figures: Array<{ page: number; kind: string; bbox: BBox }>;
    };
    const chart = truth.figures.find((f) => f.kind === "vector")!;
    const { doc, outlines } = await openPdf(file, new Uint8Array(await readFile(file)));
    await outlines.beforeRender();
    const page = await doc.getPage(chart.page);
    const region = { bbox: chart.bbox, kind: "vector" as const, captionLines: [] };
    const plain = await drawRegion(page, region, { maxSide: 1540, cullText: false });
    const culled = await drawRegion(page, region, { maxSide: 1540 });
    const { fnArray } = await page.getOperatorList();
    const shows = Array.from(fnArray).filter((f) => f === OPS.showText).length;
    expect(plain.textRunsSkipped).toBe(0);
    expect(culled.textRunsSkipped).toBeGreaterThan(shows / 3);
    expect(Buffer.from(culled.pixels).equals(Buffer.from(plain.pixels))).toBe(true);
    await doc.destroy();
  });
});
