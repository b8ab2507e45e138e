/**
 * A pdf.js worker thread with a request/reply API. From source (tsx, vitest) it loads worker.ts with
 * the tsx loader; compiled, worker.js beside this file.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { WorkerReply, WorkerRequest } from "./protocol.js";

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

export class PdfWorker {
  private readonly worker: Worker;
  private pending?: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void };
  private dead?: Error;

  constructor() {
    const { url, execArgv } = workerEntry();
    // pdf.js and canvas allocate outside the JS heap; the heap limit keeps a runaway page bounded
    this.worker = new Worker(url, { execArgv, resourceLimits: { maxOldGenerationSizeMb: 1024 }, stdout: false, stderr: true });
    // pdf.js warnings on stderr are noise for users; drain them
    this.worker.stderr?.resume();
    this.worker.on("message", (msg: WorkerReply) => {
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

  call(req: WorkerRequest): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error("PdfWorker: one request at a time"));
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(req);
    });
  }

  async terminate(): Promise<void> {
    this.dead ??= new Error("the PDF worker was stopped");
    await this.worker.terminate().catch(() => undefined);
  }
}
