/**
 * textItemsFromOperatorList: a page's text items (what pdf.js's getTextContent returns) built from
 * the glyphs of its operator list, which the figure pass needs anyway — so the content stream is
 * parsed once instead of twice. The text-state tracking and the spacing rules (where a space or a
 * new item starts) follow pdf.js 5's getTextContent step by step, so the items come out the same.
 * Unlike pdf.js, right-to-left glyphs are left in the order they are drawn (visual order, left to
 * right on the page): the layout puts whole lines into logical order, where an item's bidi
 * reordering alone would scramble lines that mix scripts.
 * Returns undefined for what is not ported (vertical writing, Type3 fonts, a font without data):
 * the caller then asks pdf.js for the text content of that page.
 */
import { multiply as transform } from "../figures/geometry.js";
import { normalizeUnicode, OPS } from "./load.js";

/** the fields of pdf.js's TextItem that the layout reads */
export interface PlainTextItem {
  str: string;
  /** text space to page space at the item's start (PDF user space, y up) */
  transform: number[];
  width: number;
  height: number;
  /** pdf.js's loaded font id (page.commonObjs key) */
  fontName: string;
  hasEOL: boolean;
}

/** font data as page.commonObjs holds it after the operator list loaded the fonts */
export interface GlyphFont {
  name?: string;
  vertical?: boolean;
  isType3Font?: boolean;
  fontMatrix?: ArrayLike<number>;
}

interface OperatorList {
  fnArray: ArrayLike<number>;
  argsArray: unknown[];
}

interface Glyph {
  originalCharCode?: number;
  unicode: string;
  width: number;
}

type Matrix = number[];

// operator codes as constants: a switch over property reads would compare them one by one
const {
  beginAnnotation: op_beginAnnotation,
  beginGroup: op_beginGroup,
  beginMarkedContent: op_beginMarkedContent,
  beginMarkedContentProps: op_beginMarkedContentProps,
  beginText: op_beginText,
  endAnnotation: op_endAnnotation,
  endGroup: op_endGroup,
  endMarkedContent: op_endMarkedContent,
  moveText: op_moveText,
  nextLine: op_nextLine,
  paintFormXObjectBegin: op_paintFormXObjectBegin,
  paintFormXObjectEnd: op_paintFormXObjectEnd,
  paintImageMaskXObject: op_paintImageMaskXObject,
  paintImageMaskXObjectGroup: op_paintImageMaskXObjectGroup,
  paintImageMaskXObjectRepeat: op_paintImageMaskXObjectRepeat,
  paintImageXObject: op_paintImageXObject,
  paintImageXObjectRepeat: op_paintImageXObjectRepeat,
  paintSolidColorImageMask: op_paintSolidColorImageMask,
  restore: op_restore,
  save: op_save,
  setCharSpacing: op_setCharSpacing,
  setFont: op_setFont,
  setGState: op_setGState,
  setHScale: op_setHScale,
  setLeading: op_setLeading,
  setLeadingMoveText: op_setLeadingMoveText,
  setTextMatrix: op_setTextMatrix,
  setTextRise: op_setTextRise,
  setWordSpacing: op_setWordSpacing,
  showSpacedText: op_showSpacedText,
  showText: op_showText,
  transform: op_transform,
} = OPS;
/** operators that change the text state or end a text item; the rest (paths, colours…) are skipped */
const RELEVANT = new Uint8Array(256);
for (const op of [
  op_beginAnnotation,
  op_beginMarkedContent,
  op_beginMarkedContentProps,
  op_beginText,
  op_endMarkedContent,
  op_moveText,
  op_nextLine,
  op_paintFormXObjectBegin,
  op_paintFormXObjectEnd,
  op_paintImageMaskXObject,
  op_paintImageMaskXObjectGroup,
  op_paintImageMaskXObjectRepeat,
  op_paintImageXObject,
  op_paintImageXObjectRepeat,
  op_paintSolidColorImageMask,
  op_restore,
  op_save,
  op_setCharSpacing,
  op_setFont,
  op_setGState,
  op_setHScale,
  op_setLeading,
  op_setLeadingMoveText,
  op_setTextMatrix,
  op_setTextRise,
  op_setWordSpacing,
  op_showSpacedText,
  op_showText,
  op_transform,
])
  RELEVANT[op] = 1;

