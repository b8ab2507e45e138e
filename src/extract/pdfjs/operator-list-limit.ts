/**
 * A page's operator list within a time and size limit. pdf.js builds the list in chunks and yields
 * between them, so a page whose drawing never ends (form XObjects that call each other, a doubling
 * chain of forms) can be watched: past the limit the list is cut where it stands and pdf.js is told
 * to stop. What was read before the cut (the text drawn so far) stays usable.
 * A hang inside one chunk is not seen here: the main thread's watchdog stops the worker for that.
 */
import { ANALYSIS_OPERATOR_LIST, type PDFPageProxy } from "./load.js";
import { watchWork } from "./work-watch.js";

export type OperatorList = Awaited<ReturnType<PDFPageProxy["getOperatorList"]>>;

export interface LimitedOperatorList {
  opList?: OperatorList;
  /** why the list is incomplete; undefined when pdf.js finished it */
  cut?: "time" | "size";
  /** pdf.js refused the page */
  error?: unknown;
}

interface IntentState {
  opListReadCapability?: { promise: Promise<OperatorList> };
  operatorList?: OperatorList & { lastChunk: boolean };
}

interface PageInternals {
  _intentStates?: Map<string, IntentState>;
  _abortOperatorList?: (args: { intentState: IntentState; reason: Error; force: boolean }) => void;
}

/**
 * The analysis operator list (the one readPageLayout and figure analysis share through pdf.js's
 * cache when it completes), cut at timeoutMs or maxOps.
 */
export async function operatorListWithin(page: PDFPageProxy, timeoutMs: number, maxOps: number): Promise<LimitedOperatorList> {
  let stop = () => undefined as void;
  const reading = page.getOperatorList(ANALYSIS_OPERATOR_LIST);
  const internals = page as unknown as PageInternals;
  let state: IntentState | undefined;
  for (const s of internals._intentStates?.values() ?? []) if (s.opListReadCapability?.promise === reading) state = s;
  // without pdf.js's internals there is nothing to watch: the worker's watchdog still bounds the page
  if (!state || !internals._abortOperatorList) {
    try {
      return { opList: await reading };
    } catch (error) {
      return { error };
    }
  }
  const intentState = state;
  const watched = new Promise<"time" | "size">((resolve) => {
    stop = watchWork(
      timeoutMs,
      () => ((intentState.operatorList?.fnArray.length ?? 0) > maxOps ? "size" : undefined),
      (cut) => {
        // pdf.js is told at once: its parser stops at its next time share
        internals._abortOperatorList!({ intentState, reason: new Error(`operator list cut (${cut})`), force: true });
        resolve(cut);
      },
    );
  });
  try {
    const first = await Promise.race([reading.then((opList) => ({ opList })), watched.then((cut) => ({ cut }))]);
    if ("opList" in first) return { opList: first.opList };
    const partial = state.operatorList!;
    const opList = {
      fnArray: partial.fnArray.slice(0, maxOps),
      argsArray: partial.argsArray.slice(0, maxOps),
      lastChunk: true,
    } as unknown as OperatorList;
    reading.catch(() => undefined);
    return { opList, cut: first.cut };
  } catch (error) {
    return { error };
  } finally {
    stop();
  }
}
