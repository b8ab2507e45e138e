/**
 * readPageLayout: one page's text as lines with boxes in reader coordinates (top-left origin,
 * rotation applied), font size and weight. Lines are not yet in reading order.
 */
import { ANALYSIS_OPERATOR_LIST, Util, type PDFPageProxy } from "../pdfjs/load.js";
import type { TextItem } from "pdfjs-dist/types/src/display/api.js";
import type { PageLayout, TextLine } from "../types.js";
import { cleanText, composeText, isUsableText } from "./text-layer.js";
import { textItemsFromOperatorList, type GlyphFont } from "../pdfjs/glyph-text.js";
import { logicalOrder, visualOrder } from "./bidi.js";

interface Run {
  text: string;
  x0: number;
  x1: number;
  /** baseline */
  y: number;
  size: number;
  fontName: string;
  bold: boolean;
  /** written along the page's x axis (not rotated or vertical) */
  horizontal: boolean;
}

const ITALIC_NAME = /italic|oblique|[-,]it$|[-,]i$/i;
const BOLD_NAME = /bold|black|heavy|semibold|demi|medi(?!um)|[-,]b(?:d|old)?$|\+.*-b$/i;

export async function readPageLayout(
  page: PDFPageProxy,
  number = page.pageNumber,
  /** an operator list already read (cut short on a page whose drawing never ends) */
  given?: Awaited<ReturnType<PDFPageProxy["getOperatorList"]>>,
): Promise<PageLayout> {
  const viewport = page.getViewport({ scale: 1 });
  // the operator list loads the page's fonts (their real names tell bold apart) and carries every
  // glyph, so the text comes from it; pdf.js caches it, so figure detection reuses it
  let opList: Awaited<ReturnType<PDFPageProxy["getOperatorList"]>> | undefined = given;
  try {
    opList ??= await page.getOperatorList(ANALYSIS_OPERATOR_LIST);
  } catch {
    opList = undefined;
  }
  const loadedFont = (id: string): (GlyphFont & { fallbackName?: string }) | undefined => {
    try {
      return page.commonObjs.has(id) ? (page.commonObjs.get(id) as GlyphFont & { fallbackName?: string }) : undefined;
    } catch {
      return undefined; // font failed to load
    }
  };
  let items = opList && textItemsFromOperatorList(opList, loadedFont, page.view);
  let styles: Record<string, { fontFamily?: string }> = {};
  if (!items) {
    // what the glyph reader does not handle (vertical or right-to-left text, Type3 fonts): pdf.js's own pass
    const content = await page.getTextContent();
    // pdf.js puts each right-to-left item into logical order on its own; the layout orders whole
    // lines, so the item goes back to the order it is drawn in
    items = content.items
      .filter((it): it is TextItem => "str" in it)
      .map((it) => (it.dir === "rtl" ? { ...it, str: visualOrder(it.str, "rtl") } : it));
    styles = content.styles;
  }
  const fontInfo = new Map<string, { name: string; bold: boolean }>();
  const fontOf = (id: string) => {
    let info = fontInfo.get(id);
    if (!info) {
      let name = id;
      if (opList) {
        const font = loadedFont(id);
        name = font?.name ?? font?.fallbackName ?? styles[id]?.fontFamily ?? id;
      }
      info = { name, bold: BOLD_NAME.test(name.replace(/^[A-Z]{6}\+/, "")) };
      fontInfo.set(id, info);
    }
    return info;
  };

  const runs: Run[] = [];
  const texts: string[] = [];
  for (const it of items) {
    if (it.str === "") continue;
    texts.push(it.str);
    const text = cleanText(it.str);
    if (text.trim() === "" && text.length === 0) continue;
    const m = Util.transform(viewport.transform, it.transform) as number[];
    const sx = Math.hypot(m[0], m[1]);
    const size = Math.hypot(m[2], m[3]) || sx || 1;
    const horizontal = Math.abs(m[1]) < 0.1 * sx && m[0] > 0;
    const x = m[4];
    const y = m[5];
    // item.width is along the text direction in page space; for rotated runs use the direction vector
    const len = it.width * (horizontal ? 1 : 1);
    let x0 = x,
      x1 = x + len;
    let yBase = y;
    if (!horizontal) {
      const dx = sx ? m[0] / sx : 0;
      const dy = sx ? m[1] / sx : 1;
      const xe = x + dx * len;
      const ye = y + dy * len;
      x0 = Math.min(x, xe);
      x1 = Math.max(x, xe) + (Math.abs(dx) < 0.5 ? size * 0.8 : 0);
      yBase = Math.max(y, ye);
      const font = fontOf(it.fontName);
      runs.push({
        text,
        x0,
        x1,
        y: yBase,
        size: Math.max(size, Math.abs(ye - y)),
        fontName: font.name,
        bold: font.bold,
        horizontal: false,
      });
      continue;
    }
    const font = fontOf(it.fontName);
    runs.push({ text, x0, x1, y: yBase, size, fontName: font.name, bold: font.bold, horizontal: true });
  }

  const textLayer = isUsableText(texts);
  const lines = textLayer ? groupRunsIntoLines(runs) : [];
  return { number, width: viewport.width, height: viewport.height, lines, textLayer };
}

