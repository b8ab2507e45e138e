/**
 * How long a worker thread has worked on one page, and a watch that fires once past a limit. pdf.js
 * parses and draws a page as long chains of promise callbacks, during which no timer fires; it reads
 * the clock every so often to share time, though, so the watch also runs from Date.now in this thread.
 */
import { readFileSync } from "node:fs";

/** how often the watch checks on a timer */
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
 * Watches work on a page in this thread: onCut runs once, when the thread has worked timeoutMs on it
 * (CPU time where the system tells it, at most MAX_WALL_FACTOR × on the clock) or when tooMuch
 * answers. Checked on a timer and on pdf.js's clock reads. Returns the function that ends the watch.
 */
export function watchWork(timeoutMs: number, tooMuch: () => "size" | undefined, onCut: (cut: "time" | "size") => void): () => void {
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
  let done = false;
  const exceeded = () => {
    if (done) return true;
    const cut = tooMuch() ?? (overTime() ? "time" : undefined);
    if (!cut) return false;
    done = true;
    onCut(cut);
    return true;
  };
  const check = () => void exceeded();
  activeCheck = check;
  const poll = () => {
    if (!exceeded()) timer = setTimeout(poll, POLL_MS);
  };
  timer = setTimeout(poll, POLL_MS);
  return () => {
    done = true;
    if (activeCheck === check) activeCheck = undefined;
    clearTimeout(timer);
  };
}
