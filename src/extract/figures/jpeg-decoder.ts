/**
 * JPEG images decoded by libjpeg-turbo (sharp) with shrink-on-load instead of pdf.js's JavaScript
 * decoder. pdf.js hands a JPEG's raw bytes to the WebCodecs `ImageDecoder` when the platform has
 * one and the document is opened with `isImageDecoderSupported`; Node has none, so this module
 * provides one that decodes only what a figure render can use (the longest side at most
 * decode-limit.ts's px) into a canvas pdf.js draws like any bitmap (it scales by the bitmap's own size).
 * A 600 dpi page scan (35 Mpx) then costs a fraction of a second and tens of MB instead of seconds
 * and 140 MB of RGBA per page. pdf.js takes this path for grey and RGB JPEGs without a Decode array
 * or mask (grey ones only with offscreen-canvas.ts installed); small JPEGs and every other image
 * are decoded by pdf.js as before.
 */
import type { Canvas } from "@napi-rs/canvas";
import { decodeLimit, decodesDeferred } from "./decode-limit.js";

// loaded on the first JPEG: a text-only document never needs either
const libraries = () => Promise.all([import("sharp"), import("@napi-rs/canvas")]);

/**
 * JPEGs with fewer pixels than this stay with pdf.js's decoder (declining makes it fall back): the
 * shrink-on-load pays off on scans and large photos, while a small image's decode through sharp
 * and a canvas costs more than pdf.js's own.
 */
const MIN_PIXELS = 4_000_000;

/** Pixel size from the JPEG's frame header (SOFn), or undefined when there is none. */
export function jpegSize(data: Uint8Array): { width: number; height: number } | undefined {
  let i = 2;
  while (i + 9 < data.length) {
    if (data[i] !== 0xff) {
      i++;
      continue;
    }
    const marker = data[i + 1]!;
    // standalone markers carry no length
    if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
      i += marker === 0xff ? 1 : 2;
      continue;
    }
    const length = (data[i + 2]! << 8) | data[i + 3]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (data[i + 5]! << 8) | data[i + 6]!, width: (data[i + 7]! << 8) | data[i + 8]! };
    }
    i += 2 + length;
  }
  return undefined;
}

interface DecoderInit {
  data: Uint8Array | ArrayBuffer;
  type: string;
}

/** A canvas pdf.js may draw and close, as it does with ImageBitmaps. */
type Bitmap = Canvas & { close(): void };

/** Decodes a JPEG to at most decodeLimit px on its longest side, as RGBA pixels. */
async function decodeShrunk(bytes: Uint8Array): Promise<{ pixels: Uint8ClampedArray; width: number; height: number }> {
  const [{ default: sharp }] = await libraries();
  const { data, info } = await sharp(bytes, { failOn: "none", limitInputPixels: false })
    .resize({ width: decodeLimit(), height: decodeLimit(), fit: "inside", withoutEnlargement: true })
    .toColourspace("srgb")
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { pixels: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

async function paint(canvas: Canvas, bytes: Uint8Array): Promise<void> {
  const [, { ImageData }] = await libraries();
  const { pixels, width, height } = await decodeShrunk(bytes);
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d").putImageData(new ImageData(pixels, width, height), 0, 0);
}

/**
 * JPEGs asked for while decodes are deferred (decode-limit.ts: figure analysis, which throws them
 * away with the page) stay empty until a drawing needs them (paintDeferredJpegs); the ones pdf.js
 * closes first (a page's own images, at the page's cleanup) are never decoded.
 */
const deferred = new Map<Bitmap, Uint8Array>();

/** Decodes the deferred JPEGs pdf.js still holds (images shared by pages stay in its document cache). */
export async function paintDeferredJpegs(): Promise<number> {
  const waiting = [...deferred];
  deferred.clear();
  for (const [canvas, bytes] of waiting) {
    try {
      await paint(canvas, bytes);
    } catch {
      /* an undecodable image draws as nothing, as pdf.js's own decoder would leave it */
    }
  }
  return waiting.length;
}

class SharpJpegDecoder {
  static isTypeSupported(type: string): Promise<boolean> {
    return Promise.resolve(type === "image/jpeg");
  }

  private data: Uint8Array | null;

  constructor(init: DecoderInit) {
    this.data = init.data instanceof Uint8Array ? init.data : new Uint8Array(init.data);
  }

  async decode(): Promise<{ image: unknown }> {
    if (!this.data) throw new Error("decoder closed");
    const size = jpegSize(this.data);
    if (!size || size.width * size.height < MIN_PIXELS) throw new Error("left to pdf.js");
    const [, { createCanvas }] = await libraries();
    const canvas = createCanvas(1, 1);
    // pdf.js closes bitmaps it is done with; a canvas frees its pixels when resized to nothing
    const image: Bitmap = Object.assign(canvas, {
      close() {
        deferred.delete(image);
        canvas.width = 0;
        canvas.height = 0;
      },
    });
    if (decodesDeferred()) deferred.set(image, this.data);
    else await paint(canvas, this.data);
    return { image };
  }

  close(): void {
    this.data = null;
  }
}

/**
 * Installs the decoder as the global `ImageDecoder` (only where none exists). Call before pdf.js
 * first asks whether the platform has one, i.e. before the first document opens.
 */
export function installJpegDecoder(): boolean {
  const g = globalThis as { ImageDecoder?: unknown };
  if (g.ImageDecoder !== undefined) return false;
  g.ImageDecoder = SharpJpegDecoder;
  return true;
}
