/** Parses a page range such as "1-20,35" or "7-" into sorted 1-based page numbers. */
import { InputError } from "../errors.js";

export function parsePageRange(range: string | undefined, pageCount: number, file?: string): number[] {
  if (range === undefined || range.trim() === "") return Array.from({ length: pageCount }, (_, i) => i + 1);
  const pages = new Set<number>();
  for (const part of range.split(",")) {
    const m = /^\s*(\d+)?\s*(-)?\s*(\d+)?\s*$/.exec(part);
    if (!m || (!m[1] && !m[3])) throw new InputError(`bad page range "${range}" (expected e.g. 1-20,35)`, file);
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : pageCount) : from;
    if (from < 1 || to < from) throw new InputError(`bad page range "${range}" (expected e.g. 1-20,35)`, file);
    if (from > pageCount) {
      throw new InputError(`page range "${range}" is outside the document (${pageCount} pages)`, file);
    }
    for (let p = from; p <= Math.min(to, pageCount); p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}

/**
 * The one message for a range that runs past the end ("2-999" on 14 pages): it is read up to the
 * last page, and said so once here rather than left to surprise later. Undefined when it fits.
 */
export function pageRangeOverflow(range: string | undefined, pageCount: number): string | undefined {
  if (range === undefined || range.trim() === "") return undefined;
  const past = range
    .split(",")
    .map((part) => /^\s*(\d+)?\s*(-)?\s*(\d+)?\s*$/.exec(part))
    .some((m) => m && m[3] !== undefined && Number(m[3]) > pageCount);
  if (!past) return undefined;
  const read = parsePageRange(range, pageCount);
  return `--pages ${range.trim()} goes past the last page: the document has ${pageCount} page${pageCount === 1 ? "" : "s"}, so ${read.length === 1 ? "page" : "pages"} ${listPages(read)} ${read.length === 1 ? "is" : "are"} read`;
}

/** 2,3,4,7 → "2-4, 7" */
function listPages(pages: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < pages.length; i++) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
    parts.push(i === j ? `${pages[i]}` : `${pages[i]}-${pages[j]}`);
    i = j;
  }
  return parts.join(", ");
}
