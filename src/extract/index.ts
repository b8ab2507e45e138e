/**
 * extract(): from a PDF file to the document model plus figure images.
 * The pdf.js work runs in worker threads (time limit, both cores) borrowed from a pool that outlives
 * one document; cross-page passes run here.
 */
import { shownPath } from "../io/stand-in-paths.js";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomically, writeJsonAtomically } from "../io/atomic.js";
import { sha256OfFile } from "../io/sha256.js";
import type { Block, DocumentModel, Extraction, FigureImage, OutlineEntry, Page } from "../model/document.js";
import { buildPageBlocks, type PageBlock, type PendingFigure, type PendingHeading } from "./layout/blocks.js";
import { selectFigures } from "./figures/select.js";
import { bodyFontSize, headingScale, outlineTitles, relevelHeadings } from "./layout/headings.js";
import { renderDocumentMarkdown } from "./document-markdown.js";
import { loadError } from "./pdfjs/load-error.js";
import { pageRangeOverflow, parsePageRange } from "./pages-range.js";
import { analyzePagesWatched, LATE, renderWatched, type PageLimits, type WorkerSlot } from "./pdfjs/page-watch.js";
import { acquireWorker, releaseWorker, type PdfWorker } from "./pdfjs/pool.js";
import type { DocMeta, PageAnalysis, RenderItem, RenderedItem, WorkerReply } from "./pdfjs/protocol.js";
import { findRunningHeads } from "./layout/running-heads.js";
import { textLossWarning } from "./layout/text-kept.js";

export { renderDocumentMarkdown };

export interface ExtractOptions {
  /** page range such as "1-20,35" (1-based, inclusive) */
  pages?: string;
  /** the PDF's password, when it has one (an empty owner password is tried without it) */
  password?: string;
  /** default true; false = compute figure regions and their would-be pixel sizes, but do not rasterize/encode */
  render?: boolean;
  /** longest side of any figure image; default 1540 */
  imageMaxSide?: number;
  /**
   * per-document limit (default 45 s plus 0.25 s a page, so 45.25 s for one page and 195 s for 600):
   * past it, pages not yet read fail the document (nothing partial is passed off as whole) and
   * figures not yet drawn are left out with a warning
   */
  timeoutMs?: number;
  /** per-page limit (default 10 s): a page past it loses its figures (with a warning), keeps its text */
  pageTimeoutMs?: number;
  /** called as each page is read, with the worker's time on it (benchmarks: the slowest page) */
  onPageRead?: (page: number, ms: number) => void;
  /** worker threads for one document (1–2); default 2 with 4+ cores, else 1 (see defaultWorkers) */
  workers?: number;
  /** the file's sha256 when the caller has already read it (a batch does, to check resume) */
  sha256?: string;
}

/**
 * the document's default limit: below the 60 s a caller (a batch's per-file cap, a CI step) would
 * allow a short file, with room for long illustrated books (a 600-page one takes about a minute
 * and a half on a loaded 2-core machine)
 */
export const DEFAULT_TIMEOUT_MS = 45_000;
export const DEFAULT_TIMEOUT_PER_PAGE_MS = 250;
export const DEFAULT_PAGE_TIMEOUT_MS = 10_000;
/**
 * past its page deadline, the time a worker has to cut the drawing and answer before it is stopped:
 * the cut counts the worker's own CPU time, and on a loaded machine that lags the clock (up to 3×)
 */
const PAGE_GRACE_FACTOR = 2;
const PAGE_GRACE_MS = 3_000;
/**
 * operators one page may produce before its drawing is cut (~100–200 MB of operator list): real
 * pages stay far below (a dense map page has a few hundred thousand); runaway form chains do not
 */
const MAX_PAGE_OPS = 1_500_000;
/**
 * One pdf.js worker keeps about 1.4 cores busy: V8 compiles and collects its garbage on helper
 * threads. On 2 cores a second worker for the same document bought nothing (DA-619p: 2.1 s either
 * way, 3.0 s of CPU with one worker and 4.0 s with two; failure-after-repair: 3.0 s with one, 3.5 s
 * with two), and in a batch the spare core is better spent on the next document.
 */
