/**
 * Running headers, footers and page numbers: lines in the top or bottom band of a page whose text
 * (digits masked) repeats on several pages, or that are only a page number.
 */
import type { PageLayout, TextLine } from "./types.js";

const BAND = 0.1;
const PAGE_NUMBER = /^(?:page|p\.|seite|página|pagina|стр\.?)?\s*[-–—([]?\s*(?:#+|[ivxlcdm]+)\s*[-–—)\]]?(?:\s*(?:of|\/|de|von)\s*#+)?$/i;

function zoneOf(line: TextLine, page: PageLayout): "top" | "bottom" | undefined {
  const mid = (line.bbox[1] + line.bbox[3]) / 2;
  if (mid < page.height * BAND) return "top";
  if (mid > page.height * (1 - BAND)) return "bottom";
  return undefined;
}

function keyOf(line: TextLine): string {
  return line.text.toLowerCase().replace(/\d+/g, "#").replace(/\s+/g, " ").trim();
}

/** For each page (same order as the input), the indices of lines that are running heads. */
export function findRunningHeads(pages: PageLayout[]): Set<number>[] {
  const pagesPerKey = new Map<string, Set<number>>();
  pages.forEach((page, p) => {
    page.lines.forEach((line) => {
      const zone = zoneOf(line, page);
      if (!zone) return;
      const key = `${zone}|${keyOf(line)}`;
      let set = pagesPerKey.get(key);
      if (!set) pagesPerKey.set(key, (set = new Set()));
      set.add(p);
    });
  });
  const textPages = pages.filter((p) => p.textLayer && p.lines.length > 0).length;
  // repeated on 3+ pages, or on every page of a short document
  const minRepeats = Math.max(2, Math.min(3, textPages));
  return pages.map((page) => {
    const drop = new Set<number>();
    page.lines.forEach((line, i) => {
      const zone = zoneOf(line, page);
      if (!zone) return;
      const key = keyOf(line);
      if (PAGE_NUMBER.test(key)) {
        drop.add(i);
        return;
      }
      if (textPages >= 2 && (pagesPerKey.get(`${zone}|${key}`)?.size ?? 0) >= minRepeats) drop.add(i);
    });
    return drop;
  });
}
