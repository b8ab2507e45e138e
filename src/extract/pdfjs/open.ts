/** Opens a PDF with pdf.js in Node and maps its load failures to our one-line errors. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ensurePdfjsWorker, getDocument, VerbosityLevel, type PDFDocumentProxy } from "./load.js";
import { loadError, oneLine } from "./load-error.js";
import { deferGlyphOutlines, type GlyphOutlines } from "./glyph-outlines.js";
import { attachmentsOnlyEncrypted, EMPTY_OWNER_PASSWORD, withCatalogFound, withoutEncryption } from "./recover.js";

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
  /** what opening had to work around (skipped attachments, a rebuilt trailer) */
  warnings: string[];
}

/**
 * Opens with pdf.js; what it refuses gets the second tries of recover.ts before the refusal is
 * reported: the empty owner password, attachments alone encrypted, a trailer without /Root.
 * `reread` gives the file's bytes again (pdf.js may have taken over the first copy).
 */
export async function openPdf(file: string, data: Uint8Array, password?: string, reread?: () => Promise<Uint8Array>): Promise<OpenedPdf> {
  await ensurePdfjsWorker();
  try {
    return await openOnce(data, password, []);
  } catch (err) {
    const name = (err as { name?: string } | null)?.name;
    const message = (err as { message?: string } | null)?.message ?? "";
    if (reread && name === "PasswordException" && !password) {
      const opened = await openOnce(await reread(), EMPTY_OWNER_PASSWORD, []).catch(() => undefined);
      if (opened) return opened;
      const bytes = await reread();
      const clear = attachmentsOnlyEncrypted(bytes) ? withoutEncryption(bytes) : undefined;
      const warning = "the PDF's attachments are encrypted (their password is needed for them only): they were skipped";
      const plain = clear && (await openOnce(clear, undefined, [warning]).catch(() => undefined));
      if (plain) return { ...plain, encrypted: true };
    } else if (reread && name !== "PasswordException" && /root|xref|structure|trailer|catalog/i.test(message)) {
      const repaired = withCatalogFound(await reread());
      const warning = `the PDF's trailer was broken (${oneLine(message).replace(/\.$/, "")}): its catalog was found by scanning the file`;
      const opened = repaired && (await openOnce(repaired, password, [warning]).catch(() => undefined));
      if (opened) return opened;
    }
    throw loadError(file, err, password);
  }
}

async function openOnce(data: Uint8Array, password: string | undefined, warnings: string[]): Promise<OpenedPdf> {
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
    await task.destroy().catch(() => undefined);
    throw err;
  }
  const outlines = deferGlyphOutlines(doc);
  let encrypted = false;
  try {
    const meta = await doc.getMetadata();
    encrypted = Boolean((meta.info as Record<string, unknown> | undefined)?.EncryptFilterName);
  } catch {
    /* metadata is optional */
  }
  return { doc, encrypted, outlines, warnings };
}