const FONT_IDENTITY_MATRIX = [0.001, 0, 0, 0.001, 0, 0];
// pdf.js's thresholds, in units of the font size (see its getTextContent)
const TRACKING_SPACE_FACTOR = 0.102;
const NOT_A_SPACE_FACTOR = 0.03;
const NEGATIVE_SPACE_FACTOR = -0.2;
const SPACE_IN_FLOW_MIN_FACTOR = 0.102;
const SPACE_IN_FLOW_MAX_FACTOR = 0.6;
const VERTICAL_SHIFT_RATIO = 0.25;

class Unsupported extends Error {}

/**
 * pdf.js hands text matrices and form matrices over as Float32Array; its text extraction works on
 * the numbers as written. The shortest decimal that rounds to the float is what a producer wrote
 * (they print few digits), so this recovers the written number and the items' exact positions.
 */
function unfloat32(x: number): number {
  if (Number.isInteger(x)) return x;
  for (let p = 1; p < 9; p++) {
    const d = Number(x.toPrecision(p));
    if (Math.fround(d) === x) return d;
  }
  return x;
}
const unfloat32Matrix = (m: ArrayLike<number>): Matrix => [
  unfloat32(m[0]),
  unfloat32(m[1]),
  unfloat32(m[2]),
  unfloat32(m[3]),
  unfloat32(m[4]),
  unfloat32(m[5]),
];

/** pdf.js's glyph categories (whitespace, zero-width diacritic, invisible format mark) */
const SPECIAL_CHAR = /^(\s)|(\p{Mn})|(\p{Cf})$/u;
interface Category {
  isWhitespace: boolean;
  isZeroWidthDiacritic: boolean;
  isInvisibleFormatMark: boolean;
}
const categories = new Map<string, Category>();
const PLAIN: Category = { isWhitespace: false, isZeroWidthDiacritic: false, isInvisibleFormatMark: false };
function categoryOf(char: string): Category {
  if (char.length === 1) {
    const code = char.charCodeAt(0);
    if (code > 0x20 && code < 0x7f) return PLAIN;
  }
  let c = categories.get(char);
  if (!c) {
    const groups = char.match(SPECIAL_CHAR);
    c = { isWhitespace: !!groups?.[1], isZeroWidthDiacritic: !!groups?.[2], isInvisibleFormatMark: !!groups?.[3] };
    categories.set(char, c);
  }
  return c;
}

class TextState {
  ctm: Matrix = [1, 0, 0, 1, 0, 0];
  /** the font as last set by Tf (null after a gs font), compared to decide when an item ends */
  fontName: string | null = null;
  loadedName: string | null = null;
  font: GlyphFont | null = null;
  fontSize = 0;
  fontMatrix: ArrayLike<number> = FONT_IDENTITY_MATRIX;
  textMatrix: Matrix = [1, 0, 0, 1, 0, 0];
  textLineMatrix: Matrix = [1, 0, 0, 1, 0, 0];
  charSpacing = 0;
  wordSpacing = 0;
  leading = 0;
  textHScale = 1;
  textRise = 0;

  translateTextMatrix(x: number, y: number) {
    const m = this.textMatrix;
    m[4] = m[0] * x + m[2] * y + m[4];
    m[5] = m[1] * x + m[3] * y + m[5];
  }
  translateTextLineMatrix(x: number, y: number) {
    const m = this.textLineMatrix;
    m[4] = m[0] * x + m[2] * y + m[4];
    m[5] = m[1] * x + m[3] * y + m[5];
  }
  carriageReturn() {
    this.translateTextLineMatrix(0, -this.leading);
    this.textMatrix = this.textLineMatrix.slice();
  }
  clone(): TextState {
    const c = Object.assign(new TextState(), this);
    c.textMatrix = this.textMatrix.slice();
    c.textLineMatrix = this.textLineMatrix.slice();
    return c;
  }
}

/** One content stream (the page or a form XObject): pdf.js runs getTextContent once per stream. */
class StreamText {
  state: TextState;
  private readonly stack: TextState[] = [];
  /** pdf.js's currentTextState: the font the open item was started with */
  private current?: TextState;
  private readonly item = {
    initialized: false,
    str: [] as string[],
    totalWidth: 0,
    totalHeight: 0,
    width: 0,
    height: 0,
    /** the text transform after the last glyph (reused array: copied when an item keeps it) */
    prevTransform: null as Matrix | null,
    prevTextRise: 0,
    textAdvanceScale: 0,
    spaceInFlowMin: 0,
    spaceInFlowMax: 0,
    trackingSpaceMin: Infinity,
    negativeSpaceMax: -Infinity,
    notASpace: -Infinity,
    transform: null as Matrix | null,
    fontName: "",
    hasEOL: false,
  };
  private readonly lastChars = [" ", " "];
  private lastCharsPos = 0;

