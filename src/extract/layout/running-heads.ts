/**
 * Running headers, footers and page numbers: lines in the top or bottom band of a page whose text
 * (digits masked) repeats at the same place on several pages, or that are only a page number, and
 * that stand apart from the body text. A repeated line set in the flow of the body (a closing
 * sentence, a table row) is content and stays, and so does a numbered heading repeated on every
 * page ("Chapter 2, page 31"): set larger than the body and differing from page to page by its
 * numbers, where a running head is set at or below the body size or reads the same everywhere.
 */
import type { PageLayout, TextLine } from "../types.js";

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

interface Seen {
  page: number;
  line: TextLine;
}

/**
 * Two placements of one line are the same place: the same row and overlapping across (a footer
 * shifts sideways with the width of the page number beside it).
 */
function samePlace(a: TextLine, b: TextLine): boolean {
  const tol = Math.max(2, 0.3 * Math.max(a.fontSize, b.fontSize));
  const row = Math.abs(a.bbox[1] - b.bbox[1]) <= tol || Math.abs(a.bbox[3] - b.bbox[3]) <= tol;
  return row && Math.min(a.bbox[2], b.bbox[2]) > Math.max(a.bbox[0], b.bbox[0]);
}

/**
 * A line in a band is apart from the body when no other line of the page follows it closely on the
 * body's side (below a header, above a footer) the way lines of one paragraph follow each other.
 */
function apartFromBody(line: TextLine, zone: "top" | "bottom", page: PageLayout, others: Set<TextLine>): boolean {
  const size = line.fontSize || line.bbox[3] - line.bbox[1];
  for (const o of page.lines) {
    if (o === line || others.has(o) || o.rotated) continue;
    const overlapX = Math.min(o.bbox[2], line.bbox[2]) - Math.max(o.bbox[0], line.bbox[0]);
    if (overlapX <= 0) continue;
    const gap = zone === "bottom" ? line.bbox[1] - o.bbox[3] : o.bbox[1] - line.bbox[3];
    if (gap >= -0.3 * size && gap < 0.8 * size) return false;
  }
  return true;
}

/** The size most of the page's characters are set in, outside the bands (0 when there is none). */
function bodySize(page: PageLayout): number {
  const chars = new Map<number, number>();
  for (const line of page.lines) {
    if (zoneOf(line, page) || line.rotated || !line.fontSize) continue;
    const size = Math.round(line.fontSize * 2) / 2;
    chars.set(size, (chars.get(size) ?? 0) + line.text.length);
  }
  let best = 0;
  let most = 0;
  for (const [size, n] of chars) if (n > most) [best, most] = [size, n];
  return best;
}

/** A line larger than the body whose repeats differ by their numbers is a numbered heading: content. */
function numberedHeading(line: TextLine, page: PageLayout, repeats: Seen[]): boolean {
  const body = bodySize(page);
  if (body === 0 || line.fontSize < 1.2 * body) return false;
  return new Set(repeats.map((s) => s.line.text.trim())).size > 1;
}

/** For each page (same order as the input), the indices of lines that are running heads. */
export function findRunningHeads(pages: PageLayout[]): Set<number>[] {
  const seenPerKey = new Map<string, Seen[]>();
  pages.forEach((page, p) => {
    page.lines.forEach((line) => {
      const zone = zoneOf(line, page);
      if (!zone) return;
      const key = `${zone}|${keyOf(line)}`;
      let list = seenPerKey.get(key);
      if (!list) seenPerKey.set(key, (list = []));
      list.push({ page: p, line });
    });
  });
  const textPages = pages.filter((p) => p.textLayer && p.lines.length > 0).length;
  // repeated on 3+ pages, or on every page of a short document
  const minRepeats = Math.max(2, Math.min(3, textPages));
  const candidates = pages.map((page, p) => {
    const out = new Map<number, "top" | "bottom">();
    page.lines.forEach((line, i) => {
      const zone = zoneOf(line, page);
      if (!zone) return;
      const key = keyOf(line);
      if (PAGE_NUMBER.test(key)) {
        out.set(i, zone);
        return;
      }
      if (textPages < 2) return;
      // the same text at the same place on enough pages (counting this one)
      const repeats = (seenPerKey.get(`${zone}|${key}`) ?? []).filter((s) => samePlace(s.line, line));
      const places = new Set(repeats.map((s) => s.page));
      if (places.size >= minRepeats && places.has(p) && !numberedHeading(line, page, repeats)) out.set(i, zone);
    });
    return out;
  });
  return pages.map((page, p) => {
    const marked = new Set([...candidates[p].keys()].map((i) => page.lines[i]));
    const drop = new Set<number>();
    for (const [i, zone] of candidates[p]) if (apartFromBody(page.lines[i], zone, page, marked)) drop.add(i);
    return drop;
  });
}
