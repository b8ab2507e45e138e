/**
 * The order a batch starts its documents in. The smallest file goes first: its request is out
 * within a second or so. When request slots are the scarce side (no more than two per extracting
 * document), a few more small files follow to keep them busy while the long documents extract;
 * with more slots than that, extraction is the bottleneck and the long documents should not wait.
 * Then the longest documents: they take the longest to extract and to answer, and one started last
 * would keep the run waiting on it alone while every other slot sits idle. Length is the page count
 * (counted while the first documents run), else the file size. The index keeps the input order.
 */
import { stat } from "node:fs/promises";
import { countPages } from "../extract/pdfjs/page-count.js";

/** how long counting pages may take; files left uncounted are estimated from their size */
const COUNT_BUDGET_MS = 2_000;
/** larger files are not read just to count pages: their size says they are long */
const COUNT_MAX_BYTES = 64 * 2 ** 20;

/** Starts every document with `start` in that order; resolves once all are started, to their runs. */
export async function startInOrder<T>(
  pdfs: string[],
  start: (pdf: string) => Promise<T>,
  o: { requests: number; concurrency: number; countPagesMs?: number },
): Promise<Map<string, Promise<T>>> {
  const sizes = await fileSizes(pdfs);
  const running = new Map<string, Promise<T>>();
  const openers = smallestOf(pdfs, sizes, o.requests <= 2 * o.concurrency ? o.requests : 1);
  for (const pdf of openers) running.set(pdf, start(pdf));
  const rest = await longestFirst(
    pdfs.filter((p) => !running.has(p)),
    sizes,
    o.countPagesMs ?? COUNT_BUDGET_MS,
  );
  for (const pdf of rest) running.set(pdf, start(pdf));
  return running;
}

/** Bytes of each file; an unreadable one counts 0 (its run reports it). */
async function fileSizes(pdfs: string[]): Promise<Map<string, number>> {
  return new Map(
    await Promise.all(
      pdfs.map(
        async (pdf) =>
          [
            pdf,
            await stat(pdf).then(
              (s) => s.size,
              () => 0,
            ),
          ] as const,
      ),
    ),
  );
}

/** The `n` smallest readable files, smallest first; equals keep their input order. */
function smallestOf(pdfs: string[], sizes: Map<string, number>, n: number): string[] {
  return pdfs
    .filter((pdf) => sizes.get(pdf)! > 0)
    .sort((a, b) => sizes.get(a)! - sizes.get(b)!)
    .slice(0, n);
}

/**
 * Most pages first. Pages are counted largest file first, within a time budget; a file without a
 * count (unreadable, too large, or past the budget) is estimated from its size at the median bytes
 * per page of the counted ones. Ties go larger file first.
 */
async function longestFirst(pdfs: string[], sizes: Map<string, number>, budgetMs: number): Promise<string[]> {
  const bySize = [...pdfs].sort((a, b) => sizes.get(b)! - sizes.get(a)!);
  if (bySize.length < 2) return bySize;
  const pages = await countPages(
    bySize.filter((pdf) => sizes.get(pdf)! <= COUNT_MAX_BYTES),
    { budgetMs },
  );
  const perPage = [...pages].map(([pdf, n]) => sizes.get(pdf)! / Math.max(1, n)).sort((a, b) => a - b);
  const bytesPerPage = perPage.length ? perPage[Math.floor(perPage.length / 2)] : 100_000;
  const length = (pdf: string) => pages.get(pdf) ?? sizes.get(pdf)! / bytesPerPage;
  return bySize.sort((a, b) => length(b) - length(a));
}
