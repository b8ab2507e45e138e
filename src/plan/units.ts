/**
 * The document as a sequence of units in reading order: each unit is text exactly as sent
 * (page marker, heading, paragraph or sentence group, figure introduction), at most one figure,
 * its token estimate, and how good a place it is to start a new chunk before it.
 */
import type { DocumentModel, FigureBlock, FigureKind } from "../model/document.js";
import { countTextTokens } from "../budget/tokens.js";
import type { ProfileData } from "../budget/profiles.js";
import { figureContent, figureTextPart } from "./figure-content.js";

/** Where a chunk may start, best first: a section, a page, a block, inside a block. */
export const BreakLevel = { inside: 0, block: 1, page: 2, section: 3 } as const;
export type BreakLevelValue = (typeof BreakLevel)[keyof typeof BreakLevel];

export interface UnitFigure {
  id: string;
  page: number;
  caption?: string;
  /** size of the extracted image (before the planner's resize) */
  width: number;
  height: number;
  kind?: FigureKind;
  /** the document's minTextPx: longest side at which its smallest text is 12 px high */
  minTextPx?: number;
}

export interface Unit {
  page: number;
  /** text sent for this unit (before the figure's image when there is one) */
  text: string;
  textTokens: number;
  figure?: UnitFigure;
  breakBefore: BreakLevelValue;
  /** "p<page>-b<index>" of the document block this unit came from (sentence pieces share it) */
  blockKey: string;
}

/**
 * Paragraphs estimated above this are cut into sentence groups no bigger, so no single block can
 * force an extra chunk by more than this many tokens (and a paragraph larger than a window still fits).
 */
export const MAX_UNIT_TEXT_TOKENS = 2000;

export class TokenMemo {
  private readonly memo = new Map<string, number>();
  constructor(private readonly factor: number) {}
  /** estimate (count × safety factor, rounded up); short strings are memoised */
  estimate(text: string): number {
    if (text.length > 256) return Math.ceil(countTextTokens(text) * this.factor);
    let n = this.memo.get(text);
    if (n === undefined) {
      n = Math.ceil(countTextTokens(text) * this.factor);
      this.memo.set(text, n);
    }
    return n;
  }
}

export function figureIntro(fig: UnitFigure, sheet?: { sheetId: string; cell: number }): string {
  const caption = fig.caption?.replace(/\s+/g, " ").trim();
  const where = sheet ? ` [in sheet ${sheet.sheetId}, cell ${sheet.cell}]` : "";
  return `Figure ${fig.id} (page ${fig.page})${caption ? `: ${caption}` : ""}${where}\n`;
}

/** Cuts text just before each whitespace run that follows `after` (or any whitespace when after is null). */
function cutBeforeWhitespace(text: string, after: RegExp | null): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 1; i < text.length; i++) {
    if (/\s/.test(text[i]!) && !/\s/.test(text[i - 1]!) && (after === null || after.test(text[i - 1]!))) {
      out.push(text.slice(from, i));
      from = i;
    }
  }
  out.push(text.slice(from));
  return out.filter((p) => p.length > 0);
}

/**
 * Cuts text into pieces whose concatenation is the text, each estimated at most maxTokens:
 * at sentence ends, else between words, else (a giant "word") at character positions. A cut
 * falls just before whitespace, so " word" stays one pre-token and the pieces count as the whole.
 */
export function splitAtSentences(text: string, maxTokens: number, memo: TokenMemo): string[] {
  const pieces: string[] = [];
  for (const sentence of cutBeforeWhitespace(text, /[.!?;:]/)) {
    if (memo.estimate(sentence) <= maxTokens) {
      pieces.push(sentence);
      continue;
    }
    for (const word of cutBeforeWhitespace(sentence, null)) {
      const t = memo.estimate(word);
      if (t <= maxTokens) {
        pieces.push(word);
        continue;
      }
      const step = Math.max(1, Math.floor((word.length * maxTokens) / t / 2));
      for (let i = 0; i < word.length; i += step) pieces.push(word.slice(i, i + step));
    }
  }
  // greedy regrouping of the small pieces into groups of at most maxTokens
  const out: string[] = [];
  let current = "";
  let currentTokens = 0;
  for (const piece of pieces) {
    const t = memo.estimate(piece);
    if (current && currentTokens + t > maxTokens) {
      out.push(current);
      current = "";
      currentTokens = 0;
    }
    current += piece;
    currentTokens += t;
  }
  if (current) out.push(current);
  // estimates of groups can exceed the sum of their pieces by a token or two; recheck and halve
  return out.flatMap((g) => (memo.estimate(g) <= maxTokens || g.length < 2 ? [g] : halve(g, maxTokens, memo)));
}