/**
 * Groups runs into lines. First in content-stream order: a run continues the line before it when
 * it sits on the same row just to its right (so two columns set on the same baselines stay apart,
 * as producers write one column after the other). Then fragments written out of order are merged
 * when they touch on one row.
 */
export function groupRunsIntoLines(runs: Run[]): TextLine[] {
  const lines: TextLine[] = [];
  const top = (r: Run) => r.y - 0.8 * r.size;
  const bottom = (r: Run) => r.y + 0.2 * r.size;
  const sameRow = (a: Run, b: Run) => {
    const overlap = Math.min(bottom(a), bottom(b)) - Math.max(top(a), top(b));
    return overlap > 0.5 * Math.min(a.size, b.size) || Math.abs(a.y - b.y) < 0.2 * Math.max(a.size, b.size);
  };
  const pieces: Run[][] = [];
  let current: Run[] = [];
  let right = -Infinity;
  let anchor: Run | undefined;
  for (const r of runs) {
    if (r.text.trim() === "") {
      // a space glyph right after the line bridges a wide justified gap: the line goes on
      if (anchor && r.horizontal && sameRow(anchor, r) && r.x0 <= right + 0.3 * anchor.size && r.x0 >= right - 0.3 * anchor.size) {
        right = Math.max(right, r.x1);
      }
      continue;
    }
    if (!r.horizontal) {
      lines.push({ ...toLine([r]), rotated: true });
      continue;
    }
    const size = Math.max(r.size, anchor?.size ?? 0);
    if (anchor && sameRow(anchor, r) && r.x0 >= right - 0.6 * size && r.x0 - right <= 1.0 * size) {
      current.push(r);
      right = Math.max(right, r.x1);
      // the anchor is the line's main run: superscripts do not move the row
      if (r.size > anchor.size) anchor = r;
      continue;
    }
    if (current.length) pieces.push(current);
    current = [r];
    right = r.x1;
    anchor = r;
  }
  if (current.length) pieces.push(current);

  // merge touching fragments of one row (text written word by word in any order)
  const info = pieces.map((p) => {
    const main = p.reduce((a, b) => (b.size > a.size ? b : a));
    return { runs: p, y: main.y, size: main.size, x0: Math.min(...p.map((r) => r.x0)), x1: Math.max(...p.map((r) => r.x1)) };
  });
  info.sort((a, b) => Math.round(a.y / 2) - Math.round(b.y / 2) || a.x0 - b.x0);
  let acc: (typeof info)[number] | undefined;
  for (const piece of info) {
    if (
      acc &&
      Math.abs(piece.y - acc.y) < 0.25 * acc.size &&
      piece.x0 - acc.x1 <= 0.35 * acc.size &&
      piece.x0 - acc.x1 >= -0.3 * acc.size
    ) {
      acc.runs = acc.runs.concat(piece.runs);
      acc.x1 = Math.max(acc.x1, piece.x1);
      continue;
    }
    if (acc) lines.push(toLine(acc.runs));
    acc = { ...piece };
  }
  if (acc) lines.push(toLine(acc.runs));
  return lines;
}

