/**
 * pdf.js worker threads with a request/reply API, and a small pool that keeps idle ones alive across
 * documents in one process: starting a worker (pdf.js load) costs far more than a small document.
 * From source (tsx, vitest) a worker loads worker.ts with the tsx loader; compiled, worker.js beside
 * this file.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { WorkerProgress, WorkerReply, WorkerRequest } from "./protocol.js";

function workerEntry(): { url: URL; execArgv: string[] } {
  const js = new URL("./worker.js", import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: process.execArgv };
  // from source (tsx, vitest): a worker does not get tsx's hooks by itself on Node 20, so a small
  // module registers them and then loads worker.ts (tsx is a dev dependency, present from source)
  const require = createRequire(import.meta.url);
  const tsxRoot = dirname(require.resolve("tsx/package.json"));
  const api = pathToFileURL(join(tsxRoot, "dist/esm/api/index.mjs")).href;
  const ts = new URL("./worker.ts", import.meta.url).href;
  // large plain-JS dependencies load before tsx's hooks, which would otherwise slow them down 4×
  const pdfjsRoot = dirname(require.resolve("pdfjs-dist/package.json"));
  const pdfjs = pathToFileURL(join(pdfjsRoot, "legacy/build/pdf.mjs")).href;
  const pdfjsWorker = pathToFileURL(join(pdfjsRoot, "legacy/build/pdf.worker.mjs")).href;
  // pdf.js replaces hot built-ins with polyfills on load: keep the natives (see native-builtins.ts)
  const boot = [
    `const natives = [[Array.prototype, "push"], [JSON, "parse"], [JSON, "stringify"]].map(([o, k]) => [o, k, Object.getOwnPropertyDescriptor(o, k)]);`,
    `await import(${JSON.stringify(pdfjs)});`,
    `globalThis.pdfjsWorker = await import(${JSON.stringify(pdfjsWorker)});`,
    `for (const [o, k, d] of natives) Object.defineProperty(o, k, d);`,
    `const { register } = await import(${JSON.stringify(api)});`,
    `register();`,
    `await import(${JSON.stringify(ts)});`,
  ].join("\n");
  return { url: new URL("data:text/javascript," + encodeURIComponent(boot)), execArgv: [] };
}

/** a worker's JS heap limit: well above what real documents need (its heap after a document stays under 100 MB) */
const WORKER_HEAP_MB = 384;

/** the heap limit of a new worker: LONGDOC_WORKER_HEAP_MB lowers it (tests exhaust a worker's heap with it) */
function workerHeapMb(): number {
  const set = Number(process.env.LONGDOC_WORKER_HEAP_MB);
  return Number.isFinite(set) && set > 0 ? Math.min(set, WORKER_HEAP_MB) : WORKER_HEAP_MB;
}

export class PdfWorker {
  private readonly worker: Worker;
  private pending?: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; progress?: (p: WorkerProgress) => void };
  private dead?: Error;
  /** documents this worker has opened */
  opens = 0;
  /** the worker's JS heap after its last close (MB), as it reported */
  heapAfterCloseMb = 0;
  /** the heap limit it was started with */
  readonly heapLimitMb = workerHeapMb();

  constructor() {
    const { url, execArgv } = workerEntry();
    // pdf.js and canvas allocate outside the JS heap; the heap limit keeps a runaway page bounded:
    // past it the worker dies, and extract() skips that page and goes on with a fresh worker
    // (its console is silenced in worker.ts: a piped stderr stream would keep an idle worker's
    // process alive even after unref())
    this.worker = new Worker(url, { execArgv, resourceLimits: { maxOldGenerationSizeMb: this.heapLimitMb } });
    this.worker.on("message", (msg: WorkerReply | WorkerProgress) => {
      if (msg.op === "page-text" || msg.op === "page" || msg.op === "figure") {
        this.pending?.progress?.(msg);
        return;
      }
      if (msg.op === "closed" && msg.heapUsedMb !== undefined) this.heapAfterCloseMb = msg.heapUsedMb;
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(msg);
    });
    const fail = (err: Error) => {
      this.dead ??= err;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(err);
    };
    this.worker.on("error", (err) => fail(new Error(`the PDF worker crashed (${err?.message ?? err})`)));
    this.worker.on("exit", (code) => fail(new Error(`the PDF worker exited (code ${code})`)));
  }

  get alive(): boolean {
    return !this.dead;
  }

  /** one request at a time; progress receives what the worker reports before its answer */
  call(req: WorkerRequest, progress?: (p: WorkerProgress) => void): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error("PdfWorker: one request at a time"));
    if (req.op === "open") this.opens++;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, progress };
      this.worker.postMessage(req);
    });
  }

  /** an idle worker must not keep the process alive; a busy one must */
  hold(busy: boolean): void {
    if (busy) this.worker.ref();
    else this.worker.unref();
  }

  async terminate(): Promise<void> {
    this.dead ??= new Error("the PDF worker was stopped");
    await this.worker.terminate().catch(() => undefined);
  }
}

