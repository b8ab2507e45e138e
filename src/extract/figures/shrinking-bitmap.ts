/**
 * A bitmap pdf.js fills at full size but that is kept at a fraction of it. pdf.js decodes every
 * image that is not a JPEG (Flate, CCITT, JBIG2, JPEG 2000, masks) itself and hands the pixels to an
 * OffscreenCanvas: createImageData, putImageData, transferToImageBitmap. For a 600 dpi page scan
 * that is a 35 Mpx surface (140 MB) filled, then drawn down to ~1540 px through halving copies —
 * seconds per page. Here the pixels are averaged over factor × factor blocks as they are put, so the
 * surface has the size of what a figure can show, and pdf.js draws it like any smaller bitmap
 * (it scales by the bitmap's own size).
 */
import type { ImageData as CanvasImageData, SKRSContext2D } from "@napi-rs/canvas";

/** Images below this many pixels are kept as they are: shrinking pays off on scans and posters. */
const MIN_PIXELS = 4_000_000;

/**
 * The whole-number factor a width × height image is shrunk by so its longest side stays at or
 * above `limit` (never below what a figure of that size needs); 1 keeps it as it is.
 */
export function shrinkFactor(width: number, height: number, limit: number): number {
  if (width * height < MIN_PIXELS) return 1;
  return Math.max(1, Math.floor(Math.max(width, height) / limit));
}

/** RGBA pixels averaged over factor × factor blocks (the last row and column over what is left). */
export function shrinkRgba(src: ArrayLike<number>, width: number, height: number, factor: number): Uint8ClampedArray {
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const out = new Uint8ClampedArray(w * h * 4);
  const sums = new Uint32Array(w * 4);
  for (let Y = 0; Y < h; Y++) {
    sums.fill(0);
    const y0 = Y * factor;
    const y1 = Math.min(height, y0 + factor);
    for (let y = y0; y < y1; y++) {
      let i = y * width * 4;
      for (let X = 0, x = 0; X < w; X++) {
        const end = Math.min(width, x + factor);
        let r = 0;
        let g = 0;
        let b = 0;
        let a = 0;
        for (; x < end; x++, i += 4) {
          r += src[i]!;
          g += src[i + 1]!;
          b += src[i + 2]!;
          a += src[i + 3]!;
        }
        const o = X * 4;
        sums[o]! += r;
        sums[o + 1]! += g;
        sums[o + 2]! += b;
        sums[o + 3]! += a;
      }
    }
    const rows = y1 - y0;
    for (let X = 0; X < w; X++) {
      const n = rows * (Math.min(width, (X + 1) * factor) - X * factor);
      const o = X * 4;
      const p = (Y * w + X) * 4;
      // Uint8ClampedArray rounds to nearest
      out[p] = sums[o]! / n;
      out[p + 1] = sums[o + 1]! / n;
      out[p + 2] = sums[o + 2]! / n;
      out[p + 3] = sums[o + 3]! / n;
    }
  }
  return out;
}

interface PixelsLike {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** The full-size bitmap pdf.js thinks it fills, kept `factor` times smaller on a real canvas. */
export class ShrinkingBitmap {
  readonly width: number;
  readonly height: number;

  constructor(
    readonly fullWidth: number,
    readonly fullHeight: number,
    readonly factor: number,
  ) {
    this.width = Math.ceil(fullWidth / factor);
    this.height = Math.ceil(fullHeight / factor);
  }

  /**
   * The 2D context pdf.js fills a decoded image through: what it does with one (an ImageData of
   * the full size, put at the origin) is taken; anything else is refused, so the image fails
   * visibly ("could not be decoded") rather than being drawn wrong.
   */
  /** true when pdf.js filled it while decodes were deferred: it holds no picture */
  blank = false;

  context(ctx: SKRSContext2D, ImageDataClass: typeof CanvasImageData, deferred: boolean) {
    const full = (w: number, h: number) => w === this.fullWidth && h === this.fullHeight;
    const refuse = (what: string) => {
      throw new Error(`a shrunk bitmap cannot ${what}`);
    };
    return {
      canvas: ctx.canvas,
      createImageData: (w: number, h: number): PixelsLike => {
        if (!full(w, h)) refuse(`make image data of ${w}×${h}`);
        // nobody will see these pixels: pdf.js's writes past a typed array's end go nowhere
        if (deferred) return { data: new Uint8ClampedArray(4), width: w, height: h };
        return { data: new Uint8ClampedArray(w * h * 4), width: w, height: h };
      },
      putImageData: (image: PixelsLike, dx: number, dy: number) => {
        if (dx !== 0 || dy !== 0 || !full(image.width, image.height)) refuse("take part of an image");
        if (deferred) {
          this.blank = true;
          return;
        }
        const small = shrinkRgba(image.data, image.width, image.height, this.factor);
        ctx.putImageData(new ImageDataClass(small, this.width, this.height), 0, 0);
      },
      drawImage: () => refuse("draw"),
      getImageData: () => refuse("be read"),
      fillRect: () => refuse("be painted"),
    };
  }
}
