/**
 * Cross-page figure decisions: drop decorations (tiny marks, images repeated on 3+ pages,
 * backgrounds under text, frames), merge fragments and drawing into regions a reader would call
 * one figure, attach captions, and turn scanned or unreadable pages into one page-scan region.
 */
import type { BBox } from "../../model/document.js";
import { bodyFontSize } from "../layout/headings.js";
import type { FigureRegion, PageLayout, TextLine } from "../types.js";
import type { DrawingCluster, ImagePlacement, PageFigureCandidates } from "./analyze.js";
import { findCaptions, type Caption } from "./captions.js";
import { area, clusterBoxes, gapBetween, height, intersect, overlapArea, union, width, xOverlap } from "./geometry.js";
import { minTextPxFromLines, minTextPxOfScan } from "./legibility.js";

/** The same image (or vector drawing) on this many pages is a logo or ornament. */
const REPEAT_PAGES = 3;
/** Image fragments and drawings closer than this (points) are one figure. */
const MERGE_GAP = 6;
/** A region smaller than this (points²) or thinner than MIN_SIDE is a mark, not a figure. */
const MIN_AREA = 1800;
const MIN_SIDE = 18;
/**
 * A lone picture below MIN_AREA is still one (a seal, a QR code, a portrait) when it is at least
 * this wide and high (points) and its source has the pixels to show something; icons and bullets
 * are smaller or coarser.
 */
const SMALL_PICTURE_SIDE = 24;
const SMALL_PICTURE_PX = 64;
/** Row rules of one table are at most this far apart (points): a row of a few wrapped lines. */
const ROW_GAP = 48;

interface Element {
  bbox: BBox;
  image?: ImagePlacement;
  drawing?: DrawingCluster;
  /** drawing that looks like a chart or diagram on its own */
  figureLike: boolean;
  /** plain rules/boxes with text inside (tables, framed text) or hollow frames: joins nothing */
  textBox: boolean;
  /** drawn shapes (curves, gradients, detailed outlines) clear of text, too small to be a figure alone */
  shapes?: boolean;
  /** of those, painted with a gradient or pattern, or one solid shape: a picture, not lettering */
  pictorial?: boolean;
}

interface Group {
  bbox: BBox;
  elements: Element[];
  caption?: Caption;
  /** small drawn pieces that together make a picture (an emblem beside its wordmark) */
  composite?: boolean;
}

export function selectFigures(candidates: PageFigureCandidates[], layouts: PageLayout[]): FigureRegion[][] {
  const repeated = repeatedKeys(candidates);
  // labels and legends are set smaller than running text
  const bodySize = bodyFontSize(layouts.filter((l) => l.textLayer));
  return candidates.map((c, i) => selectPageFigures(c, layouts[i], repeated, bodySize));
}

function drawingKey(d: DrawingCluster): string {
  return `d${d.paths}:${d.bbox.map((v) => Math.round(v / 2)).join(",")}`;
}

/** Fingerprints of images and drawings that occur on REPEAT_PAGES or more pages. */
function repeatedKeys(candidates: PageFigureCandidates[]): Set<string> {
  const pages = new Map<string, number>();
  for (const c of candidates) {
    const keys = new Set<string>([...c.images.map((im) => im.fingerprint), ...c.drawings.map(drawingKey)]);
    for (const k of keys) pages.set(k, (pages.get(k) ?? 0) + 1);
  }
  return new Set([...pages].filter(([, n]) => n >= REPEAT_PAGES).map(([k]) => k));
}

/** Share of a box covered by text lines (lines clipped to the box). */
function textCoverage(box: BBox, lines: TextLine[]): number {
  let covered = 0;
  for (const l of lines) covered += overlapArea(box, l.bbox);
  return covered / Math.max(1, area(box));
}

function linesInside(box: BBox, lines: TextLine[]): number {
  let n = 0;
  for (const l of lines) if (overlapArea(box, l.bbox) > 0.5 * area(l.bbox)) n++;
  return n;
}

