/** A figure whose drawing takes longer than its limit is cancelled in the worker, with a one-line reason. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { drawRegion } from "../../../src/extract/figures/render.js";
import { openPdf } from "../../../src/extract/pdfjs/open.js";

it("cancels a drawing past its limit and draws it in full without one", { timeout: 60_000 }, async () => {
  const file = join(import.meta.dirname, "../../../fixtures/illustrated-report.pdf");
  const { doc, outlines } = await openPdf(file, new Uint8Array(await readFile(file)));
  await outlines.beforeRender();
  const page = await doc.getPage(3);
  const whole = { bbox: [0, 0, page.view[2], page.view[3]] as [number, number, number, number], kind: "mixed" as const, captionLines: [] };
  // a whole page at 4000 px takes far more than a millisecond of work
  await expect(drawRegion(page, whole, { maxSide: 4000, timeoutMs: 1 })).rejects.toThrow(/drawing took longer than 0 s/);
  const drawn = await drawRegion(page, whole, { maxSide: 1000, timeoutMs: 60_000 });
  expect(drawn.width).toBeGreaterThan(500);
  await doc.destroy();
});