  constructor(
    state: TextState,
    private readonly items: PlainTextItem[],
    private readonly viewBox: ArrayLike<number>,
  ) {
    this.state = state;
  }

  save() {
    this.stack.push(this.state);
    this.state = this.state.clone();
  }
  restore() {
    const prev = this.stack.pop();
    if (prev) this.state = prev;
  }
  /** called before each operator, as pdf.js's loop sets currentTextState on its first one */
  touch() {
    this.current ??= this.state.clone();
  }

  private saveLastChar(char: string): boolean {
    const nextPos = (this.lastCharsPos + 1) % 2;
    const ret = this.lastChars[this.lastCharsPos] !== " " && this.lastChars[nextPos] === " ";
    this.lastChars[this.lastCharsPos] = char;
    this.lastCharsPos = nextPos;
    return ret;
  }
  private shouldAddWhitespace(): boolean {
    return this.lastChars[this.lastCharsPos] !== " " && this.lastChars[(this.lastCharsPos + 1) % 2] === " ";
  }
  private resetLastChars() {
    this.lastChars[0] = this.lastChars[1] = " ";
    this.lastCharsPos = 0;
  }

  private pushWhitespace(width: number, transform: Matrix | null = this.item.prevTransform, fontName = this.item.fontName) {
    this.items.push({
      str: " ",
      width,
      height: 0,
      transform: transform ? transform.slice() : this.currentTextTransform(),
      fontName,
      hasEOL: false,
    });
  }

  /** pdf.js's getCurrentTextTransform, written into out (one per glyph: no allocation) */
  private currentTextTransform(out: Matrix = [0, 0, 0, 0, 0, 0]): Matrix {
    const s = this.state;
    const tm = s.textMatrix;
    const a = s.fontSize * s.textHScale;
    const d = s.fontSize;
    const f = s.textRise;
    // textMatrix × [a 0 0 d 0 f], then the CTM; the same operations in the same order as pdf.js
    const t0 = tm[0] * a,
      t1 = tm[1] * a,
      t2 = tm[2] * d,
      t3 = tm[3] * d;
    const t4 = tm[2] * f + tm[4],
      t5 = tm[3] * f + tm[5];
    const m = s.ctm;
    out[0] = m[0] * t0 + m[2] * t1;
    out[1] = m[1] * t0 + m[3] * t1;
    out[2] = m[0] * t2 + m[2] * t3;
    out[3] = m[1] * t2 + m[3] * t3;
    out[4] = m[0] * t4 + m[2] * t5 + m[4];
    out[5] = m[1] * t4 + m[3] * t5 + m[5];
    return out;
  }
  private readonly scratch: Matrix = [0, 0, 0, 0, 0, 0];

  private ensureItem() {
    const item = this.item;
    if (item.initialized) return item;
    const s = this.state;
    item.fontName = s.loadedName!;
    const trm = (item.transform = this.currentTextTransform());
    item.width = item.totalWidth = 0;
    item.height = item.totalHeight = Math.hypot(trm[2], trm[3]);
    const scaleLineX = Math.hypot(s.textLineMatrix[0], s.textLineMatrix[1]);
    const scaleCtmX = Math.hypot(s.ctm[0], s.ctm[1]);
    item.textAdvanceScale = scaleCtmX * scaleLineX;
    const { fontSize } = s;
    item.trackingSpaceMin = fontSize * TRACKING_SPACE_FACTOR;
    item.notASpace = fontSize * NOT_A_SPACE_FACTOR;
    item.negativeSpaceMax = fontSize * NEGATIVE_SPACE_FACTOR;
    item.spaceInFlowMin = fontSize * SPACE_IN_FLOW_MIN_FACTOR;
    item.spaceInFlowMax = fontSize * SPACE_IN_FLOW_MAX_FACTOR;
    item.hasEOL = false;
    item.initialized = true;
    return item;
  }

