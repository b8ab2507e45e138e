/**
 * Worker thread: opens one PDF with pdf.js and answers requests for page layouts, figure evidence
 * and figure renders. Runs apart from the main thread so a hang can be terminated.
 */
import { readFile } from "node:fs/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import type { PageFigureCandidates } from "../figures/analyze.js";
import { analyzePageFigures } from "../figures/analyze.js";
import { readPageLayout } from "../layout/lines.js";
import { openPdf, oneLine, type OpenedPdf } from "./open.js";
import { ensurePdfjsWorker } from "./load.js";
import { operatorListWithin } from "./operator-list-limit.js";
import { readOutline } from "./outline.js";
import type { DocMeta, PageAnalysis, RenderedItem, WorkerProgress, WorkerReply, WorkerRequest } from "./protocol.js";
import { installSyncDecompression } from "./sync-inflate.js";
import { setDecodeLimit, setDecodesDeferred } from "../figures/decode-limit.js";
import { installJpegDecoder, paintDeferredJpegs } from "../figures/jpeg-decoder.js";
import { installOffscreenCanvas, isBlankBitmap } from "../figures/offscreen-canvas.js";

installSyncDecompression();
// before pdf.js first looks for an ImageDecoder and OffscreenCanvas (it remembers the answers)
installJpegDecoder();
installOffscreenCanvas();
// pdf.js's parser side loads now, while the worker waits for its first request
void ensurePdfjsWorker().catch(() => undefined);

// what dependencies print from here (pdf.js warnings) is noise for users, and stdout carries --json
// events: replies carry the errors that matter
for (const level of ["log", "info", "warn", "error", "debug"] as const) console[level] = () => undefined;

/** the renderer and sharp load on the first render request: text-only documents never need them */
let renderer: Promise<typeof import("../figures/render.js")> | undefined;
function loadRenderer() {
  return (renderer ??= (async () => {
    const { default: sharp } = await import("sharp");
    // libvips keeps an operation cache and a thread per core by default; one figure at a time needs neither
    sharp.cache(false);
    sharp.concurrency(1);
    return import("../figures/render.js");
  })());
}

/** the document this worker has open, with what rendering it needs */
let opened: OpenedPdf | undefined;

/** V8's gc() without --expose-gc (not allowed in a worker's execArgv): the flag, then a context that has it */
const collectGarbage = (() => {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
})();

const send = (msg: WorkerReply | WorkerProgress, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(msg, transfer);

parentPort!.on("message", (req: WorkerRequest) => {
  handle(req).catch((err: unknown) => {
    const e = err as { name?: string; message?: string };
    send({ op: "error", name: e?.name ?? "Error", message: oneLine(e?.message ?? String(err)) });
  });
});

/**
 * pdf.js keeps every page it has parsed, and the fonts and images pages share, for the document's
 * life; page.cleanup() frees only the page's own drawing. A long document empties those caches
 * every so many pages, read or drawn, or its memory grows with its length: a generated 600-page
 * illustrated book peaked at 1.6 GB, and at 357 MB this way (fonts are parsed again each time:
 * about a fifth more time on that book, nothing on documents under 16 pages).
 */
const CLEANUP_EVERY_PAGES = 16;
let pagesSinceCleanup = 0;

async function handle(req: WorkerRequest): Promise<void> {
  switch (req.op) {
    case "open": {
      // a pooled worker serves one document after another: never keep the previous one
      await opened?.doc.destroy().catch(() => undefined);
      opened = undefined;
      pagesSinceCleanup = 0;
      const reread = async () => new Uint8Array(await readFile(req.file));
      opened = await openPdf(req.file, await reread(), req.password, reread);
      const meta: DocMeta = { numPages: opened.doc.numPages, encrypted: opened.encrypted, outline: [], warnings: opened.warnings };
      if (req.withMeta) {
        try {
          const { info } = await opened.doc.getMetadata();
          const i = (info ?? {}) as Record<string, unknown>;
          const str = (v: unknown) => (typeof v === "string" && v.trim() ? oneLine(v) : undefined);
          meta.title = str(i.Title);
          meta.author = str(i.Author);
          meta.producer = str(i.Producer);
        } catch {
          /* no usable info dictionary */
        }
      }
      send({ op: "opened", meta });
      return;
    }
    case "analyze": {
      // the analysis reads operators only; a decode pdf.js starts for it waits until a drawing needs it
      // (it may start after the page is done, so this stays on until the next render)
      setDecodesDeferred(true);
      for (const n of req.pages) {
        const started = performance.now();
        const analysis = await analyzePage(n, req.pageTimeoutMs, req.maxOps);
        analysis.ms = Math.round(performance.now() - started);
        send({ op: "page", analysis });
        if (++pagesSinceCleanup >= CLEANUP_EVERY_PAGES) {
          pagesSinceCleanup = 0;
          await opened!.doc.cleanup().catch(() => undefined);
        }
        // pdf.js goes on parsing a cut page in this thread (nothing stops its task): the main
        // thread replaces this worker and sends the rest to a fresh one
        if (analysis.drawingCut) break;
      }
      send({ op: "analyzed" });
      return;
    }
    case "count": {
      let pages: number | undefined;
      try {
        const reread = async () => new Uint8Array(await readFile(req.file));
        const other = await openPdf(req.file, await reread(), undefined, reread);
        pages = other.doc.numPages;
        await other.doc.destroy();
      } catch {
        /* unreadable or encrypted: no count */
      }
      send({ op: "counted", pages });
      return;
    }
    case "outline": {
      send({ op: "outlined", outline: await readOutline(opened!.doc) });
      return;
    }
    case "render": {
      // the fonts the analysis loaded stay: rendering reuses them (dropping them cost 10–20% more
      // CPU on figure-heavy files and did not lower peak RSS); each page is freed after its figures
      const { renderFigure } = await loadRenderer();
      setDecodeLimit(req.maxSide);
      setDecodesDeferred(false);
      await paintDeferredJpegs();
      await redecodeBlankSharedImages(opened!.doc, req.items[0]?.page);
      await opened!.outlines.beforeRender();
      // each figure goes to the main thread as soon as it is drawn: a later figure that stalls the
      // worker then costs itself and the ones after it, not the page's figures already drawn
      for (const [k, item] of req.items.entries()) {
        let page;
        try {
          page = await opened!.doc.getPage(item.page);
          const r = await renderFigure(page, item.region, { maxSide: req.maxSide, timeoutMs: req.pageTimeoutMs });
          const data = new Uint8Array(r.data.buffer.slice(r.data.byteOffset, r.data.byteOffset + r.data.byteLength));
          const warnings = (r as { warnings?: string[] }).warnings;
          const minTextPx = r.minTextPx ? { minTextPx: r.minTextPx } : {};
          const done: RenderedItem = {
            key: item.key,
            data,
            mime: r.mime,
            width: r.width,
            height: r.height,
            ...(warnings?.length ? { warnings } : {}),
            ...minTextPx,
          };
          send({ op: "figure", item: done }, [data.buffer as ArrayBuffer]);
        } catch (err) {
          send({ op: "figure", item: { key: item.key, error: oneLine((err as Error)?.message ?? String(err)) } });
        } finally {
          // decoded images of a photo-heavy page are large: free them before the next page (the
          // page's other figures, which come next, reuse its operator list and images)
          if (req.items[k + 1]?.page !== item.page) {
            page?.cleanup();
            if (++pagesSinceCleanup >= CLEANUP_EVERY_PAGES) {
              pagesSinceCleanup = 0;
              await opened!.doc.cleanup().catch(() => undefined);
            }
          }
        }
      }
      send({ op: "rendered" });
      return;
    }
    case "close": {
      await opened?.doc.destroy().catch(() => undefined);
      opened = undefined;
      // the worker waits idle in the pool now: collect the document's garbage while idle, not
      // while the next document needs the memory, and report what stays
      collectGarbage?.();
      send({ op: "closed", heapUsedMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20) });
      return;
    }
  }
}

