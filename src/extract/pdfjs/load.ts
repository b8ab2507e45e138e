/**
 * The one entry to pdf.js (legacy build, for Node): loads it, then undoes its global polyfills of
 * hot built-ins (see native-builtins.ts). Import pdf.js values from here, not from pdfjs-dist.
 */
import { restoreNativeBuiltins } from "./native-builtins.js";
import * as pdfjs from "pdfjs-dist/legacy/build/pdf.mjs";
import { useSameThreadMessages } from "./same-thread-port.js";

restoreNativeBuiltins();

export const { AnnotationMode, getDocument, normalizeUnicode, OPS, Util, VerbosityLevel } = pdfjs;

/**
 * The analysis passes read the page's own content only: annotations (links, form fields, stamps)
 * are not part of its text, and parsing them for every page of a long, heavily linked document
 * costs more than the figures they could hold are worth. Rendering still draws them.
 */
export const ANALYSIS_OPERATOR_LIST = { annotationMode: pdfjs.AnnotationMode.DISABLE } as const;
export type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

let workerReady: Promise<void> | undefined;

/**
 * pdf.js's own worker code, run in this thread: set once so pdf.js does not import it per document
 * (a worker thread's boot code may have set it already), and its in-thread messages made cheap.
 */
export function ensurePdfjsWorker(): Promise<void> {
  return (workerReady ??= (async () => {
    const g = globalThis as { pdfjsWorker?: unknown };
    const specifier = "pdfjs-dist/legacy/build/pdf.worker.mjs"; // untyped module
    g.pdfjsWorker ??= await import(specifier);
    restoreNativeBuiltins();
    // one throwaway in-thread worker gives the port class to patch (see same-thread-port.ts)
    const probe = new pdfjs.PDFWorker();
    await probe.promise;
    useSameThreadMessages(probe.port as unknown as Parameters<typeof useSameThreadMessages>[0]);
    probe.destroy();
  })());
}