  updateAdvanceScale() {
    const item = this.item;
    if (!item.initialized) return;
    const s = this.state;
    const scale = Math.hypot(s.ctm[0], s.ctm[1]) * Math.hypot(s.textLineMatrix[0], s.textLineMatrix[1]);
    if (scale === item.textAdvanceScale) return;
    item.totalWidth += item.width * item.textAdvanceScale;
    item.width = 0;
    item.textAdvanceScale = scale;
  }

  flush() {
    const item = this.item;
    if (!item.initialized) return;
    item.totalWidth += item.width * item.textAdvanceScale;
    this.items.push({
      str: normalize(item.str.join("")),
      width: Math.abs(item.totalWidth),
      height: Math.abs(item.totalHeight),
      transform: item.transform!,
      fontName: item.fontName,
      hasEOL: item.hasEOL,
    });
    item.initialized = false;
    item.str.length = 0;
  }

  private appendEOL() {
    this.resetLastChars();
    if (this.item.initialized) {
      this.item.hasEOL = true;
      this.flush();
    }
    // else pdf.js pushes an empty end-of-line item, which the layout skips
  }

  private addFakeSpaces(width: number, prevTransform: Matrix | null, orientation: number): boolean {
    const item = this.item;
    if (orientation * item.spaceInFlowMin <= width && width <= orientation * item.spaceInFlowMax) {
      if (item.initialized) {
        this.resetLastChars();
        item.str.push(" ");
      }
      return false;
    }
    const fontName = item.fontName;
    this.flush();
    this.resetLastChars();
    this.pushWhitespace(Math.abs(width), prevTransform ?? this.currentTextTransform(), fontName);
    return true;
  }

  /** false when the glyph lies outside the page (pdf.js drops it) */
  private compareWithLastPosition(glyphWidth: number): boolean {
    const currentTransform = this.currentTextTransform(this.scratch);
    let posX = currentTransform[4];
    let posY = currentTransform[5];
    const vb = this.viewBox;
    if (posX + glyphWidth < vb[0] || posX > vb[2] || posY < vb[1] || posY > vb[3]) return false;
    const item = this.item;
    if (!this.state.font || !item.prevTransform) return true;
    let lastPosX = item.prevTransform[4];
    let lastPosY = item.prevTransform[5];
    if (lastPosX === posX && lastPosY === posY) return true;
    let rotate = -1;
    if (currentTransform[0] && currentTransform[1] === 0 && currentTransform[2] === 0) {
      rotate = currentTransform[0] > 0 ? 0 : 180;
    } else if (currentTransform[1] && currentTransform[0] === 0 && currentTransform[3] === 0) {
      rotate = currentTransform[1] > 0 ? 90 : 270;
    }
    switch (rotate) {
      case 0:
        break;
      case 90:
        [posX, posY] = [posY, posX];
        [lastPosX, lastPosY] = [lastPosY, lastPosX];
        break;
      case 180:
        [posX, posY, lastPosX, lastPosY] = [-posX, -posY, -lastPosX, -lastPosY];
        break;
      case 270:
        [posX, posY] = [-posY, -posX];
        [lastPosX, lastPosY] = [-lastPosY, -lastPosX];
        break;
      default:
        [posX, posY] = inverseRotation(posX, posY, currentTransform);
        [lastPosX, lastPosY] = inverseRotation(lastPosX, lastPosY, item.prevTransform);
    }
    const advanceX = (posX - lastPosX) / item.textAdvanceScale;
    const advanceY = posY - lastPosY;
    const orientation = Math.sign(item.width || item.totalWidth);
    if (advanceX < orientation * item.negativeSpaceMax) {
      if (Math.abs(advanceY) > 0.5 * item.height) {
        this.appendEOL();
        return true;
      }
      this.resetLastChars();
      this.flush();
      return true;
    }
    const riseDelta = this.state.textRise - item.prevTextRise;
    const advanceYCorrected = riseDelta === 0 ? advanceY : advanceY - (currentTransform[3] / this.state.fontSize) * riseDelta;
    if (Math.abs(advanceYCorrected) > item.height) {
      this.appendEOL();
      return true;
    }
    if (advanceX <= orientation * item.notASpace) this.resetLastChars();
    if (advanceX <= orientation * item.trackingSpaceMin) {
      if (this.shouldAddWhitespace()) {
        this.resetLastChars();
        this.flush();
        this.pushWhitespace(Math.abs(advanceX));
      } else {
        item.width += advanceX;
      }
    } else if (!this.addFakeSpaces(advanceX, item.prevTransform, orientation)) {
      if (item.str.length === 0) {
        this.resetLastChars();
        this.pushWhitespace(Math.abs(advanceX));
      } else {
        item.width += advanceX;
      }
    }
    if (Math.abs(advanceY) > item.height * VERTICAL_SHIFT_RATIO) this.flush();
    return true;
  }

