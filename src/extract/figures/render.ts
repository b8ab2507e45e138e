/**
 * Rasterises one figure region with pdf.js on an @napi-rs/canvas canvas (only the region, via a
 * viewport offset) and encodes it with sharp: PNG for line art, JPEG for photos and scans.
 */
import { createCanvas } from "@napi-rs/canvas";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import sharp from "sharp";
import type { FigureRegion, RenderedFigure } from "../types.js";
import { watchWork } from "../pdfjs/work-watch.js";
import { watchCanvasCalls } from "./canvas-watch.js";
import { sizeForText } from "./legibility.js";
import { limitTilingPattern } from "./pattern-limit.js";
import { textLineHeightPx } from "./scan-text-height.js";
import { cullOffCanvasText, type CullFont, type CullOperatorList } from "./text-cull.js";

/** A rendered figure plus anything the document's warnings should say about it. */
export interface RenderedFigureResult extends RenderedFigure {
  warnings: string[];
  /** a page scan's legibility floor measured on its pixels (scan-text-height.ts), when it shows lines of text */
  minTextPx?: number;
}

/** Vector content gains nothing past this many pixels per point (≈ 300 dpi). */
const MAX_VECTOR_SCALE = 300 / 72;

/** Render scale (pixels per point) for a region: fits maxSide, never past the source images' detail. */
export function figureScale(region: FigureRegion, opts: { maxSide: number }): number {
  const w = Math.max(1, region.bbox[2] - region.bbox[0]);
  const h = Math.max(1, region.bbox[3] - region.bbox[1]);
  let scale = Math.min(opts.maxSide / Math.max(w, h), MAX_VECTOR_SCALE);
  if ((region.kind === "raster" || region.kind === "page-scan") && region.sourceScale && region.sourceScale > 0) {
    scale = Math.min(scale, region.sourceScale);
  }
  // keep at least a readable minimum even for very coarse sources (but within maxSide)
  return Math.max(scale, Math.min(opts.maxSide / Math.max(w, h), 0.5));
}

export function figurePixelSize(region: FigureRegion, opts: { maxSide: number }): { width: number; height: number } {
  const s = figureScale(region, opts);
  const w = region.bbox[2] - region.bbox[0];
  const h = region.bbox[3] - region.bbox[1];
  return {
    width: Math.min(opts.maxSide, Math.max(1, Math.round(w * s))),
    height: Math.min(opts.maxSide, Math.max(1, Math.round(h * s))),
  };
}

/** Counts distinct colours on a pixel sample (quantised to 5 bits per channel), up to a limit. */
function colourStats(px: Uint8ClampedArray | Buffer, limit: number): { colours: number; uniform: boolean } {
  const seen = new Set<number>();
  const n = px.length / 4;
  const step = Math.max(1, Math.floor(n / 40000));
  // per channel: a gradient between colours of one lightness (red to green) is not uniform
  const min = [255, 255, 255];
  const max = [0, 0, 0];
  for (let i = 0; i < n; i += step) {
    const o = i * 4;
    for (let c = 0; c < 3; c++) {
      const v = px[o + c];
      if (v < min[c]) min[c] = v;
      if (v > max[c]) max[c] = v;
    }
    if (seen.size < limit) seen.add(((px[o] >> 3) << 10) | ((px[o + 1] >> 3) << 5) | (px[o + 2] >> 3));
  }
  return { colours: seen.size, uniform: max.every((v, c) => v - min[c] < 4) };
}

/** A region's pixels (RGBA) as pdf.js draws them. */
export interface RegionPixels {
  pixels: Uint8ClampedArray;
  width: number;
  height: number;
  /** text-showing operators left out as drawn off the canvas or invisibly (text-cull.ts) */
  textRunsSkipped: number;
}

