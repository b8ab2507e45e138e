/**
 * Builds one page's blocks: text lines outside figures and captions, read in column order, joined
 * into paragraphs and headings, with each figure placed where it stands.
 */
import type { BBox, Block, FigureBlock, HeadingBlock } from "../../model/document.js";
import { mostlyRightToLeft } from "./bidi.js";
import { readingOrder, type OrderedItem } from "./columns.js";
import { figureText } from "../figures/region-text.js";
import { captionKind } from "../figures/captions.js";
import { placeInserts } from "./inserts.js";
import { headingStyle, type HeadingScale, type HeadingStyle, type OutlineTitle } from "./headings.js";
import { buildParagraphs, SENTENCE_END } from "./paragraphs.js";
import type { FigureRegion, PageLayout, TextLine } from "../types.js";

type Element = { bbox: BBox; line?: TextLine; figure?: FigureRegion };

/** A figure block still waiting for its image (file, width and height are filled after rendering). */
export type PendingFigure = Omit<FigureBlock, "file" | "width" | "height"> & { region: FigureRegion };
/** A heading block with what made it one, until the document's levels are set (relevelHeadings). */
export type PendingHeading = HeadingBlock & { style: HeadingStyle };
export type PageBlock = Exclude<Block, FigureBlock | HeadingBlock> | PendingHeading | PendingFigure;

export function insideRegion(line: TextLine, region: BBox): boolean {
  const [x0, y0, x1, y1] = line.bbox;
  const ix = Math.max(0, Math.min(x1, region[2]) - Math.max(x0, region[0]));
  const iy = Math.max(0, Math.min(y1, region[3]) - Math.max(y0, region[1]));
  const area = Math.max(1e-6, (x1 - x0) * (y1 - y0));
  return (ix * iy) / area >= 0.5;
}

export function buildPageBlocks(
  layout: PageLayout,
  regions: FigureRegion[],
  dropLines: Set<number>,
  scale: HeadingScale,
  outline: OutlineTitle[],
): PageBlock[] {
  const skip = new Set(dropLines);
  for (const r of regions) for (const i of r.captionLines) skip.add(i);
  const elements: Element[] = [];
  // text inside a figure stays with the figure (labels, cells, a boxed note), never dropped
  const inFigure = regions.map(() => [] as TextLine[]);
  layout.lines.forEach((line, i) => {
    if (skip.has(i) || !line.text) return;
    const home = regions.findIndex((r) => insideRegion(line, r.bbox));
    if (home >= 0) {
      inFigure[home].push(line);
      return;
    }
    if (line.rotated) return;
    elements.push({ bbox: line.bbox, line });
  });
  for (const figure of regions) elements.push({ bbox: figure.bbox, figure });

  const rightToLeft = mostlyRightToLeft(layout.lines.map((l) => l.text).join(" "));
  const ordered = readingOrder(elements, scale.bodySize, rightToLeft);
  const blocks: PageBlock[] = [];
  let run: OrderedItem<TextLine>[] = [];
  let figureNo = 0;
  const flushText = () => {
    const paragraphs = buildParagraphs(run, scale.bodySize);
    paragraphs.forEach((p, k) => {
      let style = headingStyle(p, scale, outline);
      // emphasis inside a sentence is no heading: the text before it runs on into the text after it
      if (style?.emphasisOnly) {
        const before = paragraphs[k - 1]?.text.trim();
        const after = paragraphs[k + 1]?.text.trim();
        if (before && !SENTENCE_END.test(before) && after && /^\p{Ll}/u.test(after)) style = undefined;
      }
      blocks.push(style ? { type: "heading", level: 1, text: p.text, style } : { type: "paragraph", text: p.text });
    });
    run = [];
  };
  for (const o of ordered) {
    if (o.item.line) {
      run.push({ item: o.item.line, leaf: o.leaf, leafX: o.leafX });
      continue;
    }
    flushText();
    const region = o.item.figure!;
    figureNo++;
    const inner = figureText(inFigure[regions.indexOf(region)], scale.bodySize);
    blocks.push({
      type: "figure",
      id: `p${layout.number}-f${figureNo}`,
      // a ruled drawing whose text falls into rows and columns, or that its caption calls a table,
      // is a table (a picture is counted apart from tables, as readers and Docling count them)
      kind: region.kind === "vector" && (inner?.table || captionKind(region.caption ?? "") === "table") ? "table" : region.kind,
      bbox: region.bbox.map((v) => Math.round(v * 10) / 10) as BBox,
      ...(region.caption ? { caption: region.caption } : {}),
      ...(inner ? { text: inner.text } : {}),
      ...(region.minTextPx ? { minTextPx: region.minTextPx } : {}),
      region,
    });
  }
  flushText();
  return placeInserts(blocks);
}