  /** pdf.js's buildTextContentItem: one run of glyphs, then extra spacing after the last one */
  showGlyphs(glyphs: Glyph[], extraSpacing: number) {
    const s = this.state;
    const cur = this.current!;
    if (
      cur.fontSize !== s.fontSize ||
      (cur.fontName !== s.fontName && (cur.font?.name !== s.font!.name || !!cur.font?.vertical !== !!s.font!.vertical))
    ) {
      this.flush();
      this.current = s.clone();
    }
    const baseCharSpacing = s.charSpacing;
    if (glyphs.length === 0) {
      const charSpacing = baseCharSpacing + extraSpacing;
      if (charSpacing) s.translateTextMatrix(charSpacing * s.textHScale, 0);
      return;
    }
    const scale = s.fontMatrix[0] * s.fontSize;
    for (let i = 0, ii = glyphs.length; i < ii; i++) {
      const glyph = glyphs[i];
      const unicode = glyph.unicode;
      const category = categoryOf(unicode);
      if (category.isInvisibleFormatMark) continue;
      let charSpacing = baseCharSpacing + (i + 1 === ii ? extraSpacing : 0);
      let scaledDim = glyph.width * scale;
      if (glyph.originalCharCode === 0x20) charSpacing += s.wordSpacing;
      if (category.isWhitespace) {
        charSpacing += scaledDim;
        s.translateTextMatrix(charSpacing * s.textHScale, 0);
        this.saveLastChar(" ");
        continue;
      }
      if (!category.isZeroWidthDiacritic && !this.compareWithLastPosition(scaledDim)) {
        s.translateTextMatrix(scaledDim * s.textHScale, 0);
        continue;
      }
      const item = this.ensureItem();
      if (category.isZeroWidthDiacritic) scaledDim = 0;
      scaledDim *= s.textHScale;
      s.translateTextMatrix(scaledDim, 0);
      item.width += scaledDim;
      if (scaledDim) {
        item.prevTransform = this.currentTextTransform(item.prevTransform ?? undefined);
        item.prevTextRise = s.textRise;
      }
      if (this.saveLastChar(unicode)) item.str.push(" ");
      item.str.push(unicode);
      if (charSpacing) s.translateTextMatrix(charSpacing * s.textHScale, 0);
    }
  }
}

/** pdf.js's normalizeUnicode touches ligatures and compatibility forms only: plain text skips it */
function normalize(text: string): string {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0xa0) return normalizeUnicode(text);
  }
  return text;
}

function inverseRotation(x: number, y: number, m: Matrix): [number, number] {
  const scale = Math.hypot(m[0], m[1]);
  return [(m[0] * x + m[1] * y) / scale, (m[2] * x + m[3] * y) / scale];
}

/**
 * The page's text items, or undefined when the page needs pdf.js's own text extraction.
 * fontOf returns the loaded font for a pdf.js font id (undefined when it is not loaded).
 */
