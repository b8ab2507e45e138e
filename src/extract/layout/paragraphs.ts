/**
 * Joins lines (already in reading order) into paragraphs: a paragraph ends at a wide vertical gap,
 * a change of font size or weight, a first-line indent, or a short line that ends a sentence.
 * It continues across a column break when the sentence does. End-of-line hyphens are rejoined.
 */
import type { TextLine } from "../types.js";
import type { OrderedItem } from "./columns.js";

export interface Paragraph {
  text: string;
  lines: TextLine[];
  fontSize: number;
  bold: boolean;
  italic: boolean;
}

export const SENTENCE_END = /[.!?:;。！？…"”’)\]]$/u;

export function buildParagraphs(ordered: OrderedItem<TextLine>[], bodySize: number): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  let current: OrderedItem<TextLine>[] = [];
  const flush = () => {
    if (current.length) paragraphs.push(toParagraph(current.map((o) => o.item)));
    current = [];
  };
  const gaps = typicalGaps(ordered);
  for (const o of ordered) {
    const prev = current[current.length - 1];
    if (prev && breaksBetween(prev, o, gaps, bodySize)) flush();
    current.push(o);
  }
  flush();
  return paragraphs;
}

/** typical gap between consecutive lines of one column, per rounded font size */
function typicalGaps(ordered: OrderedItem<TextLine>[]): Map<number, number> {
  const bySize = new Map<number, number[]>();
  for (let i = 1; i < ordered.length; i++) {
    const a = ordered[i - 1],
      b = ordered[i];
    if (a.leaf !== b.leaf || Math.abs(a.item.fontSize - b.item.fontSize) > 0.5) continue;
    const gap = b.item.bbox[1] - a.item.bbox[3];
    if (gap < -0.5 * a.item.fontSize || gap > 3 * a.item.fontSize) continue;
    const key = Math.round(a.item.fontSize);
    let list = bySize.get(key);
    if (!list) bySize.set(key, (list = []));
    list.push(gap);
  }
  const typical = new Map<number, number>();
  for (const [size, list] of bySize) {
    list.sort((x, y) => x - y);
    // the lower third: line spacing inside paragraphs, not the gaps between them
    typical.set(size, list[Math.floor(list.length / 3)]);
  }
  return typical;
}

/** "1.", "1.1", "5.1", "(1)", "A.2", "Chapter 3", "Section 2", "Annex B": how section titles start */
const NUMBERED_TITLE = /^(?:\d{1,2}(?:\.\d{1,2}){0,4}\.?|\(\d{1,2}\)|[A-Z]\.\d{1,2}(?:\.\d{1,2})*\.?)\s+[\p{Lu}\p{Lo}]/u;
const KEYWORD_TITLE = /^(?:chapter|section|part|annex|appendix|article|chapitre|kapitel|anhang)\s+(?:\d+|[IVXLC]+|[A-Z])\b/iu;
export const SECTION_NUMBER = { test: (text: string) => NUMBERED_TITLE.test(text) || KEYWORD_TITLE.test(text) };

/** how deep a section number goes: "5" 1, "5.1" 2, "5.1.2" 3; 0 without one */
export function numberingDepth(text: string): number {
  const m = /^(?:\(?(\d{1,2}(?:\.\d{1,2})*)\)?\.?|[A-Z]\.(\d{1,2}(?:\.\d{1,2})*))\s/u.exec(text);
  if (m) return (m[1] ?? `A.${m[2]}`).split(".").length;
  return KEYWORD_TITLE.test(text) ? 1 : 0;
}

const BULLET = /^[•●▪■◦‣∙·–]\s?/u;
const NUMBERED = /^(\(?\d{1,2}[.)]|\(?[a-z][.)])\s/u;

/** typewriter faces: a run of lines set in one is a code listing, its line breaks are kept */
const MONOSPACE = /courier|mono|consol|menlo|inconsolata|typewriter|cmtt|lmtt|sfmt|code/i;
export const isMonospace = (l: TextLine) => MONOSPACE.test(l.fontName.replace(/^[A-Z]{6}\+/, ""));

