/** Canvas calls read the clock (running the page's watch) and end an operator once the drawing is cut. */
import { createCanvas } from "@napi-rs/canvas";
import { afterEach, expect, it } from "vitest";
import { watchCanvasCalls } from "../../../src/extract/figures/canvas-watch.js";

const realNow = Date.now;
afterEach(() => {
  Date.now = realNow;
});

it("reads the clock while one operator draws many glyphs, and throws once the drawing is cut", () => {
  const ctx = createCanvas(50, 50).getContext("2d");
  let reads = 0;
  let cut = false;
  // the page's watch runs on clock reads (work-watch.ts): here it cuts at the fifth read
  Date.now = () => {
    if (++reads >= 5) cut = true;
    return realNow();
  };
  watchCanvasCalls(ctx, () => cut);
  let drawn = 0;
  // a Type3 text run: every glyph saves, transforms, fills and restores, with no clock read of its own
  const glyphs = () => {
    for (let i = 0; i < 10_000; i++) {
      ctx.save();
      ctx.transform(1, 0, 0, 1, 1, 0);
      ctx.fillRect(0, 0, 2, 2);
      ctx.restore();
      drawn++;
    }
  };
  expect(glyphs).toThrow(/drawing cut/);
  expect(reads).toBe(5);
  // stopped within a few clock reads' worth of calls, not at the end of the run
  expect(drawn).toBeLessThan(200);
  // the context still draws for what comes after (the canvas is dropped, but nothing else breaks)
  cut = false;
  Date.now = realNow;
  expect(() => ctx.fillRect(0, 0, 1, 1)).not.toThrow();
});