/** a gap between runs wider than this many font sizes separates cells */
const CELL_GAP = 1.5;
/** and this, pieces: wider than a loose word space (about a third of the size), narrower than a cell gap */
const PIECE_GAP = 0.8;

type Piece = { text: string; x0: number; x1: number };

/** the runs grouped where the gap before a run is wider than `gap` font sizes */
function splitAtGaps(runs: Run[], gap: number): Piece[] {
  const out: Piece[] = [];
  let prevRight = -Infinity;
  for (const r of runs) {
    const g = r.x0 - prevRight;
    const last = out[out.length - 1];
    if (last && g <= gap * r.size) {
      last.text += (g > 0.15 * r.size && !/\s$/.test(last.text) && !/^\s/.test(r.text) ? " " : "") + r.text;
      last.x1 = Math.max(last.x1, r.x1);
    } else out.push({ text: r.text, x0: r.x0, x1: r.x1 });
    prevRight = Math.max(prevRight, r.x1);
  }
  return out.map((c) => ({ ...c, text: c.text.replace(/\s+/g, " ").trim() }));
}

/** pieces of the line apart by more than a wide word space (table cells, label columns), and finer ones */
function cellsOf(runs: Run[]): Pick<TextLine, "cells" | "pieces"> {
  const cells = splitAtGaps(runs, CELL_GAP);
  const pieces = splitAtGaps(runs, PIECE_GAP);
  return {
    ...(cells.length > 1 ? { cells } : {}),
    ...(pieces.length > cells.length ? { pieces } : {}),
  };
}

function toLine(runs: Run[]): TextLine {
  let text = "";
  let prevRight = -Infinity;
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  // glyph sizes with their counts: the median glyph size without a list entry per glyph
  const sizes: [size: number, count: number][] = [];
  let glyphs = 0;
  let boldChars = 0,
    italicChars = 0,
    chars = 0;
  const fontCount = new Map<string, number>();
  for (const r of runs) {
    const gap = r.x0 - prevRight;
    if (text && gap > 0.15 * r.size && !/\s$/.test(text) && !/^\s/.test(r.text)) text += " ";
    text += r.text;
    prevRight = Math.max(prevRight, r.x1);
    x0 = Math.min(x0, r.x0);
    x1 = Math.max(x1, r.x1);
    y0 = Math.min(y0, r.y - 0.8 * r.size);
    y1 = Math.max(y1, r.y + 0.2 * r.size);
    const n = r.text.replace(/\s/g, "").length;
    chars += n;
    if (r.bold) boldChars += n;
    if (ITALIC_NAME.test(r.fontName)) italicChars += n;
    sizes.push([r.size, Math.max(1, n)]);
    glyphs += Math.max(1, n);
    fontCount.set(r.fontName, (fontCount.get(r.fontName) ?? 0) + n);
  }
  sizes.sort((a, b) => a[0] - b[0]);
  let median = sizes[0]?.[0] ?? NaN;
  for (let i = 0, seen = 0, middle = Math.floor(glyphs / 2); i < sizes.length; i++) {
    seen += sizes[i][1];
    if (seen > middle) {
      median = sizes[i][0];
      break;
    }
  }
  const fontName = [...fontCount.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  return {
    // glyphs come left to right as drawn; right-to-left and mixed lines go into logical order
    text: logicalOrder(composeText(text.replace(/\s+/g, " ").trim())),
    bbox: [x0, y0, x1, y1],
    fontSize: Math.round(median * 100) / 100,
    bold: chars > 0 && boldChars / chars > 0.6,
    ...(chars > 0 && italicChars / chars > 0.6 ? { italic: true } : {}),
    fontName,
    ...cellsOf(runs),
  };
}
