/**
 * One walk over a page's operator list: where images are painted and where vector paths are
 * drawn, in top-left page coordinates (the viewport at scale 1, rotation applied).
 */
import { ANALYSIS_OPERATOR_LIST, OPS, type PDFPageProxy } from "../pdfjs/load.js";
import type { BBox } from "../../model/document.js";
import type { PageLayout } from "../types.js";
import { area, clusterBoxes, height, intersect, multiply, transformBox, union, width, type Matrix } from "./geometry.js";

/** One painted image, in page space (top-left origin, points). */
export interface ImagePlacement {
  bbox: BBox;
  /** pixel size of the source image */
  pixelWidth: number;
  pixelHeight: number;
  /** the same for the same image on other pages: pixel size and painted size */
  fingerprint: string;
  /** stencil mask (paintImageMaskXObject): one colour, shape only */
  mask: boolean;
}

/** A cluster of touching vector paths, in page space. */
export interface DrawingCluster {
  bbox: BBox;
  /** painted paths in the cluster */
  paths: number;
  /** path segments (lines and curves) */
  segments: number;
  /** paths that contain curves or slanted lines (charts, diagrams — not table rules) */
  shapedPaths: number;
  /** paths that are a single axis-aligned rectangle or line (rules, boxes, bars) */
  rulePaths: number;
  /** filled paths */
  filledPaths: number;
  /** summed box area of the paths: small against the cluster's box for frames and ruled tables */
  inkArea: number;
  /** areas painted with a shading or a pattern (gradients, hatching): content, not rules */
  paintedPaths?: number;
}

/** Per-page figure evidence; plain data so it can cross worker threads. */
export interface PageFigureCandidates {
  page: number;
  width: number;
  height: number;
  images: ImagePlacement[];
  drawings: DrawingCluster[];
  /** text-showing operators seen (glyphs painted, whatever their text layer says) */
  textOps: number;
  /** notes the orchestrator should add to document warnings */
  warnings: string[];
}

interface GState {
  ctm: Matrix;
  clip: BBox | null;
  fill: string;
  stroke: string;
  /** the fill colour is a pattern (tiling or shading) */
  fillPattern?: boolean;
}

interface PathMark {
  bbox: BBox;
  segments: number;
  shaped: boolean;
  rule: boolean;
  filled: boolean;
  /** painted with a shading or pattern */
  painted?: boolean;
}

/** Paths closer than this (points) belong to one drawing. */
const PATH_GAP = 4;
/** Past this many painted paths on a page, finer analysis is not worth its time. */
const MAX_PATHS = 20000;

const FILL_OPS = new Set<number>([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke, OPS.closeFillStroke, OPS.closeEOFillStroke]);
const STROKE_OPS = new Set<number>([
  OPS.stroke,
  OPS.closeStroke,
  OPS.fillStroke,
  OPS.eoFillStroke,
  OPS.closeFillStroke,
  OPS.closeEOFillStroke,
]);
const TEXT_OPS = new Set<number>([OPS.showText, OPS.showSpacedText, OPS.nextLineShowText, OPS.nextLineSetSpacingShowText]);

// DrawOPS codes inside constructPath buffers (pdf.js 5)
const D_MOVE = 0;
const D_LINE = 1;
const D_CURVE = 2;
const D_QUAD = 3;
const D_CLOSE = 4;

/** Describes a constructPath buffer: segment count, and whether it is one axis-aligned rect/line. */
function describePath(buf: ArrayLike<number>): { segments: number; shaped: boolean; rule: boolean } {
  let segments = 0;
  let moves = 0;
  let shaped = false;
  let px = 0;
  let py = 0;
  for (let k = 0; k < buf.length;) {
    const op = buf[k++];
    if (op === D_MOVE) {
      moves++;
      px = buf[k];
      py = buf[k + 1];
      k += 2;
    } else if (op === D_LINE) {
      const x = buf[k];
      const y = buf[k + 1];
      if (Math.abs(x - px) > 0.5 && Math.abs(y - py) > 0.5) shaped = true;
      px = x;
      py = y;
      segments++;
      k += 2;
    } else if (op === D_CURVE) {
      shaped = true;
      segments++;
      px = buf[k + 4];
      py = buf[k + 5];
      k += 6;
    } else if (op === D_QUAD) {
      shaped = true;
      segments++;
      px = buf[k + 2];
      py = buf[k + 3];
      k += 4;
    } else if (op === D_CLOSE) {
      segments++;
    } else {
      break; // unknown code: stop rather than misread
    }
  }
  return { segments, shaped, rule: !shaped && moves <= 1 && segments <= 5 };
}