function halve(text: string, maxTokens: number, memo: TokenMemo): string[] {
  const words = cutBeforeWhitespace(text, null);
  const mid = words.length > 1 ? words.slice(0, Math.floor(words.length / 2)).join("").length : Math.floor(text.length / 2);
  return [text.slice(0, mid), text.slice(mid)].flatMap((g) =>
    memo.estimate(g) <= maxTokens || g.length < 2 ? [g] : halve(g, maxTokens, memo),
  );
}

export interface UnitOptions {
  profile: Pick<ProfileData, "safetyFactor">;
  memo?: TokenMemo;
  maxUnitTokens?: number;
}

/** Reading-order units of the whole document. Section starts come from headings (level ≤ 2) and the outline. */
export function buildUnits(doc: DocumentModel, opts: UnitOptions): Unit[] {
  const memo = opts.memo ?? new TokenMemo(opts.profile.safetyFactor);
  const maxUnit = opts.maxUnitTokens ?? MAX_UNIT_TEXT_TOKENS;
  const sectionPages = new Set(doc.outline.filter((e) => e.level <= 2).map((e) => e.page));
  const units: Unit[] = [];
  for (const page of doc.pages) {
    let marker = `[page ${page.number}]\n`;
    if (!page.textLayer && !page.blocks.some((b) => b.type === "figure")) marker = `[page ${page.number}] (no text layer)\n`;
    const pageBreak = sectionPages.has(page.number) ? BreakLevel.section : BreakLevel.page;
    if (page.blocks.length === 0) {
      units.push({
        page: page.number,
        text: marker,
        textTokens: memo.estimate(marker),
        breakBefore: pageBreak,
        blockKey: `p${page.number}-b0`,
      });
      continue;
    }
    page.blocks.forEach((block, i) => {
      const prefix = i === 0 ? marker : "";
      const blockKey = `p${page.number}-b${i}`;
      const isSectionHeading = block.type === "heading" && block.level <= 2;
      const breakBefore: BreakLevelValue =
        i === 0 ? (isSectionHeading ? BreakLevel.section : pageBreak) : isSectionHeading ? BreakLevel.section : BreakLevel.block;
      if (block.type === "figure") {
        const figure = toUnitFigure(block, page.number);
        const content = figureContent(block);
        if (content === "text") {
          // no image: the introduction and the figure's text stand in the text flow
          const text = prefix + figureIntro(figure) + figureTextPart(block);
          units.push({ page: page.number, text, textTokens: memo.estimate(text), breakBefore, blockKey });
          return;
        }
        const text = prefix + figureIntro(figure);
        units.push({ page: page.number, text, textTokens: memo.estimate(text), figure, breakBefore, blockKey });
        if (content === "both") {
          // the labels follow the image, so the image stays right after its introduction
          const labels = figureTextPart(block);
          units.push({ page: page.number, text: labels, textTokens: memo.estimate(labels), breakBefore: BreakLevel.inside, blockKey });
        }
        return;
      }
      const body = block.type === "heading" ? `${"#".repeat(block.level)} ${block.text.trim()}\n\n` : `${block.text.trim()}\n\n`;
      const whole = prefix + body;
      const tokens = memo.estimate(whole);
      if (tokens <= maxUnit) {
        units.push({ page: page.number, text: whole, textTokens: tokens, breakBefore, blockKey });
        return;
      }
      splitAtSentences(whole, maxUnit, memo).forEach((piece, k) => {
        units.push({
          page: page.number,
          text: piece,
          textTokens: memo.estimate(piece),
          breakBefore: k === 0 ? breakBefore : BreakLevel.inside,
          blockKey,
        });
      });
    });
  }
  return units;
}

function toUnitFigure(block: FigureBlock, page: number): UnitFigure {
  return {
    id: block.id,
    page,
    caption: block.caption,
    width: block.width,
    height: block.height,
    kind: block.kind,
    ...(block.minTextPx ? { minTextPx: block.minTextPx } : {}),
  };
}