function defaultWorkers(): number {
  return availableParallelism() >= 4 ? 2 : 1;
}
/** below this many pages a second worker's start-up and memory (a second parsed copy) do not pay */
const PAGES_PER_EXTRA_WORKER = 40;
/** files at least this large start their second worker before the page count is known */
const EARLY_SECOND_WORKER_BYTES = 1_500_000;
/** a worker that does not confirm closing its document within this is stopped, not pooled */
const CLOSE_LIMIT_MS = 5_000;

export async function extract(pdfPath: string, opts: ExtractOptions = {}): Promise<Extraction> {
  const bytes = await fileSize(pdfPath);
  if (bytes === 0) throw new InputError(`${pdfPath}: empty file, not a PDF`, pdfPath);
  // the hash is read alongside the workers' start, not before it (or taken from a caller that read it)
  const hashing = opts.sha256 !== undefined ? Promise.resolve(opts.sha256) : sha256Of(pdfPath);
  hashing.catch(() => undefined);
  const maxSide = opts.imageMaxSide ?? 1540;
  const workers: PdfWorker[] = [];
  // a worker timed out or crashed: every worker of this document is stopped, none goes back to the pool
  let broken = false;
  // the second worker's open, when it starts alongside the first
  let early: Promise<WorkerReply> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let timedOut: (err: Error) => void = () => undefined;
  const timeout = new Promise<never>((_, reject) => (timedOut = reject));
  timeout.catch(() => undefined);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const pageTimeoutMs = opts.pageTimeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  const limits: PageLimits = { pageTimeoutMs, maxOps: MAX_PAGE_OPS, graceMs: PAGE_GRACE_FACTOR * pageTimeoutMs + PAGE_GRACE_MS };
  // pages read so far, for the message when the document's limit is reached
  let pagesRead = 0;
  let pagesWanted = 0;
  let givenUp = false;
  const arm = (ms: number, total = ms) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      givenUp = true;
      broken = true;
      const progress = pagesWanted ? ` with ${pagesRead} of ${pagesWanted} pages read` : "";
      timedOut(
        new InputError(
          `${pdfPath}: gave up after ${Math.round(total / 1000)} s${progress} (the PDF is too slow to read or loops; --timeout raises the limit)`,
          pdfPath,
        ),
      );
    }, ms);
  };
  const within = <T>(p: Promise<T>) => Promise.race([p, timeout]);
  const ask = async (w: PdfWorker, req: Parameters<PdfWorker["call"]>[0]): Promise<WorkerReply> => {
    let reply: WorkerReply;
    try {
      reply = await within(w.call(req));
    } catch (err) {
      broken = true;
      if (err instanceof InputError) throw err;
      throw new InputError(`${pdfPath}: ${(err as Error).message}`, pdfPath);
    }
    if (reply.op === "error") throw loadError(pdfPath, reply, opts.password);
    return reply;
  };

  let slots: WorkerSlot[] = [];
  const t0 = Date.now();
  const debug = (what: string) =>
    process.env.LONGDOC_DEBUG &&
    process.stderr.write(`[extract] ${what} +${Date.now() - t0} ms (process +${Math.round(performance.now())} ms)\n`);
  try {
    let deadline = Date.now() + timeoutMs;
    arm(timeoutMs);
    const wanted = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), 2));
    const first = acquireWorker();
    workers.push(first);
    // a large file is likely long: its second worker starts and opens alongside the first (start-up
    // is ~0.5 s from source) and is stopped if the page count does not call for it
    if (wanted > 1 && bytes >= EARLY_SECOND_WORKER_BYTES) {
      const second = acquireWorker();
      workers.push(second);
      early = ask(second, { op: "open", file: pdfPath, password: opts.password, withMeta: false });
      early.catch(() => undefined);
    }
    const opened = await ask(first, { op: "open", file: pdfPath, password: opts.password, withMeta: true });
    const meta = (opened as Extract<WorkerReply, { op: "opened" }>).meta;
    debug("opened");
    const pageNumbers = parsePageRange(opts.pages, meta.numPages, pdfPath);
    if (pageNumbers.length === 0) throw new InputError(`${pdfPath}: the PDF has no pages`, pdfPath);
    pagesWanted = pageNumbers.length;
    if (opts.timeoutMs === undefined) {
      const extra = DEFAULT_TIMEOUT_PER_PAGE_MS * pageNumbers.length;
      deadline += extra;
      arm(deadline - Date.now(), timeoutMs + extra);
    }

    const count = pageNumbers.length >= PAGES_PER_EXTRA_WORKER ? wanted : 1;
    if (count === 1) for (const w of workers.splice(1)) void handBack(w, early);
    if (early && count > 1) await early;
    for (let i = workers.length; i < count; i++) workers.push(acquireWorker());
    await Promise.all(
      workers.slice(early ? 2 : 1).map((w) => ask(w, { op: "open", file: pdfPath, password: opts.password, withMeta: false })),
    );
    // a worker stopped by a page's watchdog is replaced by a fresh one with the document open
    const slotOf = (w: PdfWorker): WorkerSlot => {
      const slot: WorkerSlot = {
        worker: w,
        replace: async () => {
          const old = slot.worker;
          slot.spent = false;
          workers.splice(workers.indexOf(old), 1);
          await old.terminate();
          if (givenUp) throw new InputError(`${pdfPath}: stopped`, pdfPath);
          const fresh = acquireWorker();
          workers.push(fresh);
          slot.worker = fresh;
          await ask(fresh, { op: "open", file: pdfPath, password: opts.password, withMeta: false });
          debug("worker replaced after a stalled page");
        },
      };
      return slot;
    };
    slots = workers.map(slotOf);

    // Pages go out in contiguous runs (a worker keeps the fonts of its run) to whichever worker is
    // free, so one with heavier pages does not leave the other idle. The first worker reads the
    // outline (resolving a long one takes ~0.1 s) while the others start on the pages.
    const runs = splitEvenly(pageNumbers, Math.ceil(pageNumbers.length / runLength(pageNumbers.length, workers.length)));
    const analyzed: PageAnalysis[][] = new Array(runs.length);
    let nextRun = 0;
    await Promise.all(
      slots.map(async (slot, i) => {
        if (i === 0) {
          meta.outline = ((await ask(slot.worker, { op: "outline" })) as Extract<WorkerReply, { op: "outlined" }>).outline;
          debug("outline read");
        }
        let pages = 0;
        for (let r = nextRun++; r < runs.length; r = nextRun++) {
          analyzed[r] = await within(
            analyzePagesWatched(slot, runs[r], limits, (a) => {
              pagesRead++;
              opts.onPageRead?.(a.layout.number, a.ms ?? 0);
            }),
          );
          pages += runs[r].length;
        }
        debug(`worker ${i + 1} analyzed ${pages} pages`);
      }),
    );
    const analyses: PageAnalysis[] = analyzed.flat();
    debug(`analyzed ${analyses.length} pages with ${workers.length} workers`);

    const { document, pending } = assemble(shownPath(pdfPath), await hashing, bytes, meta, analyses);
    const clamped = pageRangeOverflow(opts.pages, meta.numPages);
    if (clamped) document.warnings.unshift(clamped);
    const figures = new Map<string, FigureImage>();
    // pages whose figures were left out at the document's limit: told in one line, not one per figure
    const late = new Set<number>();
    if (opts.render === false) {
      // loaded here only: the render module pulls in canvas and sharp
      const { figurePixelSize } = await import("./figures/render.js");
      for (const [block] of pending) {
        const size = figurePixelSize(block.region, { maxSide });
        setFigureFile(block, extensionFor(block.kind), size.width, size.height);
      }
    } else if (pending.length > 0) {
      // one worker renders everything: two parsed copies plus canvases would break the memory goal
      await Promise.all(slots.slice(1).map((s) => (s.spent ? s.worker.terminate() : handBack(s.worker))));
      workers.splice(0, workers.length, slots[0].worker);
      // past the document's limit, figures are left out rather than the document failed: its text is complete
      clearTimeout(timer);
      const rendered = await renderAll(pending, (items) =>
        renderWatched(slots[0], items, maxSide, pageTimeoutMs, pageTimeoutMs + limits.graceMs, deadline),
      );
      for (const [block, page] of pending) {
        const r = rendered.get(block.id);
        if (!r?.data || !r.mime || !r.width || !r.height) {
          if (r?.error === LATE) late.add(page.number);
          else
            document.warnings.push(`page ${page.number}: figure ${block.id} could not be rendered (${r?.error ?? "no image"}); left out`);
          page.blocks = page.blocks.filter((b) => b !== (block as unknown as Block));
          continue;
        }
        for (const w of r.warnings ?? []) document.warnings.push(w);
        // a page scan's floor was assumed from the body size until its pixels were seen
        if (r.minTextPx) (block as { minTextPx?: number }).minTextPx = r.minTextPx;
        setFigureFile(block, r.mime === "image/png" ? "png" : r.mime === "image/jpeg" ? "jpg" : "webp", r.width, r.height);
        figures.set(block.id, { id: block.id, data: Buffer.from(r.data), mime: r.mime, width: r.width, height: r.height });
      }
    }
    // said only of pages whose image was really made
    const scanned = document.pages
      .filter((p) => !p.textLayer && p.blocks.some((b) => b.type === "figure" && b.kind === "page-scan"))
      .map((p) => p.number);
    if (scanned.length) {
      document.warnings.push(
        `no usable text layer on ${scanned.length === 1 ? "page" : "pages"} ${compactRanges(scanned)}: sent as page images`,
      );
    }
    if (late.size) {
      const pages = [...late].sort((a, b) => a - b);
      document.warnings.push(
        `figures of ${pages.length === 1 ? "page" : "pages"} ${compactRanges(pages)} left out: the document's time limit (${Math.round((deadline - t0) / 1000)} s, --timeout) was reached before they were drawn`,
      );
    }
    debug("assembled and rendered");
    // the region was only needed for rendering; the model keeps the contract's fields
    for (const [block] of pending) delete (block as Partial<PendingFigure>).region;
    return { document, figures };
  } finally {
    clearTimeout(timer);
    // a worker still busy with a page it had to cut would not answer its close
    for (const s of slots) if (s.spent) void s.worker.terminate();
    if (broken) await Promise.all(workers.map((w) => w.terminate()));
    // closing a document (and collecting its garbage) goes on in the worker while the caller
    // writes the results; a worker that does not confirm is stopped there
    else for (const w of workers) void handBack(w, w === workers[1] ? early : undefined);
  }
}

