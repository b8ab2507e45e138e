/**
 * Headings from font size and weight, ranked across the document; the PDF outline, where it names
 * a paragraph on its page, wins and gives the level.
 */
import type { OutlineEntry } from "../../model/document.js";
import { numberingDepth, SECTION_NUMBER, type Paragraph } from "./paragraphs.js";
import type { PageLayout } from "../types.js";

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
  let best = 10,
    bestCount = -1;
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

/** What made a paragraph a heading; levels are set across the document from it (relevelHeadings). */
export interface HeadingStyle {
  /** rounded font size */
  size: number;
  /** section-number depth ("5.1" is 2), 0 without a number */
  depth: number;
  /** the level the PDF outline gives, which wins */
  outlineLevel?: number;
  /** emphasis alone (bold or italic at body size, no number): judged in context */
  emphasisOnly: boolean;
}

/** Whether a paragraph is a heading, and what makes it one (its level is set by relevelHeadings). */
export function headingStyle(p: Paragraph, scale: HeadingScale, titles: OutlineTitle[]): HeadingStyle | undefined {
  const text = p.text.trim();
  if (!/\p{L}/u.test(text) || text.length > 200) return undefined;
  // an uncaptured caption is text, not a heading
  if (/^(fig(ure)?\.?|table|listing|algorithm|chart|exhibit|abbildung|tabelle|tableau|그림|표|图|表)\s*[\dIVX]/iu.test(text))
    return undefined;
  const size = roundSize(p.fontSize);
  const depth = numberingDepth(text);
  if (titles.length > 0) {
    const n = norm(text);
    const fromOutline = titles.find((t) => sameNormalTitle(t.norm, t.bare, n));
    if (fromOutline) return { size, depth, outlineLevel: Math.min(6, fromOutline.level), emphasisOnly: false };
  }
  if (p.lines.length > 3) return undefined;
  const rank = scale.sizes.indexOf(size);
  if (rank >= 0 && size >= scale.bodySize * 1.15) return { size, depth, emphasisOnly: false };
  const sizeNearBody = p.fontSize >= scale.bodySize * 0.95;
  if (!sizeNearBody || /[.,;:]$/.test(text) || /^\p{Ll}/u.test(text)) return undefined;
  // a numbered title ("5.1 Hyper Parameter Optimization", "(2) Cotter pins", "Annex B")
  if (depth > 0 && SECTION_NUMBER.test(text) && p.lines.length <= 2 && text.length <= 100) return { size, depth, emphasisOnly: false };
  if (p.bold && text.length <= 120 && p.lines.length <= 2) return { size, depth, emphasisOnly: true };
  // an italic subhead: one short line in title case
  if (p.italic && p.lines.length === 1 && text.length <= 60 && titleCase(text)) return { size, depth, emphasisOnly: true };
  return undefined;
}

function titleCase(text: string): boolean {
  const words = text.split(/\s+/).filter((w) => /^\p{L}{4,}/u.test(w));
  return words.length > 0 && words.filter((w) => /^\p{Lu}/u.test(w)).length >= Math.ceil(words.length * 0.6);
}

/**
 * Heading levels from size, then numbering: the (size, number depth) pairs that the document's
 * headings use again and again (or that carry a section number), largest size first and shallower
 * numbers first, are levels 1, 2, … A one-off style (a cover's title, a banner) takes the level of
 * the recurring styles of its size, or level 1 above them all. A heading found through the outline
 * keeps the outline's level; headings no larger than the outline's rank below its deepest level.
 */
export function relevelHeadings(headings: Array<{ block: { level: number }; style: HeadingStyle }>): void {
  const keyOf = (st: HeadingStyle) => `${st.size}|${st.depth}`;
  const uses = new Map<string, { size: number; depth: number; count: number }>();
  for (const h of headings) {
    if (h.style.outlineLevel) continue;
    const k = keyOf(h.style);
    const u = uses.get(k) ?? { size: h.style.size, depth: h.style.depth, count: 0 };
    u.count++;
    uses.set(k, u);
  }
  const ranked = [...uses.entries()]
    .filter(([, u]) => u.count >= 2 || u.depth > 0)
    .sort((a, b) => b[1].size - a[1].size || a[1].depth - b[1].depth)
    .map(([k, u]) => ({ key: k, size: u.size }));
  const fromOutline = headings.filter((h) => h.style.outlineLevel);
  const outlineMinSize = Math.min(...fromOutline.map((h) => h.style.size));
  const outlineMaxLevel = Math.max(0, ...fromOutline.map((h) => h.style.outlineLevel!));
  const below = fromOutline.length > 0 ? ranked.filter((r) => r.size <= outlineMinSize) : [];
  // a one-off larger than every recurring style (the document's title) is level 1 above them
  const top = ranked.length > 0 && [...uses.values()].some((u) => u.size > ranked[0].size) ? 1 : 0;
  const levelOf = (st: HeadingStyle): number => {
    const k = keyOf(st);
    const b = below.findIndex((r) => r.key === k);
    if (b >= 0) return outlineMaxLevel + b + 1;
    const r = ranked.findIndex((x) => x.key === k);
    if (r >= 0) return top + r + 1;
    // a one-off: as deep as the first recurring style no larger than it
    const next = ranked.findIndex((x) => x.size <= st.size);
    return next > 0 ? top + next + 1 : next === 0 ? (st.size > ranked[0].size ? 1 : top + 1) : top + ranked.length + 1;
  };
  for (const h of headings) h.block.level = Math.min(6, h.style.outlineLevel ?? levelOf(h.style));
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
