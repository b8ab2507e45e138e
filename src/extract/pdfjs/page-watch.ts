/**
 * Per-page deadlines on a document's pdf.js worker. A page that runs past its deadline, or that
 * crashes the worker (a heap exhausted by one page), costs that page only: the worker is stopped,
 * a fresh one opens the document again, and the next pages go on. The stalled page keeps its text
 * when the worker had sent it; otherwise it is reported unread. Figures rendered from such a page
 * are dropped with a warning.
 */
import type { PdfWorker } from "./pool.js";
import type { PageAnalysis, RenderItem, RenderedItem, WorkerReply, WorkerRequest } from "./protocol.js";
import type { PageLayout } from "../types.js";

/** the error of a figure not drawn because the document's limit had passed */
export const LATE = "the document's time limit was reached before it was drawn";

/** The worker a document is using now, and how to get a fresh one when it must be stopped. */
export interface WorkerSlot {
  worker: PdfWorker;
  /** stops the current worker and opens the document on a new one */
  replace(): Promise<void>;
  /** the worker is still busy with a page it had to cut: replace it before its next request, stop it after */
  spent?: boolean;
}

export interface PageLimits {
  /** the cooperative cut inside the worker (operator list), and what a page may take before its worker is stopped */
  pageTimeoutMs: number;
  maxOps: number;
  /** past the page's own timeout, the time the worker has to cut the drawing and answer before it is stopped */
  graceMs: number;
}

class PageStalled extends Error {
  constructor(
    readonly cause: "time" | "crash",
    detail: string,
    /** the deadline missed was the document's, not the page's own */
    readonly documentLimit = false,
  ) {
    super(detail);
  }
}

/** A deadline in ms from now, and whether it is the document's (shorter than the page's own). */
interface Limit {
  ms: number;
  documentLimit?: boolean;
}

/**
 * Sends one request and waits for its answer, with a deadline per unit of progress: `rearm`
 * starts the deadline again (a page or a figure done), and a crash or a missed deadline rejects
 * with PageStalled.
 */
function callWatched(
  w: PdfWorker,
  req: WorkerRequest,
  limit: number | (() => Limit),
  onProgress: (p: Parameters<NonNullable<Parameters<PdfWorker["call"]>[1]>>[0], rearm: () => void) => void,
): Promise<WorkerReply> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const rearm = () => {
      clearTimeout(timer);
      const { ms, documentLimit } = typeof limit === "number" ? { ms: limit } : limit();
      timer = setTimeout(
        () => reject(new PageStalled("time", `no answer within ${Math.round(ms / 1000)} s`, documentLimit)),
        Math.max(0, ms),
      );
    };
    rearm();
    w.call(req, (p) => onProgress(p, rearm)).then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (err: Error) => {
        clearTimeout(timer);
        reject(new PageStalled("crash", err.message));
      },
    );
  });
}

/** Analyses pages in order on the slot's worker; a stalled page is replaced by what was read of it. */
export async function analyzePagesWatched(
  slot: WorkerSlot,
  pages: number[],
  limits: PageLimits,
  onPage?: (a: PageAnalysis) => void,
): Promise<PageAnalysis[]> {
  const done: PageAnalysis[] = [];
  let rest = pages;
  while (rest.length > 0) {
    if (slot.spent) await slot.replace();
    const texts = new Map<number, PageLayout>();
    const before = done.length;
    try {
      const reply = await callWatched(
        slot.worker,
        { op: "analyze", pages: rest, pageTimeoutMs: limits.pageTimeoutMs, maxOps: limits.maxOps },
        limits.pageTimeoutMs + limits.graceMs,
        (p, rearm) => {
          if (p.op === "page-text") texts.set(p.layout.number, p.layout);
          else if (p.op === "page") {
            done.push(p.analysis);
            onPage?.(p.analysis);
            rearm();
          }
        },
      );
      if (reply.op === "error") throw new Error(reply.message);
      const answered = done.length - before;
      slot.spent = done[done.length - 1]?.drawingCut === true;
      if (answered >= rest.length) return done;
      // the worker stopped after a page whose drawing it had to cut: it is still busy with it
      rest = rest.slice(answered);
    } catch (err) {
      if (!(err instanceof PageStalled)) throw err;
      const stalled = rest[done.length - before];
      const page = stalledPage(stalled, texts.get(stalled), err, limits);
      done.push(page);
      onPage?.(page);
      rest = rest.slice(done.length - before);
      await slot.replace();
    }
  }
  return done;
}