/**
 * Images decoded during analysis were left blank (shrinking-bitmap.ts); a page's own are dropped
 * with the page, but one shared by several pages sits in pdf.js's document cache and would be
 * drawn blank: if there is one, the caches are emptied so drawing decodes it again.
 */
async function redecodeBlankSharedImages(doc: OpenedPdf["doc"], pageNumber: number | undefined): Promise<void> {
  if (pageNumber === undefined) return;
  const page = await doc.getPage(pageNumber);
  const shared = page.commonObjs as unknown as Iterable<[string, { bitmap?: unknown } | null]>;
  let blank = false;
  for (const [, data] of shared) if (data && isBlankBitmap(data.bitmap)) blank = true;
  // a page whose operator list was cut cannot be cleaned: its figures are left out anyway
  if (blank) await doc.cleanup().catch(() => undefined);
}

async function analyzePage(n: number, timeoutMs: number, maxOps: number): Promise<PageAnalysis> {
  let page;
  try {
    page = await opened!.doc.getPage(n);
  } catch (err) {
    return emptyPage(n, 612, 792, (err as Error)?.message ?? String(err));
  }
  try {
    // a drawing that never ends is cut: the text read so far is kept, the figures are not trusted
    const { opList, cut } = await operatorListWithin(page, timeoutMs, maxOps);
    const layout = await readPageLayout(page, n, opList);
    // the text is safe with the main thread before figure analysis, which could still exhaust the worker
    send({ op: "page-text", layout });
    let candidates;
    if (cut) {
      candidates = emptyCandidates(n, layout.width, layout.height);
      const why =
        cut === "time"
          ? `took longer than ${Math.round(timeoutMs / 1000)} s to draw`
          : `has more than ${maxOps.toLocaleString("en")} drawing operations`;
      candidates.warnings.push(
        `page ${n}: the page ${why} (its drawing loops or explodes): its figures are left out, the text read so far is kept`,
      );
      return { layout, candidates, drawingCut: true };
    }
    try {
      candidates = await analyzePageFigures(page, layout);
    } catch (err) {
      candidates = emptyCandidates(n, layout.width, layout.height);
      candidates.warnings.push(`page ${n}: figure detection failed (${oneLine((err as Error)?.message ?? String(err))})`);
    }
    return { layout, candidates };
  } catch (err) {
    const vp = page.getViewport({ scale: 1 });
    return emptyPage(n, vp.width, vp.height, (err as Error)?.message ?? String(err));
  } finally {
    // frees the operator list and fonts: long documents would otherwise keep every page in memory
    page.cleanup();
  }
}

function emptyPage(n: number, width: number, height: number, error: string): PageAnalysis {
  return {
    layout: { number: n, width, height, lines: [], textLayer: false },
    candidates: emptyCandidates(n, width, height),
    error: oneLine(error),
  };
}

function emptyCandidates(n: number, width: number, height: number): PageFigureCandidates {
  return { page: n, width, height, images: [], drawings: [], textOps: 0, warnings: [] };
}