/**
 * Closes the worker's document (after the request in flight, if any) and gives the worker back to
 * the pool; one that does not answer in time is stopped instead.
 */
async function handBack(w: PdfWorker, inFlight?: Promise<unknown>): Promise<void> {
  await inFlight?.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("no answer")), CLOSE_LIMIT_MS)));
  let closed = false;
  try {
    closed = (await Promise.race([w.call({ op: "close" }), late])).op === "closed";
  } catch {
    /* hung or dead: stopped below */
  } finally {
    clearTimeout(timer);
  }
  await releaseWorker(w, closed);
}

/** Cross-page passes (running heads, figure selection, heading scale) and the page blocks. */
function assemble(path: string, sha256: string, bytes: number, meta: DocMeta, analyses: PageAnalysis[]) {
  const layouts = analyses.map((a) => a.layout);
  const warnings: string[] = [...(meta.warnings ?? [])];
  for (const a of analyses) {
    if (a.error) warnings.push(`page ${a.layout.number}: could not be read (${a.error})`);
    for (const w of a.candidates.warnings) warnings.push(w);
  }
  const heads = findRunningHeads(layouts);
  const regions = selectFigures(
    analyses.map((a) => a.candidates),
    layouts,
  );
  const textLayouts = layouts.filter((l) => l.textLayer);
  const scale = headingScale(textLayouts, bodyFontSize(textLayouts));

  const entriesByPage = new Map<number, OutlineEntry[]>();
  for (const o of meta.outline) {
    const list = entriesByPage.get(o.page);
    if (list) list.push(o);
    else entriesByPage.set(o.page, [o]);
  }

  const pending: Array<[PendingFigure, Page]> = [];
  const pages: Page[] = layouts.map((layout, i) => {
    const outline = outlineTitles(entriesByPage.get(layout.number) ?? []);
    const blocks: PageBlock[] = buildPageBlocks(layout, regions[i] ?? [], heads[i], scale, outline);
    const page: Page = {
      number: layout.number,
      width: round1(layout.width),
      height: round1(layout.height),
      textLayer: layout.textLayer,
      blocks: blocks as Block[],
    };
    for (const b of blocks) if (b.type === "figure") pending.push([b as PendingFigure, page]);
    const lost = textLossWarning(layout, page.blocks, heads[i]);
    if (lost) warnings.push(lost);
    return page;
  });
  // heading levels from size then numbering, across the document
  const headings = pages.flatMap((p) => (p.blocks as PageBlock[]).filter((b): b is PendingHeading => b.type === "heading"));
  relevelHeadings(headings.map((h) => ({ block: h, style: h.style })));
  for (const h of headings) delete (h as Partial<PendingHeading>).style;
  const document: DocumentModel = {
    schemaVersion: 1,
    source: {
      path,
      sha256,
      bytes,
      pages: meta.numPages,
      ...(meta.title ? { title: meta.title } : {}),
      ...(meta.author ? { author: meta.author } : {}),
      ...(meta.producer ? { producer: meta.producer } : {}),
      encrypted: meta.encrypted,
    },
    outline: meta.outline,
    pages,
    warnings,
  };
  return { document, pending };
}