function stalledPage(n: number, layout: PageLayout | undefined, err: PageStalled, limits: PageLimits): PageAnalysis {
  const why =
    err.cause === "time"
      ? `took longer than ${Math.round((limits.pageTimeoutMs + limits.graceMs) / 1000)} s`
      : `crashed the PDF reader (${err.message})`;
  const empty = {
    page: n,
    width: layout?.width ?? 612,
    height: layout?.height ?? 792,
    images: [],
    drawings: [],
    textOps: 0,
    warnings: [] as string[],
  };
  if (layout) {
    empty.warnings.push(`page ${n}: the page ${why}: its figures are left out, its text is kept`);
    return { layout, candidates: empty, drawingCut: true, ms: limits.pageTimeoutMs + limits.graceMs };
  }
  return {
    layout: { number: n, width: empty.width, height: empty.height, lines: [], textLayer: false },
    candidates: empty,
    error: `the page ${why}`,
    drawingCut: true,
    ms: limits.pageTimeoutMs + limits.graceMs,
  };
}

/**
 * Renders figures a page at a time, each figure within its deadline; a figure that stalls or
 * crashes the worker loses itself and the page's figures after it (their items carry the error),
 * and the worker is replaced. Figures not drawn before `deadline` (the document's) are left out as
 * LATE.
 */
export async function renderWatched(
  slot: WorkerSlot,
  items: RenderItem[],
  maxSide: number,
  /** work one figure may take (cancelled in the worker past it) */
  pageTimeoutMs: number,
  /** past this on the clock with no figure done, the worker is stopped */
  limitMs: number,
  deadline: number,
): Promise<RenderedItem[]> {
  const byPage = new Map<number, RenderItem[]>();
  for (const it of items) {
    const list = byPage.get(it.page);
    if (list) list.push(it);
    else byPage.set(it.page, [it]);
  }
  const out: RenderedItem[] = [];
  if (slot.spent && items.length > 0) await slot.replace();
  for (const [page, list] of byPage) {
    const left = deadline - Date.now();
    if (left <= 0) {
      for (const it of list) out.push({ key: it.key, error: LATE });
      continue;
    }
    const drawn = new Map<string, RenderedItem>();
    // each figure drawn re-arms the limit: several slow figures on one page are not one stall
    const limit = (): Limit => {
      const toDeadline = deadline - Date.now();
      return toDeadline < limitMs ? { ms: toDeadline, documentLimit: true } : { ms: limitMs };
    };
    try {
      const reply = await callWatched(slot.worker, { op: "render", items: list, maxSide, pageTimeoutMs }, limit, (p, rearm) => {
        if (p.op !== "figure") return;
        drawn.set(p.item.key, p.item);
        rearm();
      });
      if (reply.op !== "rendered") throw new Error(reply.op === "error" ? reply.message : `unexpected ${reply.op}`);
      for (const it of list) out.push(drawn.get(it.key) ?? { key: it.key, error: "no image" });
    } catch (err) {
      if (!(err instanceof PageStalled)) throw err;
      const why = err.documentLimit
        ? LATE
        : err.cause === "time"
          ? `drawing a figure of page ${page} took longer than ${Math.round(limitMs / 1000)} s`
          : `drawing page ${page} crashed the PDF reader (${err.message})`;
      for (const it of list) out.push(drawn.get(it.key) ?? { key: it.key, error: why });
      await slot.replace();
    }
  }
  return out;
}