export function textItemsFromOperatorList(
  opList: OperatorList,
  fontOf: (loadedName: string) => GlyphFont | undefined,
  viewBox: ArrayLike<number>,
): PlainTextItem[] | undefined {
  const items: PlainTextItem[] = [];
  const streams: StreamText[] = [new StreamText(new TextState(), items, viewBox)];
  let st = streams[0];
  const { fnArray, argsArray } = opList;
  let inAnnotation = 0;
  // soft-mask groups: pdf.js draws them into the operator list, its text extraction never reads them
  const groups: boolean[] = [];
  let maskDepth = 0;

  const setFont = (loadedName: string, size: number, fontName: string | null) => {
    const font = fontOf(loadedName);
    if (!font) throw new Unsupported(`font ${loadedName} not loaded`);
    if (font.vertical || font.isType3Font) throw new Unsupported("vertical or Type3 font");
    const s = st.state;
    s.fontName = fontName;
    s.fontSize = size;
    s.loadedName = loadedName;
    s.font = font;
    s.fontMatrix = font.fontMatrix ?? FONT_IDENTITY_MATRIX;
  };

  try {
    for (let i = 0, n = fnArray.length; i < n; i++) {
      const fn = fnArray[i];
      const args = argsArray[i] as unknown[];
      if (inAnnotation) {
        if (fn === op_beginAnnotation) inAnnotation++;
        else if (fn === op_endAnnotation) inAnnotation--;
        continue;
      }
      if (fn === op_beginGroup || fn === op_endGroup) {
        if (fn === op_beginGroup) {
          const isMask = !!(args[0] as { smask?: unknown } | undefined)?.smask;
          groups.push(isMask);
          if (isMask) maskDepth++;
        } else if (groups.pop()) {
          maskDepth--;
        }
        continue;
      }
      if (maskDepth || !RELEVANT[fn]) continue;
      st.touch();
      const s = st.state;
      switch (fn) {
        case op_beginAnnotation:
          inAnnotation = 1;
          break;
        case op_save:
          st.save();
          break;
        case op_restore:
          st.restore();
          break;
        case op_transform:
          s.ctm = transform(s.ctm, args as number[]);
          break;
        case op_setFont: {
          const [name, size] = args as [string, number];
          if (s.font && name === s.fontName && size === s.fontSize) break;
          setFont(name, size, name);
          break;
        }
        case op_setGState:
          for (const [key, value] of args[0] as [string, unknown][]) {
            if (key !== "Font") continue;
            const [name, size] = value as [string, number];
            st.flush();
            setFont(name, size, null);
          }
          break;
        case op_setTextRise:
          s.textRise = args[0] as number;
          break;
        case op_setHScale:
          s.textHScale = (args[0] as number) / 100;
          break;
        case op_setLeading:
          s.leading = args[0] as number;
          break;
        case op_moveText:
          s.translateTextLineMatrix(args[0] as number, args[1] as number);
          s.textMatrix = s.textLineMatrix.slice();
          break;
        case op_setLeadingMoveText:
          s.leading = -(args[1] as number);
          s.translateTextLineMatrix(args[0] as number, args[1] as number);
          s.textMatrix = s.textLineMatrix.slice();
          break;
        case op_nextLine:
          s.carriageReturn();
          break;
        case op_setTextMatrix: {
          const m = unfloat32Matrix((args[0] instanceof Float32Array ? args[0] : args) as ArrayLike<number>);
          s.textMatrix = m;
          s.textLineMatrix = m.slice();
          st.updateAdvanceScale();
          break;
        }
        case op_setCharSpacing:
          s.charSpacing = args[0] as number;
          break;
        case op_setWordSpacing:
          s.wordSpacing = args[0] as number;
          break;
        case op_beginText:
          s.textMatrix = [1, 0, 0, 1, 0, 0];
          s.textLineMatrix = [1, 0, 0, 1, 0, 0];
          break;
        case op_showText:
        case op_showSpacedText: {
          if (!s.font) throw new Unsupported("text without a font");
          const elements = args[0] as (Glyph | number)[];
          const spaceFactor = -s.fontSize / 1000;
          let run: Glyph[] = [];
          for (const el of elements) {
            if (typeof el === "number") {
              if (el === 0) continue;
              st.showGlyphs(run, el * spaceFactor);
              run = [];
            } else if (el) {
              run.push(el);
            }
          }
          if (run.length) st.showGlyphs(run, 0);
          break;
        }
        case op_paintFormXObjectBegin: {
          st.flush();
          const state = s.clone();
          const matrix = args[0] as ArrayLike<number> | null;
          if (matrix) state.ctm = transform(state.ctm, unfloat32Matrix(matrix));
          st = new StreamText(state, items, viewBox);
          streams.push(st);
          break;
        }
        case op_paintFormXObjectEnd:
          if (streams.length > 1) {
            st.flush();
            streams.pop();
            st = streams[streams.length - 1];
          }
          break;
        case op_paintImageXObject:
        case op_paintImageXObjectRepeat:
        case op_paintImageMaskXObject:
        case op_paintImageMaskXObjectGroup:
        case op_paintImageMaskXObjectRepeat:
        case op_paintSolidColorImageMask:
        case op_beginMarkedContent:
        case op_beginMarkedContentProps:
        case op_endMarkedContent:
          st.flush();
          break;
      }
    }
    for (let k = streams.length - 1; k >= 0; k--) streams[k].flush();
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  return items;
}
