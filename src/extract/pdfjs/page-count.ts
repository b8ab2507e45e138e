/**
 * Page counts of many PDFs, read one after another by one pooled worker (pdf.js opens lazily: a few
 * milliseconds a file). A batch orders its documents by them. Best effort: a file that cannot be
 * opened, or that comes after the time budget ran out, has no count.
 */
import { acquireWorker, releaseWorker } from "./pool.js";
import type { WorkerReply } from "./protocol.js";

/** a single file that takes longer than this stops the counting (its worker is stopped) */
const FILE_LIMIT_MS = 3_000;

export async function countPages(paths: string[], opts: { budgetMs: number }): Promise<Map<string, number>> {
  // one file (the worker's start included) may take as long as the whole budget
  const fileLimitMs = Math.max(FILE_LIMIT_MS, opts.budgetMs);
  const counts = new Map<string, number>();
  if (paths.length === 0) return counts;
  const started = Date.now();
  const worker = acquireWorker();
  let healthy = true;
  try {
    for (const path of paths) {
      if (Date.now() - started > opts.budgetMs) break;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), fileLimitMs)));
      const reply = await Promise.race([worker.call({ op: "count", file: path }).catch(() => "dead" as const), late]);
      clearTimeout(timer);
      if (reply === "late" || reply === "dead") {
        healthy = false;
        break;
      }
      const pages = (reply as Extract<WorkerReply, { op: "counted" }>).pages;
      if (pages !== undefined) counts.set(path, pages);
    }
  } finally {
    if (healthy) await releaseWorker(worker, true);
    else await worker.terminate();
  }
  return counts;
}
