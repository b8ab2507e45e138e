/**
 * `OffscreenCanvas` and `ImageData` for pdf.js's parser side in Node, on @napi-rs/canvas. With them
 * pdf.js hands every JPEG, grey ones included, to the platform's ImageDecoder (jpeg-decoder.ts)
 * instead of decoding it in JavaScript, and ships other images as ready-made bitmaps. Installed in
 * the extraction workers only, before pdf.js first asks whether the platform has them.
 * A bitmap far larger than any figure drawn from it (a 600 dpi Flate or CCITT page scan) is shrunk
 * as pdf.js fills it (shrinking-bitmap.ts): no full-size surface is made, copied or drawn.
 */
import { createRequire } from "node:module";

import type { Canvas } from "@napi-rs/canvas";
import { decodeLimit, decodesDeferred } from "./decode-limit.js";
import { ShrinkingBitmap, shrinkFactor } from "./shrinking-bitmap.js";

type CanvasModule = typeof import("@napi-rs/canvas");
const require = createRequire(import.meta.url);
let canvasModule: CanvasModule | undefined;
// loaded on first use (pdf.js constructs these synchronously); text-only documents never do
const canvasLib = (): CanvasModule => (canvasModule ??= require("@napi-rs/canvas") as CanvasModule);

let shrunk = 0;
/** bitmaps pdf.js filled while decodes were deferred, not closed yet */
const blank = new WeakSet<object>();

/** True for a bitmap made while decodes were deferred (figure analysis): it holds no picture. */
export function isBlankBitmap(bitmap: unknown): boolean {
  return typeof bitmap === "object" && bitmap !== null && blank.has(bitmap);
}

/** How many bitmaps were kept shrunk so far in this thread (tests, benchmarks). */
export function shrunkBitmaps(): number {
  return shrunk;
}

/** pdf.js draws the returned "bitmap" like an image and closes it when done with it. */
function asBitmap<T extends { width: number; height: number }>(canvas: T): T & { close(): void } {
  return Object.assign(canvas, {
    close() {
      canvas.width = 0;
      canvas.height = 0;
    },
  });
}

class NodeOffscreenCanvas {
  private canvas: Canvas;
  /** set when the bitmap is shrunk as it is filled */
  private shrinking?: ShrinkingBitmap;

  constructor(width: number, height: number) {
    const factor = shrinkFactor(width, height, decodeLimit());
    if (factor > 1) {
      this.shrinking = new ShrinkingBitmap(width, height, factor);
      shrunk++;
      this.canvas = canvasLib().createCanvas(this.shrinking.width, this.shrinking.height);
    } else {
      this.canvas = canvasLib().createCanvas(Math.max(1, width), Math.max(1, height));
    }
  }

  get width(): number {
    return this.canvas.width;
  }

  set width(v: number) {
    this.canvas.width = v;
  }

  get height(): number {
    return this.canvas.height;
  }

  set height(v: number) {
    this.canvas.height = v;
  }

  getContext(kind: "2d", options?: unknown) {
    void options;
    const ctx = this.canvas.getContext(kind);
    return this.shrinking ? this.shrinking.context(ctx, canvasLib().ImageData, decodesDeferred()) : ctx;
  }

  /** the drawn canvas becomes the bitmap; this one starts over empty, as the standard says */
  transferToImageBitmap() {
    const wasBlank = this.shrinking?.blank ?? false;
    this.shrinking = undefined;
    const drawn = this.canvas;
    this.canvas = canvasLib().createCanvas(drawn.width, drawn.height);
    const bitmap = asBitmap(drawn);
    if (wasBlank) blank.add(bitmap);
    return bitmap;
  }
}

/** ImageData constructed before @napi-rs/canvas is loaded still gets the native class. */
function NodeImageData(...args: unknown[]) {
  const { ImageData } = canvasLib();
  return new (ImageData as unknown as new (...a: unknown[]) => unknown)(...args);
}

/** Installs OffscreenCanvas and ImageData where the platform has none; true when it did. */
export function installOffscreenCanvas(): boolean {
  const g = globalThis as { OffscreenCanvas?: unknown; ImageData?: unknown };
  if (g.OffscreenCanvas !== undefined) return false;
  g.OffscreenCanvas = NodeOffscreenCanvas;
  g.ImageData ??= NodeImageData;
  return true;
}
