/**
 * The text pdf.js returns inside a figure region, kept as text: a Markdown table when the lines
 * fall into a grid of rows and columns, otherwise the lines in reading order, one paragraph a line.
 */
import { readingOrder } from "../layout/columns.js";
import { buildParagraphs } from "../layout/paragraphs.js";
import type { TextLine } from "../types.js";

export interface FigureText {
  text: string;
  /** true when the text is a Markdown table recovered from the lines' positions */
  table: boolean;
}

export function figureText(lines: TextLine[], bodySize: number): FigureText | undefined {
  const kept = lines.filter((l) => l.text.trim() !== "");
  if (kept.length === 0) return undefined;
  const grid = refinedGrid(kept);
  if (grid) return { text: markdownTable(grid), table: true };
  const ordered = readingOrder(kept, bodySize);
  const paragraphs = buildParagraphs(ordered, bodySize)
    .map((p) => p.text.trim())
    .filter((t) => t);
  return { text: paragraphs.join("\n"), table: false };
}

/**
 * Rows are lines sharing a baseline band; columns are x ranges no cell crosses. A grid is a table
 * when it has at least 2 columns and 3 rows, and most rows fill most columns.
 */
export function tableGrid(lines: TextLine[]): string[][] | undefined {
  if (lines.length < 6) return undefined;
  // rows: sort by vertical middle, a line joins the row whose band it overlaps
  const sorted = [...lines].sort((a, b) => mid(a) - mid(b) || a.bbox[0] - b.bbox[0]);
  const rows: TextLine[][] = [];
  for (const l of sorted) {
    const row = rows[rows.length - 1];
    if (row && row.some((r) => overlapY(r, l) > 0.5 * Math.min(h(r), h(l)))) row.push(l);
    else rows.push([l]);
  }
  if (rows.length < 3) return undefined;
  // column gutters: x intervals covered by no line
  const spans = lines.map((l) => [l.bbox[0], l.bbox[2]] as [number, number]).sort((a, b) => a[0] - b[0]);
  const columns: [number, number][] = [];
  for (const [x0, x1] of spans) {
    const last = columns[columns.length - 1];
    if (last && x0 <= last[1] + 2) last[1] = Math.max(last[1], x1);
    else columns.push([x0, x1]);
  }
  if (columns.length < 2 || columns.length > 12) return undefined;
  const cells: string[][] = rows.map((row) => {
    const out = columns.map(() => [] as TextLine[]);
    for (const l of row) out[columns.findIndex((c) => l.bbox[0] >= c[0] - 0.5 && l.bbox[2] <= c[1] + 0.5)]?.push(l);
    return out.map((c) =>
      c
        .sort((a, b) => a.bbox[0] - b.bbox[0])
        .map((l) => l.text.trim())
        .join(" "),
    );
  });
  const full = cells.filter((r) => r.filter((c) => c !== "").length >= Math.max(2, Math.ceil(columns.length * 0.6))).length;
  if (full < Math.max(3, 0.7 * rows.length)) return undefined;
  // a cell that wrapped onto a second line starts a row with the first column empty: join it upward
  const merged: string[][] = [];
  for (const r of cells) {
    const prev = merged[merged.length - 1];
    const filled = r.filter((c) => c !== "").length;
    if (prev && r[0] === "" && filled <= Math.ceil(columns.length / 2)) {
      r.forEach((c, i) => c && (prev[i] = prev[i] ? `${prev[i]} ${c}` : c));
    } else merged.push(r);
  }
  return merged.length >= 2 ? merged : undefined;
}

/**
 * The grid from the lines' cells; once that is a table, its columns are split further where every
 * row leaves a narrower gutter (two columns set a little over a word space apart would otherwise
 * read as one). The finer pieces alone never make a table of text that is not one.
 */
function refinedGrid(lines: TextLine[]): string[][] | undefined {
  const coarse = tableGrid(lines.flatMap((l) => splitCells(l, l.cells)));
  if (!coarse || !lines.some((l) => l.pieces)) return coarse;
  const fine = tableGrid(lines.flatMap((l) => splitCells(l, l.pieces ?? l.cells)));
  return fine && fine[0].length > coarse[0].length ? fine : coarse;
}

/** a line with gaps is one piece per cell */
function splitCells(line: TextLine, parts: TextLine["cells"]): TextLine[] {
  if (!parts) return [line];
  return parts.map((c) => ({ ...line, text: c.text, bbox: [c.x0, line.bbox[1], c.x1, line.bbox[3]], cells: undefined, pieces: undefined }));
}

function markdownTable(rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  const line = (r: string[]) => `| ${r.map(esc).join(" | ")} |`;
  return [line(rows[0]), `|${rows[0].map(() => " --- ").join("|")}|`, ...rows.slice(1).map(line)].join("\n");
}

const mid = (l: TextLine) => (l.bbox[1] + l.bbox[3]) / 2;
const h = (l: TextLine) => l.bbox[3] - l.bbox[1];
const overlapY = (a: TextLine, b: TextLine) => Math.min(a.bbox[3], b.bbox[3]) - Math.max(a.bbox[1], b.bbox[1]);
