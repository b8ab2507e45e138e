/** Opens a PDF with pdf.js in Node and maps its load failures to our one-line errors. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ensurePdfjsWorker, getDocument, VerbosityLevel, type PDFDocumentProxy } from "./pdfjs.js";
import { loadError } from "./load-error.js";
import { deferGlyphOutlines, type GlyphOutlines } from "./glyph-outlines.js";

export { loadError, oneLine } from "./load-error.js";

const require = createRequire(import.meta.url);
/** node_modules/pdfjs-dist, found through Node's resolver so it works from src/ and dist/ */
const pdfjsRoot = dirname(require.resolve("pdfjs-dist/package.json"));
// pdf.js in Node reads these with fs when they are file paths ending in a slash
const asDirUrl = (sub: string) => join(pdfjsRoot, sub) + "/";

export interface OpenedPdf {
  doc: PDFDocumentProxy;
  /** true when the file has an /Encrypt dictionary (opened with a password or an empty one) */
  encrypted: boolean;
  /** call before rendering: the analysis parses glyphs without building their outlines */
  outlines: GlyphOutlines;
}

export async function openPdf(file: string, data: Uint8Array, password?: string): Promise<OpenedPdf> {
  await ensurePdfjsWorker();
  const task = getDocument({
    data,
    password,
    cMapUrl: asDirUrl("cmaps"),
    cMapPacked: true,
    standardFontDataUrl: asDirUrl("standard_fonts"),
    wasmUrl: asDirUrl("wasm"),
    iccUrl: asDirUrl("iccs"),
    isEvalSupported: false,
    verbosity: VerbosityLevel.ERRORS - 1,
    useSystemFonts: false,
    // JPEGs go to the platform's ImageDecoder, images are built as bitmaps, when the platform has
    // both (the workers install jpeg-decoder.ts and offscreen-canvas.ts; elsewhere pdf.js finds
    // none and decodes as before). No area limit: large images are shrunk by the decoder, not by
    // pdf.js's resizer.
    isImageDecoderSupported: true,
    isOffscreenCanvasSupported: true,
    canvasMaxAreaInBytes: 2 ** 31 - 1,
    // parser side only: the display side draws every font from outlines (glyph-outlines.ts)
    disableFontFace: false,
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (err) {
    throw loadError(file, err, password);
  }
  const outlines = deferGlyphOutlines(doc);
  let encrypted = false;
  try {
    const meta = await doc.getMetadata();
    encrypted = Boolean((meta.info as Record<string, unknown> | undefined)?.EncryptFilterName);
  } catch {
    /* metadata is optional */
  }
  return { doc, encrypted, outlines };
}