function isWhite(color: string): boolean {
  return color.toLowerCase() === "#ffffff";
}

export async function analyzePageFigures(page: PDFPageProxy, layout: PageLayout): Promise<PageFigureCandidates> {
  const viewport = page.getViewport({ scale: 1 });
  const pageBox: BBox = [0, 0, viewport.width, viewport.height];
  const ops = await page.getOperatorList(ANALYSIS_OPERATOR_LIST);
  const { fnArray, argsArray } = ops;

  let st: GState = { ctm: [...viewport.transform] as Matrix, clip: pageBox, fill: "#000000", stroke: "#000000" };
  const stack: GState[] = [];
  const images: ImagePlacement[] = [];
  const paths: PathMark[] = [];
  const warnings: string[] = [];
  let textOps = 0;
  let pendingClip = false;
  let annotationDepth = 0;
  let tooManyPaths = false;

  const addImage = (m: Matrix, pixelWidth: number, pixelHeight: number, mask: boolean) => {
    const raw = transformBox(m, 0, 0, 1, 1);
    const bbox = st.clip ? intersect(raw, st.clip) : raw;
    if (!bbox) return;
    images.push({
      bbox,
      pixelWidth,
      pixelHeight,
      mask,
      fingerprint: `${mask ? "m" : "i"}${pixelWidth}x${pixelHeight}@${Math.round(width(raw))}x${Math.round(height(raw))}`,
    });
  };
  const addPath = (bbox: BBox, mark: Omit<PathMark, "bbox">) => {
    const clipped = st.clip ? intersect(bbox, st.clip) : bbox;
    if (!clipped && !(width(bbox) < 0.01 || height(bbox) < 0.01)) return;
    // hairlines have an empty box: keep them by growing to a visible width
    const b = clipped ?? [bbox[0] - 0.25, bbox[1] - 0.25, bbox[2] + 0.25, bbox[3] + 0.25];
    if (paths.length >= MAX_PATHS) {
      tooManyPaths = true;
      return;
    }
    paths.push({ bbox: b, ...mark });
  };

  for (let i = 0; i < fnArray.length; i++) {
    const fn = fnArray[i];
    const args = argsArray[i];
    if (fn === OPS.beginAnnotation) {
      annotationDepth++;
      continue;
    }
    if (fn === OPS.endAnnotation) {
      annotationDepth = Math.max(0, annotationDepth - 1);
      continue;
    }
    if (annotationDepth > 0) continue; // form fields and notes are not figures
    switch (fn) {
      case OPS.save:
      case OPS.paintFormXObjectBegin:
        stack.push(st);
        st = { ...st };
        if (fn === OPS.paintFormXObjectBegin) {
          const [matrix, bbox] = args as [number[] | null, number[] | null];
          if (matrix) st.ctm = multiply(st.ctm, matrix);
          if (bbox) {
            const b = transformBox(st.ctm, bbox[0], bbox[1], bbox[2], bbox[3]);
            st.clip = st.clip ? (intersect(st.clip, b) ?? [0, 0, 0, 0]) : b;
          }
        }
        break;
      case OPS.restore:
      case OPS.paintFormXObjectEnd:
        st = stack.pop() ?? st;
        break;
      case OPS.transform:
        st.ctm = multiply(st.ctm, args as number[]);
        break;
      case OPS.setFillRGBColor:
        st.fill = String(args[0]);
        st.fillPattern = false;
        break;
      case OPS.setFillColorN:
        // a pattern's IR starts with its kind ("TilingPattern", "RadialAxial", "Mesh"…)
        st.fillPattern = typeof (args as unknown[])[0] === "string";
        break;
      case OPS.setStrokeRGBColor:
        st.stroke = String(args[0]);
        break;
      case OPS.clip:
      case OPS.eoClip:
        pendingClip = true;
        break;
      case OPS.constructPath: {
        const [paintOp, data, minMax] = args as [number, [ArrayLike<number> | null], ArrayLike<number> | null];
        if (!minMax || !Number.isFinite(minMax[0])) {
          pendingClip = false;
          break;
        }
        const bbox = transformBox(st.ctm, minMax[0], minMax[1], minMax[2], minMax[3]);
        if (pendingClip) {
          st.clip = st.clip ? (intersect(st.clip, bbox) ?? [0, 0, 0, 0]) : bbox;
          pendingClip = false;
        }
        const filled = FILL_OPS.has(paintOp);
        const stroked = STROKE_OPS.has(paintOp);
        if (!filled && !stroked) break;
        // white on white paints nothing a reader sees
        const painted = filled && st.fillPattern === true;
        if ((!filled || (isWhite(st.fill) && !painted)) && (!stroked || isWhite(st.stroke))) break;
        const d = data[0] ? describePath(data[0]) : { segments: 1, shaped: false, rule: true };
        addPath(bbox, { ...d, filled, painted });
        break;
      }
      case OPS.shadingFill:
        if (st.clip) addPath(st.clip, { segments: 1, shaped: true, rule: false, filled: true, painted: true });
        break;
      case OPS.paintImageXObject: {
        const [, w, h] = args as [string, number, number];
        addImage(st.ctm, w, h, false);
        break;
      }
      case OPS.paintInlineImageXObject: {
        const [img] = args as [{ width: number; height: number }];
        addImage(st.ctm, img.width, img.height, false);
        break;
      }
      case OPS.paintImageMaskXObject: {
        const [img] = args as [{ width: number; height: number }];
        addImage(st.ctm, img.width, img.height, true);
        break;
      }
      case OPS.paintSolidColorImageMask:
        addPath(transformBox(st.ctm, 0, 0, 1, 1), { segments: 4, shaped: false, rule: true, filled: true });
        break;
      case OPS.paintImageXObjectRepeat: {
        const [objId, scaleX, scaleY, positions] = args as [string, number, number, number[]];
        void objId;
        for (let k = 0; k + 1 < positions.length; k += 2) {
          addImage(multiply(st.ctm, [scaleX, 0, 0, scaleY, positions[k], positions[k + 1]]), 0, 0, false);
        }
        break;
      }
      case OPS.paintImageMaskXObjectRepeat: {
        const [img, scaleX, skewX, skewY, scaleY, positions] = args as [
          { width: number; height: number },
          number,
          number,
          number,
          number,
          number[],
        ];
        for (let k = 0; k + 1 < positions.length; k += 2) {
          const m = multiply(st.ctm, [scaleX, skewX ?? 0, skewY ?? 0, scaleY, positions[k], positions[k + 1]]);
          addImage(m, img.width, img.height, true);
        }
        break;
      }
      case OPS.paintImageMaskXObjectGroup: {
        const [group] = args as [Array<{ width: number; height: number; transform: number[] }>];
        for (const img of group) addImage(multiply(st.ctm, img.transform), img.width, img.height, true);
        break;
      }
      case OPS.paintInlineImageXObjectGroup: {
        const [img, map] = args as [{ width: number; height: number }, Array<{ transform: number[]; w: number; h: number }>];
        void img;
        for (const entry of map) addImage(multiply(st.ctm, entry.transform), entry.w, entry.h, false);
        break;
      }
      default:
        if (TEXT_OPS.has(fn)) textOps++;
    }
  }
  if (tooManyPaths) warnings.push(`page ${layout.number}: more than ${MAX_PATHS} vector paths; only the first were analysed for figures`);

  return {
    page: layout.number,
    width: viewport.width,
    height: viewport.height,
    images: images.filter((im) => area(im.bbox) > 0.5),
    drawings: clusterPaths(paths, viewport.width * viewport.height),
    textOps,
    warnings,
  };
}

function clusterPaths(all: PathMark[], pageArea: number): DrawingCluster[] {
  // a plain rectangle over a large part of the page is a frame or background: it would glue
  // everything inside it into one cluster
  const paths = all.filter((p) => !(p.rule && area(p.bbox) > 0.3 * pageArea));
  if (paths.length === 0) return [];
  const groups = clusterBoxes(
    paths.map((p) => p.bbox),
    PATH_GAP,
  );
  return groups.map((g) => {
    let bbox = paths[g[0]].bbox;
    const c: DrawingCluster = { bbox, paths: 0, segments: 0, shapedPaths: 0, rulePaths: 0, filledPaths: 0, inkArea: 0, paintedPaths: 0 };
    for (const i of g) {
      const p = paths[i];
      bbox = union(bbox, p.bbox);
      c.paths++;
      c.segments += p.segments;
      if (p.shaped) c.shapedPaths++;
      if (p.rule) c.rulePaths++;
      if (p.filled) c.filledPaths++;
      if (p.painted) c.paintedPaths = (c.paintedPaths ?? 0) + 1;
      c.inkArea += area(p.bbox);
    }
    c.bbox = bbox;
    return c;
  });
}
