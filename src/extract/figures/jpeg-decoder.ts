/**
 * JPEG images decoded by libjpeg-turbo (sharp) with shrink-on-load instead of pdf.js's JavaScript
 * decoder. pdf.js hands a JPEG's raw bytes to the WebCodecs `ImageDecoder` when the platform has
 * one and the document is opened with `isImageDecoderSupported`; Node has none, so this module
 * provides one that decodes only what a figure render can use (the longest side at most
 * `decodeLimit` px) into a canvas pdf.js draws like any bitmap (it scales by the bitmap's own size).
 * A 600 dpi page scan (35 Mpx) then costs a fraction of a second and tens of MB instead of seconds
 * and 140 MB of RGBA per page. pdf.js takes this path for grey and RGB JPEGs without a Decode array
 * or mask (grey ones only with offscreen-canvas.ts installed); small JPEGs and every other image
 * are decoded by pdf.js as before.
 */
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

/** The default figure side: a page scan is drawn at most this large (the worker sets the run's own). */
let decodeLimit = 1540;

/** Longest side large JPEGs are decoded to from now on (the render's max side). */
export function setJpegDecodeLimit(maxSide: number): void {
  decodeLimit = Math.max(256, Math.round(maxSide));
}

interface DecoderInit {
  data: Uint8Array | ArrayBuffer;
  type: string;
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
    const [{ default: sharp }, { createCanvas, ImageData }] = await libraries();
    const { data, info } = await sharp(this.data, { failOn: "none", limitInputPixels: false })
      .resize({ width: decodeLimit, height: decodeLimit, fit: "inside", withoutEnlargement: true })
      .toColourspace("srgb")
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const canvas = createCanvas(info.width, info.height);
    const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength);
    canvas.getContext("2d").putImageData(new ImageData(pixels, info.width, info.height), 0, 0);
    // pdf.js closes bitmaps it is done with; a canvas frees its pixels when resized to nothing
    const image = Object.assign(canvas, {
      close() {
        canvas.width = 0;
        canvas.height = 0;
      },
    });
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
