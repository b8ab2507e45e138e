/**
 * The one entry to pdf.js (legacy build, for Node): loads it, then undoes its global polyfills of
 * hot built-ins (see native-builtins.ts). Import pdf.js values from here, not from pdfjs-dist.
 */
import { restoreNativeBuiltins } from "./native-builtins.js";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";

restoreNativeBuiltins();

export const { getDocument, normalizeUnicode, OPS, Util, VerbosityLevel } = pdfjs;
export type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

/** pdf.js's own worker code, run in this thread: set once so pdf.js does not import it per document */
export async function ensurePdfjsWorker(): Promise<void> {
  const g = globalThis as { pdfjsWorker?: unknown };
  const specifier = "pdfjs-dist/legacy/build/pdf.worker.mjs"; // untyped module
  g.pdfjsWorker ??= await import(specifier);
  restoreNativeBuiltins();
}