function selectPageFigures(c: PageFigureCandidates, layout: PageLayout, repeated: Set<string>, bodySize: number): FigureRegion[] {
  const pageArea = c.width * c.height;
  const pageBox: BBox = [0, 0, c.width, c.height];
  const lines = layout.lines;

  const images = dedupeImages(c.images).filter((im) => !repeated.has(im.fingerprint));
  // a scanner gives every page an image of the same size at the same place: on a page without
  // text, one that large is the page, not a repeated logo
  const pageImages = layout.textLayer
    ? images
    : dedupeImages(c.images).filter((im) => !repeated.has(im.fingerprint) || area(im.bbox) >= 0.5 * pageArea);
  const imageCover = pageImages.reduce((s, im) => s + area(im.bbox), 0) / pageArea;
  const biggest = pageImages.reduce<ImagePlacement | undefined>((b, im) => (!b || area(im.bbox) > area(b.bbox) ? im : b), undefined);

  // Scanned page, or glyphs without usable text: the reader needs the page as an image.
  // (a page whose only glyphs are a page number is not worth an image)
  if (!layout.textLayer && (imageCover >= 0.5 || c.textOps >= 10 || lines.length >= 3)) {
    // its text is pixels only: assume the document's body size until the render measures it
    const scan: FigureRegion = { bbox: pageBox, kind: "page-scan", captionLines: [], minTextPx: minTextPxOfScan(pageBox, bodySize) };
    if (biggest && area(biggest.bbox) >= 0.5 * pageArea) {
      const s = sourceScale(biggest);
      if (s) scan.sourceScale = s;
    }
    return [scan];
  }

  const elements: Element[] = [];
  for (const im of images) {
    // an image under most of the page with text over it is a background (or an OCR'd scan
    // whose text layer is already the content)
    const inside = linesInside(im.bbox, lines);
    if (area(im.bbox) >= 0.5 * pageArea && inside >= 5) continue;
    // a tinted box behind a paragraph is a background too
    if (inside >= 3 && textCoverage(im.bbox, lines) >= 0.1) continue;
    elements.push({ bbox: im.bbox, image: im, figureLike: false, textBox: false });
  }
  // (repeated drawings are ornaments; one over most of the page is its frame)
  const drawings = stackRules(c.drawings.filter((d) => !repeated.has(drawingKey(d)) && area(d.bbox) < 0.85 * pageArea));
  // lone rules and boxes are not figures, but a legend's swatches are part of its chart
  const marks: BBox[] = [];
  for (const d of drawings) {
    if (width(d.bbox) < 1.5 && height(d.bbox) < 1.5) continue;
    // a gradient or a patterned area is content on its own, however simple its outline
    const painted = (d.paintedPaths ?? 0) > 0;
    const trivial = d.paths <= 2 && d.shapedPaths === 0 && !painted; // a rule or a box
    if (trivial) {
      marks.push(d.bbox);
      continue;
    }
    const cover = textCoverage(d.bbox, lines);
    // a tinted panel or band (a few plain filled shapes, rounded corners at most) with text set on
    // it is a background: its text is read as text, it is no figure
    if (isBackgroundPanel(d, cover, linesInside(d.bbox, lines))) continue;
    const big = width(d.bbox) >= 24 && height(d.bbox) >= 20 && area(d.bbox) >= MIN_AREA;
    const onlyRules = d.shapedPaths <= Math.max(1, d.paths * 0.1);
    // rules around empty space: a frame or a ruled table, its box is not its ink
    const hollow = onlyRules && d.inkArea < 0.25 * area(d.bbox);
    // one filled shape with some detail (a star, a map outline, an arrow) drawn apart from the text
    const solidShape = d.paths <= 2 && d.shapedPaths >= 1 && d.filledPaths >= 1 && d.segments >= 8;
    const figureLike =
      big &&
      ((onlyRules ? d.paths >= 6 && cover < 0.15 && !hollow : cover < 0.5 && d.segments >= 8) || ((painted || solidShape) && cover < 0.15));
    const textBox = onlyRules && (cover >= 0.15 || hollow);
    const shapes = !figureLike && !textBox && cover < 0.15 && (painted || solidShape || (!onlyRules && d.segments >= 8));
    elements.push({ bbox: d.bbox, drawing: d, figureLike, textBox, shapes, pictorial: shapes && (painted || solidShape) });
  }

  const captions = findCaptions(
    lines,
    elements.map((e) => e.bbox),
  );
  const used = new Set<number>();
  for (const cap of captions) for (const i of cap.lines) used.add(i);

  // merge fragments that touch or nearly touch; framed text does not glue things together
  const joinable = elements.filter((e) => !e.textBox);
  const groups: Group[] = clusterBoxes(
    joinable.map((e) => e.bbox),
    MERGE_GAP,
  ).map((idx) => {
    const els = idx.map((i) => joinable[i]);
    const bbox = els.map((e) => e.bbox).reduce(union);
    // pieces each too small to count (a logo's emblem and its lettering) count together when
    // they are all drawn shapes, one of them is pictorial (lettering drawn as outlines alone is
    // not) and no text is set over them
    const composite = els.length >= 2 && els.every((e) => e.shapes) && els.some((e) => e.pictorial) && textCoverage(bbox, lines) < 0.15;
    return { bbox, elements: els, composite };
  });
  for (const e of elements) if (e.textBox) groups.push({ bbox: e.bbox, elements: [e] });
  // a chart's title, legend and tick labels are part of it, and they can sit between the drawing
  // and its caption: take them in before looking for captions
  for (const g of groups)
    if (g.elements.some((e) => e.figureLike && e.drawing)) g.bbox = absorbLabels(g.bbox, lines, used, bodySize, marks);

  // each group goes with the nearest caption on its kind's usual side (figures below, tables
  // above) with no body text in between; only captions left without a group look the other way
  for (const g of groups) g.caption = nearestCaption(g, groups, captions, lines, used, "usual");
  const claimed = new Set(groups.map((g) => g.caption).filter((c) => c));
  const unclaimed = captions.filter((c) => !claimed.has(c));
  for (const g of groups) g.caption ??= nearestCaption(g, groups, unclaimed, lines, used, "other");

  // groups sharing a caption are the parts of one figure
  const byCaption = new Map<Caption, Group[]>();
  const loose: Group[] = [];
  for (const g of groups) {
    if (g.caption) {
      const list = byCaption.get(g.caption) ?? [];
      list.push(g);
      byCaption.set(g.caption, list);
    } else loose.push(g);
  }
  const figures: Group[] = [];
  for (const [cap, gs] of byCaption) {
    const merged: Group = {
      bbox: gs.map((g) => g.bbox).reduce(union),
      elements: gs.flatMap((g) => g.elements),
      caption: cap,
      composite: gs.some((g) => g.composite),
    };
    if (isFigure(merged, pageArea, true)) figures.push(merged);
    else loose.push(...gs.map((g) => ({ ...g, caption: undefined })));
  }
  for (const g of loose) if (isFigure(g, pageArea, false)) figures.push(g);

  // a frame drawn around a figure belongs to it
  for (const f of figures) {
    for (const e of elements) {
      if (!e.textBox || f.elements.includes(e)) continue;
      const ov = overlapArea(e.bbox, f.bbox);
      if (ov >= 0.9 * area(f.bbox) && area(f.bbox) >= 0.6 * area(e.bbox)) f.bbox = union(f.bbox, e.bbox);
    }
  }
  // labels just outside a drawing (axis titles, legends) belong to the figure; text beside a
  // picture is not a label
  for (const f of figures) if (f.elements.some((e) => e.drawing && !e.textBox)) f.bbox = absorbLabels(f.bbox, lines, used, bodySize, marks);
  const mergedFigures = mergeOverlapping(figures);

  return mergedFigures
    .sort((a, b) => a.bbox[1] - b.bbox[1] || a.bbox[0] - b.bbox[0])
    .map((f) => {
      const region = toRegion(f, pageBox);
      const need = minTextPxFromLines(region.bbox, lines, new Set(region.captionLines));
      if (need !== undefined) region.minTextPx = need;
      return region;
    });
}