function breaksBetween(a: OrderedItem<TextLine>, b: OrderedItem<TextLine>, gaps: Map<number, number>, bodySize: number): boolean {
  const la = a.item,
    lb = b.item;
  // a code listing starts and ends with its typewriter face, and goes on across its own gaps
  if (isMonospace(la) !== isMonospace(lb)) return true;
  if (isMonospace(la) && a.leaf === b.leaf) return lb.bbox[1] - la.bbox[3] > 2 * Math.max(la.fontSize, lb.fontSize);
  const size = Math.max(la.fontSize, lb.fontSize);
  if (Math.abs(la.fontSize - lb.fontSize) > 0.12 * size) return true;
  const aEndsSentence = SENTENCE_END.test(la.text);
  if (a.leaf !== b.leaf) {
    // a new column piece: the paragraph goes on only when the sentence does and b starts higher up or beside
    const sideBySide = lb.bbox[0] >= la.bbox[2] - size || lb.bbox[1] < la.bbox[1];
    return aEndsSentence || !sideBySide || la.bold !== lb.bold || !/^[\p{Ll}\p{Lo}\d(“"]/u.test(lb.text);
  }
  const [left, right] = a.leafX;
  const aShort = right - la.bbox[2] > 2.5 * size;
  // a bold run-in sentence ("Figure 1. Sample program: …") goes on in regular type; a bold heading is short
  if (la.bold !== lb.bold && (aShort || aEndsSentence || lb.bold)) return true;
  // a short line in another face (an italic subhead) or a short numbered title stands alone
  if (aShort && !aEndsSentence && (!!la.italic !== !!lb.italic || SECTION_NUMBER.test(la.text))) return true;
  const gap = lb.bbox[1] - la.bbox[3];
  const typical = gaps.get(Math.round(la.fontSize)) ?? 0.2 * la.fontSize;
  if (gap > Math.max(typical * 1.8, typical + 0.35 * size)) return true;
  if (gap < -0.5 * size) return true; // went back up: not the same flow
  if (BULLET.test(lb.text)) return true;
  if (NUMBERED.test(lb.text) && aShort) return true;
  // first-line indent of a new paragraph (not the hanging indent under a list item's first line)
  const indent = lb.bbox[0] - la.bbox[0];
  if (
    indent > 0.8 * bodySize &&
    indent < 6 * bodySize &&
    la.bbox[0] - left < 0.5 * bodySize &&
    !BULLET.test(la.text) &&
    !NUMBERED.test(la.text)
  )
    return true;
  // a short line that ends a sentence ends its paragraph
  if (aEndsSentence && aShort) return true;
  return false;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;

export function joinLines(lines: string[]): string {
  let text = "";
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!text) {
      text = line;
      continue;
    }
    // "exam-" + "ple" → "example"; keep hyphens before capitals and digits ("Just-" + "In-Time")
    if (/\p{L}[-\u2010\u00ad]$/u.test(text) && /^\p{Ll}/u.test(line)) {
      text = text.slice(0, -1) + line;
    } else if (/\p{L}-$/u.test(text) && /^[\p{Lu}\d]/u.test(line)) {
      // a compound split at its own hyphen: "Lucene-" + "BM25"
      text += line;
    } else if (CJK.test(text.slice(-1)) && CJK.test(line[0])) {
      text += line;
    } else if (/[\u2010-\u2014/]$/u.test(text)) {
      text += line;
    } else {
      text += " " + line;
    }
  }
  return text;
}

/** a code listing keeps one line per line, indented by its distance from the listing's left edge */
function codeText(lines: TextLine[]): string {
  const left = Math.min(...lines.map((l) => l.bbox[0]));
  return lines
    .map((l) => {
      const charWidth = 0.6 * (l.fontSize || 10);
      return " ".repeat(Math.max(0, Math.round((l.bbox[0] - left) / charWidth))) + l.text;
    })
    .join("\n");
}

function toParagraph(lines: TextLine[]): Paragraph {
  const sizes = lines.map((l) => l.fontSize).sort((x, y) => x - y);
  const boldCount = lines.filter((l) => l.bold).length;
  const code = lines.length > 1 && lines.every(isMonospace);
  return {
    text: code ? codeText(lines) : joinLines(lines.map((l) => l.text)),
    lines,
    fontSize: sizes[Math.floor(sizes.length / 2)],
    bold: boldCount > lines.length / 2,
    italic: lines.filter((l) => l.italic).length > lines.length / 2,
  };
}