async function renderAll(
  pending: Array<[PendingFigure, Page]>,
  renderBatch: (items: RenderItem[]) => Promise<RenderedItem[]>,
): Promise<Map<string, RenderedItem>> {
  const items: RenderItem[] = pending.map(([block, page]) => ({ key: block.id, page: page.number, region: block.region }));
  const out = new Map<string, RenderedItem>();
  for (const r of await renderBatch(items)) out.set(r.key, r);
  return out;
}

function setFigureFile(block: PendingFigure, ext: string, width: number, height: number): void {
  const full = block as unknown as { file: string; width: number; height: number };
  full.file = `figures/${block.id}.${ext}`;
  full.width = Math.max(1, Math.round(width));
  full.height = Math.max(1, Math.round(height));
}

/** without rendering the encoder is not known: photos become JPEG, drawings PNG */
function extensionFor(kind: PendingFigure["kind"]): string {
  return kind === "raster" || kind === "page-scan" ? "jpg" : "png";
}

export async function writeExtraction(extraction: Extraction, outDir: string): Promise<void> {
  const { document, figures } = extraction;
  const blocks = document.pages.flatMap((p) => p.blocks);
  await Promise.all(
    blocks.map(async (b) => {
      if (b.type !== "figure") return;
      const image = figures.get(b.id);
      if (image) await writeFileAtomically(join(outDir, b.file), image.data);
    }),
  );
  // the second is rendered while the first one's bytes go to disk
  await Promise.all([
    writeJsonAtomically(join(outDir, "document.json"), document),
    writeFileAtomically(join(outDir, "document.md"), renderDocumentMarkdown(document)),
  ]);
}

async function fileSize(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: cannot read file (${code === "ENOENT" ? "no such file" : (code ?? "error")})`, path);
  }
  if (!info.isFile()) throw new InputError(`${path}: not a file`, path);
  return info.size;
}

async function sha256Of(path: string): Promise<string> {
  try {
    return await sha256OfFile(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read file (${(err as NodeJS.ErrnoException).code ?? "error"})`, path);
  }
}

/** Pages per run handed to a worker: about eight runs per worker, at most 32 pages, at least 4. */
function runLength(pages: number, workers: number): number {
  return workers === 1 ? pages : Math.max(4, Math.min(32, Math.ceil(pages / (workers * 8))));
}

function splitEvenly<T>(items: T[], parts: number): T[][] {
  const out: T[][] = [];
  const size = Math.ceil(items.length / parts);
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

export function compactRanges(numbers: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length;) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j > i ? `${numbers[i]}–${numbers[j]}` : `${numbers[i]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
