/**
 * A figure is rendered from the whole page's operator list onto a canvas the size of the figure,
 * so pdf.js draws every glyph of the page's text glyph by glyph (outlines, in Node), nearly all of
 * it off the canvas; and OCR layers over scans are drawn in invisible mode. That text was a quarter
 * to a third of a figure-heavy document's extraction. This filter drops text pdf.js would draw
 * nowhere on the canvas, following its text state (CanvasGraphics) op by op.
 *
 * Dropping a showText also drops its advance, which the next showText of the same line starts
 * from, so runs are dropped a whole segment at a time: the showTexts up to the next operator that
 * sets the position afresh (BT, ET, Tm, Td, TD, T*), and only when every one of them is invisible
 * or off the canvas. Anything not followed exactly (Type3 or vertical fonts, clipping text modes,
 * graphics state changes inside a segment, annotations) is drawn as before.
 */
import { multiply, type Matrix } from "./geometry.js";
import { OPS } from "../pdfjs/load.js";

export interface CullOperatorList {
  fnArray: ArrayLike<number>;
  argsArray: ArrayLike<unknown>;
  lastChunk?: boolean;
}

/** what the filter reads of a loaded font (page.commonObjs) */
export interface CullFont {
  fontMatrix?: ArrayLike<number>;
  vertical?: boolean;
  isType3Font?: boolean;
}

interface Glyph {
  width: number;
  isSpace?: boolean;
}

interface TextState {
  ctm: Matrix;
  textMatrix: Matrix | null;
  x: number;
  y: number;
  lineX: number;
  lineY: number;
  font: CullFont | null;
  fontSize: number;
  fontDirection: number;
  fontMatrix0: number;
  charSpacing: number;
  wordSpacing: number;
  hScale: number;
  leading: number;
  rise: number;
  mode: number;
  /** the position is not followed (after a Type3 or vertical run) until it is set afresh */
  lost: boolean;
}

const INVISIBLE = 3;
const CLIP_FLAG = 4;
// pdf.js draws no glyph further than this many font sizes from its position (generous: em boxes are 1)
const GLYPH_REACH = 2;
/** pixels of canvas margin that still count as on the canvas */
const EDGE = 2;

const {
  beginAnnotation: op_beginAnnotation,
  beginGroup: op_beginGroup,
  beginMarkedContent: op_beginMarkedContent,
  beginMarkedContentProps: op_beginMarkedContentProps,
  beginText: op_beginText,
  dependency: op_dependency,
  endGroup: op_endGroup,
  endMarkedContent: op_endMarkedContent,
  endText: op_endText,
  moveText: op_moveText,
  nextLine: op_nextLine,
  paintFormXObjectBegin: op_paintFormXObjectBegin,
  paintFormXObjectEnd: op_paintFormXObjectEnd,
  restore: op_restore,
  save: op_save,
  setCharSpacing: op_setCharSpacing,
  setFillCMYKColor: op_setFillCMYKColor,
  setFillGray: op_setFillGray,
  setFillRGBColor: op_setFillRGBColor,
  setFont: op_setFont,
  setGState: op_setGState,
  setHScale: op_setHScale,
  setLeading: op_setLeading,
  setLeadingMoveText: op_setLeadingMoveText,
  setStrokeCMYKColor: op_setStrokeCMYKColor,
  setStrokeGray: op_setStrokeGray,
  setStrokeRGBColor: op_setStrokeRGBColor,
  setTextMatrix: op_setTextMatrix,
  setTextRenderingMode: op_setTextRenderingMode,
  setTextRise: op_setTextRise,
  setWordSpacing: op_setWordSpacing,
  showSpacedText: op_showSpacedText,
  showText: op_showText,
  transform: op_transform,
} = OPS;

/** operators that end a segment: the next showText starts from a position set afresh */
const RESETS = new Set([op_beginText, op_endText, op_setTextMatrix, op_moveText, op_setLeadingMoveText, op_nextLine]);
/** operators that may sit between the showTexts of one segment without breaking it */
const IN_SEGMENT = new Set([
  op_showText,
  op_showSpacedText,
  op_setFont,
  op_setGState,
  op_setCharSpacing,
  op_setWordSpacing,
  op_setHScale,
  op_setTextRise,
  op_setTextRenderingMode,
  op_setLeading,
  op_setFillRGBColor,
  op_setFillGray,
  op_setFillCMYKColor,
  op_setStrokeRGBColor,
  op_setStrokeGray,
  op_setStrokeCMYKColor,
  op_dependency,
  op_beginMarkedContent,
  op_beginMarkedContentProps,
  op_endMarkedContent,
]);

