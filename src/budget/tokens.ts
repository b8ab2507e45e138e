import { getEncoding, type Tiktoken } from "js-tiktoken";
import type { ProfileData } from "./profiles.js";

let encoder: Tiktoken | undefined;
let pretokenizer: RegExp | undefined;
/** o200k_base, built once per process (building the rank table takes a few hundred ms). */
function o200k(): Tiktoken {
  if (!encoder) {
    encoder = getEncoding("o200k_base");
    // the encoder's own pre-split pattern (not in its public types); BPE never merges across its pieces
    pretokenizer = new RegExp((encoder as unknown as { patStr: string }).patStr, "gu");
  }
  return encoder;
}

// Natural text repeats its words: memoising the token count of each pre-split piece makes counting
// several times faster than encoding everything. Bounded so a huge odd document cannot grow it forever.
const pieceMemo = new Map<string, number>();
const PIECE_MEMO_LIMIT = 500_000;

// BPE merging is quadratic in a piece's length; a run without spaces this long (base64, a row of
// dots, a URL list) is counted in slices, which can only over-count by about one token per slice.
const LONG_PIECE = 64;

function countLongPiece(piece: string, enc: Tiktoken): number {
  let n = 0;
  for (let i = 0; i < piece.length; i += LONG_PIECE) n += enc.encode(piece.slice(i, i + LONG_PIECE), [], []).length;
  return n;
}

/**
 * o200k_base token count of the text (special-token strings in it are counted as plain text).
 * Counts per pre-split piece, which is exactly how the encoder works, so the sum is the encoder's count.
 */
export function countTextTokens(text: string): number {
  if (text.length === 0) return 0;
  const enc = o200k();
  let total = 0;
  for (const match of text.matchAll(pretokenizer!)) {
    const piece = match[0];
    if (piece.length > LONG_PIECE) {
      total += countLongPiece(piece, enc);
      continue;
    }
    let n = pieceMemo.get(piece);
    if (n === undefined) {
      n = enc.encode(piece, [], []).length;
      if (pieceMemo.size >= PIECE_MEMO_LIMIT) pieceMemo.clear();
      pieceMemo.set(piece, n);
    }
    total += n;
  }
  return total;
}

/** Estimated model tokens of a text: o200k count times the profile's safety factor, rounded up. */
export function estimateTextTokens(text: string, profile: Pick<ProfileData, "safetyFactor">): number {
  return Math.ceil(countTextTokens(text) * profile.safetyFactor);
}

/** Size of an image after scaling (keeping aspect, never up) so its longest side is ≤ maxSide. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const longest = Math.max(width, height);
  if (longest <= maxSide) return { width, height };
  const scale = maxSide / longest;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * Image tokens per the Pixtral-style encoder (DESIGN.md §4): scale to the profile's max side,
 * then one token per patch plus one break/end token per row of patches.
 */
export function imageTokens(width: number, height: number, profile: Pick<ProfileData, "image">): number {
  const { width: w, height: h } = fitWithin(width, height, profile.image.maxSide);
  const cols = Math.ceil(w / profile.image.patch);
  const rows = Math.ceil(h / profile.image.patch);
  return (cols + 1) * rows;
}

/**
 * Tokens kept free below the window: the text estimate can be a little low, and a real server
 * answers a prompt plus max_tokens past the window with a 400.
 */
export function windowMargin(window: number): number {
  return Math.max(256, Math.ceil(window * 0.01));
}

/** How far below the actual count a prompt estimate may fall before the answer's room shrinks. */
export const ESTIMATE_SLACK = 1.02;

/**
 * The most (estimated) prompt tokens a request may be planned with, so that the whole output
 * reserve is still there when the request is sent (the client caps max_tokens the same way).
 */
export function promptLimit(window: number, outputReserve: number): number {
  return Math.floor((window - outputReserve - windowMargin(window)) / ESTIMATE_SLACK);
}
