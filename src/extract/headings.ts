/**
 * Headings from font size and weight, ranked across the document; the PDF outline, where it names
 * a paragraph on its page, wins and gives the level.
 */
import type { OutlineEntry } from "../model/document.js";
import type { Paragraph } from "./paragraphs.js";
import type { PageLayout } from "./types.js";

export interface HeadingScale {
  bodySize: number;
  /** rounded font sizes larger than body text that headings use, largest first */
  sizes: number[];
}

const roundSize = (s: number) => Math.round(s * 2) / 2;

/** Body text size is the size most characters are set in. */
export function bodyFontSize(pages: PageLayout[]): number {
  const chars = new Map<number, number>();
  for (const page of pages) {
    for (const line of page.lines) {
      const k = roundSize(line.fontSize);
      chars.set(k, (chars.get(k) ?? 0) + line.text.length);
    }
  }
  let best = 10, bestCount = -1;
  for (const [size, count] of chars) {
    if (count > bestCount) {
      best = size;
      bestCount = count;
    }
  }
  return best;
}

export function headingScale(pages: PageLayout[], bodySize: number): HeadingScale {
  // a size counts as a heading size when it is larger than body text and used for short lines only
  const stats = new Map<number, { lines: number; long: number }>();
  for (const page of pages) {
    for (const line of page.lines) {
      const k = roundSize(line.fontSize);
      if (k < bodySize * 1.15) continue;
      const s = stats.get(k) ?? { lines: 0, long: 0 };
      s.lines++;
      if (line.text.length > 80) s.long++;
      stats.set(k, s);
    }
  }
  const sizes = [...stats.entries()].filter(([, s]) => s.long <= s.lines * 0.5).map(([k]) => k);
  sizes.sort((a, b) => b - a);
  return { bodySize, sizes: sizes.slice(0, 5) };
}

/** An outline entry's title, normalised once for the comparisons of every paragraph on its page. */
export interface OutlineTitle {
  level: number;
  norm: string;
  /** without a leading section number */
  bare: string;
}

export function outlineTitles(entries: OutlineEntry[]): OutlineTitle[] {
  return entries.map((o) => {
    const n = norm(o.title);
    return { level: o.level, norm: n, bare: stripNum(n) };
  });
}

/** The heading level of a paragraph, or undefined when it is body text. */
export function headingLevel(p: Paragraph, scale: HeadingScale, titles: OutlineTitle[]): number | undefined {
  const text = p.text.trim();
  if (!/\p{L}/u.test(text) || text.length > 200) return undefined;
  // an uncaptured caption is text, not a heading
  if (/^(fig(ure)?\.?|table|listing|algorithm|chart|exhibit|abbildung|tabelle|tableau|그림|표|图|表)\s*[\dIVX]/iu.test(text)) return undefined;
  if (titles.length > 0) {
    const n = norm(text);
    const fromOutline = titles.find((t) => sameNormalTitle(t.norm, t.bare, n));
    if (fromOutline) return Math.min(6, fromOutline.level);
  }
  if (p.lines.length > 3) return undefined;
  const rank = scale.sizes.indexOf(roundSize(p.fontSize));
  if (rank >= 0 && roundSize(p.fontSize) >= scale.bodySize * 1.15) return Math.min(6, rank + 1);
  const sizeNearBody = p.fontSize >= scale.bodySize * 0.95;
  if (p.bold && sizeNearBody && text.length <= 120 && p.lines.length <= 2 && !/[.,;]$/.test(text)) {
    return Math.min(6, scale.sizes.length + 1);
  }
  return undefined;
}

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
// outline titles often drop or add the section number
const stripNum = (s: string) => s.replace(/^[\divxlc]+/, "");

export function sameTitle(outlineTitle: string, text: string): boolean {
  const a = norm(outlineTitle);
  return sameNormalTitle(a, stripNum(a), norm(text));
}

function sameNormalTitle(a: string, aBare: string, b: string): boolean {
  if (a.length < 2 || b.length < 2) return false;
  if (a === b) return true;
  return aBare.length >= 4 && aBare === stripNum(b);
}
