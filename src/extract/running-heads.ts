/**
 * Running headers, footers and page numbers: lines in the top or bottom band of a page whose text
 * (digits masked) repeats on several pages, or that are only a page number.
 */
import type { PageLayout, TextLine } from "./types.js";

const BAND = 0.1;
const PAGE_NUMBER = /^(?:page|p\.|seite|página|pagina|стр\.?)?\s*[-–—(\[]?\s*(?:#+|[ivxlcdm]+)\s*[-–—)\]]?(?:\s*(?:of|\/|de|von)\s*#+)?$/i;

function zoneOf(line: TextLine, page: PageLayout): "top" | "bottom" | undefined {
  const mid = (line.bbox[1] + line.bbox[3]) / 2;
  if (mid < page.height * BAND) return "top";
  if (mid > page.height * (1 - BAND)) return "bottom";
  return undefined;
}

function keyOf(line: TextLine): string {
  return line.text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
}

/**
 * Counts, page by page, on how many pages each top or bottom line repeats; a page's running heads
 * are then its lines repeated often enough so far (or that are only a page number).
 */
export class RunningHeads {
  private readonly pagesPerKey = new Map<string, number>();
  private textPages = 0;

  add(page: PageLayout): void {
    const keys = new Set<string>();
    for (const line of page.lines) {
      const zone = zoneOf(line, page);
      if (zone) keys.add(`${zone}|${keyOf(line)}`);
    }
    for (const key of keys) this.pagesPerKey.set(key, (this.pagesPerKey.get(key) ?? 0) + 1);
    if (page.textLayer && page.lines.length > 0) this.textPages++;
  }

  /** indices of the page's lines that are running heads, by the pages added so far */
  dropLines(page: PageLayout): Set<number> {
    // repeated on 3+ pages, or on every page of a short document
    const minRepeats = Math.max(2, Math.min(3, this.textPages));
    const drop = new Set<number>();
    page.lines.forEach((line, i) => {
      const zone = zoneOf(line, page);
      if (!zone) return;
      const key = keyOf(line);
      if (PAGE_NUMBER.test(key)) {
        drop.add(i);
        return;
      }
      if (this.textPages >= 2 && (this.pagesPerKey.get(`${zone}|${key}`) ?? 0) >= minRepeats) drop.add(i);
    });
    return drop;
  }
}

/** For each page (same order as the input), the indices of lines that are running heads. */
export function findRunningHeads(pages: PageLayout[]): Set<number>[] {
  const heads = new RunningHeads();
  for (const page of pages) heads.add(page);
  return pages.map((page) => heads.dropLines(page));
}