/** Idle workers kept per process: enough for two documents of two workers each (batch --concurrency 2). */
const MAX_IDLE = Math.max(2, Math.min(4, 2 * availableParallelism()));
/** an idle worker this long is stopped (its memory returned) */
const IDLE_MS = 10_000;
/** pdf.js keeps some per-process state (font and image caches, fragmentation): start afresh now and then */
const MAX_DOCUMENTS_PER_WORKER = 25;
/** a worker whose heap stays this large after closing its document is retired rather than kept idle */
const MAX_IDLE_HEAP_MB = 96;
/**
 * above this process RSS an idle worker is not kept: its memory is better given back. A safety valve
 * only: a batch's open documents alone take 600+ MB at --requests 16, and retiring workers there
 * would bring back the start-up cost the pool exists to save
 */
const MAX_RSS_FOR_IDLE_MB = 1024;

const idle: PdfWorker[] = [];
let idleTimer: NodeJS.Timeout | undefined;

/** A started worker: an idle one from the pool if there is one, else a new one. */
export function acquireWorker(): PdfWorker {
  let w: PdfWorker | undefined;
  while ((w = idle.pop())) {
    if (!w.alive) continue;
    // one started under another heap limit than the one asked for now is not reused
    if (w.heapLimitMb !== workerHeapMb()) {
      void w.terminate();
      continue;
    }
    w.hold(true);
    if (idle.length === 0) clearTimeout(idleTimer);
    return w;
  }
  w = new PdfWorker();
  w.hold(true);
  return w;
}

/**
 * Gives a worker back after its document was closed. Only a worker that answered its close is
 * healthy; a hung, crashed or worn one (documents, heap, process RSS) is stopped instead.
 */
export async function releaseWorker(w: PdfWorker, healthy: boolean): Promise<void> {
  const worn =
    w.opens >= MAX_DOCUMENTS_PER_WORKER ||
    w.heapAfterCloseMb > MAX_IDLE_HEAP_MB ||
    process.memoryUsage().rss / 2 ** 20 > MAX_RSS_FOR_IDLE_MB;
  if (process.env.LONGDOC_DEBUG) {
    const rss = Math.round(process.memoryUsage().rss / 2 ** 20);
    process.stderr.write(
      `[pool] release: healthy ${healthy}, ${w.opens} documents, heap ${w.heapAfterCloseMb} MB, rss ${rss} MB, ${idle.length} idle\n`,
    );
  }
  if (!healthy || !w.alive || worn || idle.length >= MAX_IDLE) {
    await w.terminate();
    return;
  }
  w.hold(false);
  idle.push(w);
  restartIdleTimer();
}

/** idle workers are stopped IDLE_MS after the last one joined the pool */
function restartIdleTimer(): void {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void stopIdleWorkers(), IDLE_MS);
  idleTimer.unref();
}

/**
 * Starts n workers ahead of need and keeps them idle, so pdf.js loads (~0.15 s a worker) while the
 * caller is still loading its own modules; extract() then takes them from the pool.
 */
export function prewarmWorkers(n: number): void {
  for (let i = idle.length; i < Math.min(n, MAX_IDLE); i++) {
    const w = new PdfWorker();
    w.hold(false);
    idle.push(w);
  }
  restartIdleTimer();
}

/** Stops every idle worker now (tests, or a caller that wants its memory back). */
export async function stopIdleWorkers(): Promise<void> {
  clearTimeout(idleTimer);
  await Promise.all(idle.splice(0).map((w) => w.terminate()));
}
