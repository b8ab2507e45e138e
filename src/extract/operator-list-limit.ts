/**
 * A page's operator list within a time and size limit. pdf.js builds the list in chunks and yields
 * between them, so a page whose drawing never ends (form XObjects that call each other, a doubling
 * chain of forms) can be watched: past the limit the list is cut where it stands and pdf.js is told
 * to stop. What was read before the cut (the text drawn so far) stays usable.
 * A hang inside one chunk is not seen here: the main thread's watchdog stops the worker for that.
 */
import { readFileSync } from "node:fs";
import { ANALYSIS_OPERATOR_LIST, type PDFPageProxy } from "./pdfjs.js";

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

/** how often the list's growth is checked */
const POLL_MS = 25;
/** however busy the machine, a page is cut once this many times its limit has passed on the clock */
const MAX_WALL_FACTOR = 3;

/**
 * CPU time of the calling thread in ms (Linux: /proc/thread-self/stat, utime + stime in 1/100 s),
 * or undefined elsewhere. A page's limit counts the work its own thread did: on a loaded machine
 * (a batch, a test run, other jobs) a normal page can take several times longer on the clock.
 */
function threadCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "latin1");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields after the name start at field 3 (state): utime is field 14, stime 15
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * pdf.js parses a page (and the forms it calls, recursively) as one long chain of promise
 * callbacks: a timer never fires until the page is done, which for a looping page is never. Its
 * parser reads the clock every hundred operators to share time, though, so the limit is checked
 * from there too: Date.now in this thread runs the active check before it answers.
 */
let activeCheck: (() => void) | undefined;
let hooked = false;
function checkOnClockReads(): void {
  if (hooked) return;
  hooked = true;
  const now = Date.now.bind(Date);
  let checking = false;
  Date.now = () => {
    if (activeCheck && !checking) {
      checking = true;
      try {
        activeCheck();
      } finally {
        checking = false;
      }
    }
    return now();
  };
}

/**
 * The analysis operator list (the one readPageLayout and figure analysis share through pdf.js's
 * cache when it completes), cut at timeoutMs or maxOps.
 */
export async function operatorListWithin(page: PDFPageProxy, timeoutMs: number, maxOps: number): Promise<LimitedOperatorList> {
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
  checkOnClockReads();
  const started = performance.now();
  const cpuAtStart = threadCpuMs();
  let cpuCheckedAt = 0;
  // past the limit on the clock, whether the thread itself worked that long (read at most every 100 ms)
  const overTime = () => {
    const wall = performance.now() - started;
    if (wall <= timeoutMs) return false;
    if (cpuAtStart === undefined || wall > MAX_WALL_FACTOR * timeoutMs) return true;
    if (wall - cpuCheckedAt < 100) return false;
    cpuCheckedAt = wall;
    return (threadCpuMs() ?? Infinity) - cpuAtStart > timeoutMs;
  };
  let timer: NodeJS.Timeout | undefined;
  let cut: "time" | "size" | undefined;
  const intentState = state;
  const watched = new Promise<"time" | "size">((resolve) => {
    const exceeded = () => {
      if (cut) return true;
      const length = intentState.operatorList?.fnArray.length ?? 0;
      if (length > maxOps) cut = "size";
      else if (overTime()) cut = "time";
      if (!cut) return false;
      // pdf.js is told at once: its parser stops at its next time share
      internals._abortOperatorList!({ intentState, reason: new Error(`operator list cut (${cut})`), force: true });
      resolve(cut);
      return true;
    };
    activeCheck = () => void exceeded();
    const poll = () => {
      if (!exceeded()) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
  });
  try {
    const first = await Promise.race([reading.then((opList) => ({ opList })), watched.then((cut) => ({ cut }))]);
    if ("opList" in first) return { opList: first.opList };
    const partial = state.operatorList!;
    const opList = { fnArray: partial.fnArray.slice(0, maxOps), argsArray: partial.argsArray.slice(0, maxOps), lastChunk: true } as unknown as OperatorList;
    reading.catch(() => undefined);
    return { opList, cut: first.cut };
  } catch (error) {
    return { error };
  } finally {
    activeCheck = undefined;
    clearTimeout(timer);
  }
}