function isBackgroundPanel(d: DrawingCluster, cover: number, linesOn: number): boolean {
  return (
    d.paths <= 6 && d.filledPaths >= 1 && d.segments <= 24 * d.paths && d.inkArea >= 0.6 * area(d.bbox) && linesOn >= 2 && cover >= 0.08
  );
}

function dedupeImages(images: ImagePlacement[]): ImagePlacement[] {
  const seen = new Set<string>();
  return images.filter((im) => {
    const k = `${im.fingerprint}|${im.bbox.map((v) => Math.round(v)).join(",")}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function sourceScale(im: ImagePlacement): number | undefined {
  if (!im.pixelWidth || !im.pixelHeight) return undefined;
  return Math.max(im.pixelWidth / Math.max(1, width(im.bbox)), im.pixelHeight / Math.max(1, height(im.bbox)));
}

function isFigure(g: Group, pageArea: number, captioned: boolean): boolean {
  if (smallPicture(g)) return true;
  if (area(g.bbox) < MIN_AREA || width(g.bbox) < MIN_SIDE || height(g.bbox) < MIN_SIDE) return false;
  const imageArea = g.elements.reduce((s, e) => s + (e.image ? area(e.bbox) : 0), 0);
  const hasDrawing = g.composite === true || g.elements.some((e) => e.figureLike);
  if (!g.elements.some((e) => e.image) && area(g.bbox) >= 0.85 * pageArea) return false;
  if (imageArea >= MIN_AREA || hasDrawing) return true;
  // a captioned ruled drawing ("Figure 9" drawn as a table, or a "Table 2" exhibit) is a figure
  // when it has some substance; an uncaptioned ruled table is just text
  return captioned && g.caption !== undefined && g.elements.some((e) => e.drawing && e.drawing.paths >= 4);
}

function smallPicture(g: Group): boolean {
  const im = g.elements.length === 1 ? g.elements[0].image : undefined;
  if (!im || im.mask) return false;
  const w = width(im.bbox);
  const h = height(im.bbox);
  return w >= SMALL_PICTURE_SIDE && h >= SMALL_PICTURE_SIDE && im.pixelWidth >= SMALL_PICTURE_PX && im.pixelHeight >= SMALL_PICTURE_PX;
}

function nearestCaption(
  g: Group,
  groups: Group[],
  captions: Caption[],
  lines: TextLine[],
  used: Set<number>,
  side: "usual" | "other",
): Caption | undefined {
  let best: { cap: Caption; score: number } | undefined;
  const pictorial = g.elements.some((e) => e.image || e.figureLike);
  for (const cap of captions) {
    const cb = cap.bbox;
    if (xOverlap(g.bbox, cb) < Math.min(20, width(cb) * 0.5)) continue;
    const below = cb[1] >= g.bbox[3] - 4;
    const above = cb[3] <= g.bbox[1] + 4;
    if (!below && !above) continue;
    if ((below === (cap.kind === "figure")) !== (side === "usual")) continue;
    const dist = below ? cb[1] - g.bbox[3] : g.bbox[1] - cb[3];
    if (dist > 200) continue;
    const band: BBox = below
      ? [Math.max(g.bbox[0], cb[0]), g.bbox[3], Math.min(g.bbox[2], cb[2]), cb[1]]
      : [Math.max(g.bbox[0], cb[0]), cb[3], Math.min(g.bbox[2], cb[2]), g.bbox[1]];
    if (bodyTextBetween(band, groups, lines, used)) continue;
    // a picture prefers a figure caption, a ruled grid a table caption
    const score = dist + (cap.kind === (pictorial ? "table" : "figure") ? 20 : 0);
    if (!best || score < best.score) best = { cap, score };
  }
  return best?.cap;
}

/** True when running text (not figure labels) lies in the band between a drawing and a caption. */
function bodyTextBetween(band: BBox, groups: Group[], lines: TextLine[], used: Set<number>): boolean {
  if (band[3] - band[1] < 2) return false;
  for (let i = 0; i < lines.length; i++) {
    if (used.has(i)) continue;
    const l = lines[i];
    const mid = (l.bbox[1] + l.bbox[3]) / 2;
    if (mid <= band[1] || mid >= band[3] || xOverlap(l.bbox, band) <= 0) continue;
    if (groups.some((g) => overlapArea(g.bbox, l.bbox) > 0.5 * area(l.bbox))) continue;
    // labels are short; a line of running text is not
    if (width(l.bbox) >= 120) return true;
  }
  return false;
}

/**
 * Grows a figure box over its labels: text lines inside it, short lines touching it, and small
 * type (titles, legends, tick labels) close beside it; then over the legend swatches touching
 * the grown box. Running text is neither short nor small, so it stays out.
 */
function absorbLabels(box: BBox, lines: TextLine[], used: Set<number>, bodySize: number, marks: BBox[]): BBox {
  let b = box;
  for (let pass = 0; pass < 3; pass++) {
    let next = b;
    for (let i = 0; i < lines.length; i++) {
      if (used.has(i)) continue;
      const l = lines[i];
      const gap = gapBetween(b, l.bbox);
      if (gap > 24) continue;
      const inside = overlapArea(b, l.bbox) >= 0.5 * area(l.bbox);
      const short = width(l.bbox) <= Math.max(60, 0.5 * width(b));
      const fs = l.fontSize || height(l.bbox);
      const small = fs < 0.85 * bodySize;
      // a title or a row of labels above or below the drawing, within its width (a row can come
      // as one wide line: "Jan Feb … Dec")
      const overUnder = xOverlap(b, l.bbox) > 0 && l.bbox[0] >= b[0] - 2 * fs && l.bbox[2] <= b[2] + 2 * fs;
      // or beside its rows
      const beside = Math.min(b[3], l.bbox[3]) > Math.max(b[1], l.bbox[1]) && width(l.bbox) <= 0.8 * width(b);
      if (inside || (short && gap <= 8) || (small && ((overUnder && gap <= 2 * fs) || (beside && gap <= 8)))) next = union(next, l.bbox);
    }
    for (const m of marks) if (gapBetween(next, m) <= 2 && area(m) <= 0.05 * area(next)) next = union(next, m);
    if (next.every((v, k) => v === b[k])) break;
    b = next;
  }
  return b;
}

/** Row rules of one table (same left and right ends, stacked closely) become one drawing. */
function stackRules(drawings: DrawingCluster[]): DrawingCluster[] {
  const isRule = (d: DrawingCluster) => d.shapedPaths === 0 && width(d.bbox) >= 60 && width(d.bbox) >= 3 * height(d.bbox);
  const rules = drawings.filter(isRule).sort((a, b) => a.bbox[1] - b.bbox[1]);
  if (rules.length < 3) return drawings;
  const stacks: DrawingCluster[][] = [];
  // stacks whose last rule is more than a row above cannot grow: keep only the open ones to search
  let open: DrawingCluster[][] = [];
  for (const r of rules) {
    open = open.filter((st) => r.bbox[1] - st[st.length - 1].bbox[3] <= ROW_GAP);
    const s = open.find((st) => {
      const last = st[st.length - 1].bbox;
      const gap = r.bbox[1] - last[3];
      return Math.abs(r.bbox[0] - last[0]) <= 6 && Math.abs(r.bbox[2] - last[2]) <= 6 && gap > -1 && gap <= ROW_GAP;
    });
    if (s) s.push(r);
    else {
      stacks.push([r]);
      open.push(stacks[stacks.length - 1]);
    }
  }
  const merged = new Set<DrawingCluster>();
  const out: DrawingCluster[] = [];
  for (const st of stacks) {
    if (st.length < 3) continue;
    for (const d of st) merged.add(d);
    out.push(
      st.reduce((acc, d) => ({
        bbox: union(acc.bbox, d.bbox),
        paths: acc.paths + d.paths,
        segments: acc.segments + d.segments,
        shapedPaths: acc.shapedPaths + d.shapedPaths,
        rulePaths: acc.rulePaths + d.rulePaths,
        filledPaths: acc.filledPaths + d.filledPaths,
        inkArea: acc.inkArea + d.inkArea,
      })),
    );
  }
  return merged.size ? [...drawings.filter((d) => !merged.has(d)), ...out] : drawings;
}

function mergeOverlapping(figs: Group[]): Group[] {
  let list = figs;
  for (let changed = true; changed;) {
    changed = false;
    const out: Group[] = [];
    for (const f of list) {
      const hit = out.find((o) => {
        const i = intersect(o.bbox, f.bbox);
        return i && area(i) > 0.2 * Math.min(area(o.bbox), area(f.bbox));
      });
      if (hit) {
        hit.bbox = union(hit.bbox, f.bbox);
        hit.elements.push(...f.elements);
        hit.caption ??= f.caption;
        changed = true;
      } else out.push({ ...f, elements: [...f.elements] });
    }
    list = out;
  }
  return list;
}

function toRegion(f: Group, pageBox: BBox): FigureRegion {
  const hasImage = f.elements.some((e) => e.image);
  // a frame around a picture does not make it line art
  const hasDrawing = f.elements.some((e) => e.drawing && !e.textBox && (e.figureLike || e.drawing.paths >= 4));
  const kind = hasImage && hasDrawing ? "mixed" : hasImage ? "raster" : "vector";
  // (a captioned ruled drawing with no picture stays "vector")
  const bbox = intersect(f.bbox, pageBox) ?? f.bbox;
  const region: FigureRegion = { bbox, kind, captionLines: f.caption ? [...f.caption.lines] : [] };
  if (f.caption) region.caption = f.caption.text;
  // the main (largest) picture sets the detail worth rendering; a tiny dense fragment does not
  const main = f.elements
    .filter((e) => e.image && e.image.pixelWidth > 0)
    .reduce<Element | undefined>((b, e) => (!b || area(e.bbox) > area(b.bbox) ? e : b), undefined);
  const s = main?.image ? sourceScale(main.image) : undefined;
  if (s) region.sourceScale = s;
  return region;
}