export interface TextCull {
  /** pdf.js `operationsFilter`: false for an operator not to run */
  filter(index: number): boolean;
  /** showText operators dropped so far */
  readonly dropped: number;
}

/**
 * @param operatorList the render's operator list as it grows (undefined before it exists)
 * @param fontOf the loaded font for a pdf.js font id, undefined when not (yet) loaded
 * @param deviceTransform the viewport's transform (page space to canvas pixels)
 */
export function cullOffCanvasText(
  operatorList: () => CullOperatorList | undefined,
  fontOf: (loadedName: string) => CullFont | undefined,
  deviceTransform: ArrayLike<number>,
  width: number,
  height: number,
): TextCull {
  let state: TextState = {
    ctm: Array.from(deviceTransform) as Matrix,
    textMatrix: null,
    x: 0,
    y: 0,
    lineX: 0,
    lineY: 0,
    font: null,
    fontSize: 0,
    fontDirection: 1,
    fontMatrix0: 0.001,
    charSpacing: 0,
    wordSpacing: 0,
    hScale: 1,
    leading: 0,
    rise: 0,
    mode: 0,
    lost: false,
  };
  const stack: TextState[] = [];
  /** decisions for showText operators already judged with their segment */
  const draw = new Map<number, boolean>();
  let next = 0;
  let dropped = 0;
  // annotations reset pdf.js's state in ways not followed here: from the first one on, all is drawn
  let stopped = false;

  const apply = (s: TextState, fn: number, args: unknown[] | null, drawn: boolean): TextState => {
    switch (fn) {
      case op_save:
      case op_beginGroup:
      case op_paintFormXObjectBegin: {
        stack.push(s);
        const c = { ...s };
        const m =
          fn === op_paintFormXObjectBegin
            ? (args?.[0] as ArrayLike<number> | null)
            : fn === op_beginGroup
              ? (args?.[0] as { matrix?: ArrayLike<number> })?.matrix
              : null;
        if (m) c.ctm = multiply(c.ctm, m);
        return c;
      }
      case op_restore:
      case op_endGroup:
      case op_paintFormXObjectEnd:
        return stack.pop() ?? s;
      case op_transform:
        s.ctm = multiply(s.ctm, args as number[]);
        return s;
      case op_beginText:
        s.textMatrix = null;
        s.x = s.lineX = s.y = s.lineY = 0;
        s.lost = false;
        return s;
      case op_setTextMatrix: {
        const m = (args?.[0] instanceof Float32Array || Array.isArray(args?.[0]) ? args[0] : args) as ArrayLike<number>;
        s.textMatrix = Array.from(m).slice(0, 6) as Matrix;
        s.x = s.lineX = s.y = s.lineY = 0;
        s.lost = false;
        return s;
      }
      // a line move starts from the line's start, which no run advances: the position is known again
      case op_moveText:
        s.x = s.lineX += args![0] as number;
        s.y = s.lineY += args![1] as number;
        s.lost = false;
        return s;
      case op_setLeadingMoveText:
        s.leading = args![1] as number;
        s.x = s.lineX += args![0] as number;
        s.y = s.lineY += args![1] as number;
        s.lost = false;
        return s;
      case op_nextLine:
        s.x = s.lineX;
        s.y = s.lineY += s.leading;
        s.lost = false;
        return s;
      case op_setLeading:
        s.leading = -(args![0] as number);
        return s;
      case op_setFont:
        setFont(s, args![0] as string, args![1] as number);
        return s;
      case op_setGState:
        for (const [key, value] of (args?.[0] ?? []) as [string, unknown][]) {
          if (key === "Font") setFont(s, (value as [string, number])[0], (value as [string, number])[1]);
        }
        return s;
      case op_setCharSpacing:
        s.charSpacing = args![0] as number;
        return s;
      case op_setWordSpacing:
        s.wordSpacing = args![0] as number;
        return s;
      case op_setHScale:
        s.hScale = (args![0] as number) / 100;
        return s;
      case op_setTextRise:
        s.rise = args![0] as number;
        return s;
      case op_setTextRenderingMode:
        s.mode = args![0] as number;
        return s;
      case op_showText:
      case op_showSpacedText:
        if (drawn) advance(s, args![0] as (Glyph | number)[]);
        return s;
      default:
        return s;
    }
  };

  const setFont = (s: TextState, name: string, size: number) => {
    const font = fontOf(name) ?? null;
    s.font = font;
    s.fontMatrix0 = font?.fontMatrix?.[0] ?? 0.001;
    s.fontDirection = size < 0 ? -1 : 1;
    s.fontSize = Math.abs(size);
  };

  /** pdf.js's showText advance; returns the run's x range (before the horizontal scale) */
  const advance = (s: TextState, glyphs: (Glyph | number)[]): [number, number] => {
    const font = s.font;
    if (s.fontSize === 0) return [0, 0]; // pdf.js returns before moving
    if (!font || font.isType3Font || font.vertical) {
      // an invisible Type3 run does not move either; other cases are not followed
      if (!(font?.isType3Font && (s.mode & 3) === INVISIBLE)) s.lost = true;
      return [0, 0];
    }
    const scale = s.fontSize * s.fontMatrix0;
    let x = 0,
      lo = 0,
      hi = 0;
    for (const g of glyphs) {
      if (typeof g === "number") {
        x -= (g * s.fontSize) / 1000;
        continue;
      }
      if (!g) continue;
      const spacing = (g.isSpace ? s.wordSpacing : 0) + s.charSpacing;
      const end = x + g.width * scale;
      lo = Math.min(lo, x, end);
      hi = Math.max(hi, x, end);
      x += g.width * scale + spacing * s.fontDirection;
    }
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
    s.x += x * s.hScale * s.fontDirection;
    return [lo, hi];
  };

  /** true when the run draws nothing on the canvas; s is the state before it and is advanced */
  const drawsNothing = (s: TextState, glyphs: (Glyph | number)[]): boolean | undefined => {
    const font = s.font;
    if (!font || s.lost) return undefined;
    if ((s.mode & CLIP_FLAG) !== 0) return undefined;
    if (s.fontSize === 0) return true;
    if (font.isType3Font) return (s.mode & 3) === INVISIBLE ? true : undefined;
    if (font.vertical) return undefined;
    const x0 = s.x,
      y0 = s.y + s.rise;
    const [lo, hi] = advance(s, glyphs);
    if ((s.mode & 3) === INVISIBLE) return true;
    const h = s.hScale * s.fontDirection;
    const reach = GLYPH_REACH * s.fontSize;
    const m = s.textMatrix ? multiply(s.ctm, s.textMatrix) : s.ctm;
    const xs = [x0 + lo * h - reach, x0 + hi * h + reach];
    const ys = [y0 - reach, y0 + reach];
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const tx of xs) {
      for (const ty of ys) {
        const dx = m[0] * tx + m[2] * ty + m[4];
        const dy = m[1] * tx + m[3] * ty + m[5];
        minX = Math.min(minX, dx);
        maxX = Math.max(maxX, dx);
        minY = Math.min(minY, dy);
        maxY = Math.max(maxY, dy);
      }
    }
    if (!Number.isFinite(minX + minY + maxX + maxY)) return undefined;
    return maxX < -EDGE || minX > width + EDGE || maxY < -EDGE || minY > height + EDGE;
  };

  /** Judges the segment that starts with the showText at `start`: all dropped, or all drawn. */
  const judge = (ops: CullOperatorList, start: number): void => {
    const s: TextState = { ...state };
    const shows: number[] = [];
    let droppable = true;
    let i = start;
    for (; i < ops.fnArray.length; i++) {
      const fn = ops.fnArray[i];
      if (RESETS.has(fn)) break;
      if (!IN_SEGMENT.has(fn)) break;
      const args = ops.argsArray[i] as unknown[] | null;
      if (fn === op_showText || fn === op_showSpacedText) {
        shows.push(i);
        if (droppable && drawsNothing(s, args![0] as (Glyph | number)[]) !== true) droppable = false;
      } else {
        apply(s, fn, args, true);
      }
    }
    // the segment's end is not known yet (more operators to come): draw it
    if (i === ops.fnArray.length && !ops.lastChunk) droppable = false;
    // a segment that ends in something other than a fresh position hands its advance on: draw it
    if (i < ops.fnArray.length && !RESETS.has(ops.fnArray[i])) droppable = false;
    for (const k of shows) draw.set(k, !droppable);
  };

  return {
    get dropped() {
      return dropped;
    },
    filter(index: number): boolean {
      if (stopped) return true;
      const ops = operatorList();
      if (!ops) return true;
      while (next < index) {
        const fn = ops.fnArray[next];
        if (fn === op_beginAnnotation) {
          stopped = true;
          return true;
        }
        state = apply(state, fn, ops.argsArray[next] as unknown[] | null, draw.get(next) ?? true);
        next++;
      }
      const fn = ops.fnArray[index];
      if (fn === op_beginAnnotation) {
        stopped = true;
        return true;
      }
      if (fn !== op_showText && fn !== op_showSpacedText) return true;
      if (!draw.has(index)) judge(ops, index);
      const yes = draw.get(index) ?? true;
      if (!yes) dropped++;
      return yes;
    },
  };
}