/** Draws one region of the page at the figure's scale; cullText false draws every text run (tests). */
export async function drawRegion(
  page: PDFPageProxy,
  region: FigureRegion,
  opts: { maxSide: number; cullText?: boolean; /** work allowed before the drawing is cancelled */ timeoutMs?: number },
): Promise<RegionPixels> {
  const scale = figureScale(region, opts);
  const { width, height } = figurePixelSize(region, opts);
  const viewport = page.getViewport({
    scale,
    offsetX: -region.bbox[0] * scale,
    offsetY: -region.bbox[1] * scale,
  });
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  let task: { _internalRenderTask?: { operatorList?: CullOperatorList & { argsArray: unknown[] } } } | undefined;
  const cull = cullOffCanvasText(
    () => task?._internalRenderTask?.operatorList,
    (id) => {
      const font: unknown = page.commonObjs.has(id) ? page.commonObjs.get(id) : undefined;
      return typeof font === "object" && font !== null ? (font as CullFont) : undefined;
    },
    viewport.transform,
    width,
    height,
  );
  const rendering = page.render({
    canvas: canvas as unknown as HTMLCanvasElement,
    canvasContext: ctx as unknown as CanvasRenderingContext2D,
    viewport,
    // each operator passes here just before it runs: a runaway tiling pattern is tamed in place
    operationsFilter: (i: number) => {
      limitTilingPattern(task?._internalRenderTask?.operatorList?.argsArray[i]);
      return opts.cullText === false || cull.filter(i);
    },
  });
  task = rendering as unknown as typeof task;
  let cancelled = false;
  const stop = opts.timeoutMs
    ? watchWork(
        opts.timeoutMs,
        () => undefined,
        () => {
          cancelled = true;
          rendering.cancel();
        },
      )
    : () => undefined;
  if (opts.timeoutMs) watchCanvasCalls(ctx, () => cancelled);
  try {
    await rendering.promise;
  } catch (err) {
    if (cancelled) throw new Error(`drawing took longer than ${Math.round(opts.timeoutMs! / 1000)} s`, { cause: err });
    throw err;
  } finally {
    stop();
    if (cancelled) {
      canvas.width = 0;
      canvas.height = 0;
    }
  }
  const pixels = ctx.getImageData(0, 0, width, height).data;
  // the canvas's native surface is invisible to the JS heap, so GC would not hurry to free it
  canvas.width = 0;
  canvas.height = 0;
  return { pixels, width, height, textRunsSkipped: cull.dropped };
}

export async function renderFigure(
  page: PDFPageProxy,
  region: FigureRegion,
  opts: { maxSide: number; timeoutMs?: number },
): Promise<RenderedFigureResult> {
  const warnings: string[] = [];
  const { pixels, width, height } = await drawRegion(page, region, opts);
  const linePx = region.kind === "page-scan" ? textLineHeightPx(pixels, width, height) : undefined;
  const measured = linePx ? { minTextPx: sizeForText(region.bbox, linePx / figureScale(region, opts)) } : {};
  const stats = colourStats(pixels, 2048);
  const id = `page ${page.pageNumber} figure at [${region.bbox.map((v) => Math.round(v)).join(", ")}]`;
  if (stats.uniform) warnings.push(`${id} rendered as a blank image`);

  const buffer = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  // a fresh pipeline per encoding: sharp's clone() deep-copies its input (the whole pixel buffer)
  const raw = () => sharp(buffer, { raw: { width, height, channels: 4 } }).removeAlpha();
  // line art and screenshots stay sharp as PNG; photos and scans are far smaller as JPEG, so a
  // colourful image becomes JPEG when its PNG would be much larger. Plain libjpeg-turbo and
  // truecolour PNG: mozjpeg and palette quantisation save 25–40% of bytes but cost ~10× the CPU
  // (150–200 ms a figure), which is half of a figure-heavy document's extraction; image tokens
  // depend on pixels, not bytes.
  if (stats.colours <= 256 && region.kind !== "page-scan") {
    const data = await raw().png({ compressionLevel: 6 }).toBuffer();
    return { data, mime: "image/png", width, height, warnings };
  }
  const jpeg = await raw().jpeg({ quality: 85 }).toBuffer();
  if (region.kind === "page-scan") return { data: jpeg, mime: "image/jpeg", width, height, warnings, ...measured };
  const png = await raw().png({ compressionLevel: 6 }).toBuffer();
  return png.length > 2 * jpeg.length
    ? { data: jpeg, mime: "image/jpeg", width, height, warnings }
    : { data: png, mime: "image/png", width, height, warnings };
}
