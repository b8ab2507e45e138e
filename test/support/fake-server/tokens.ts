import { getEncoding, type Tiktoken } from "js-tiktoken";

/**
 * The fake server's own token arithmetic, written independently of src/budget so a planner bug
 * cannot hide behind the same bug here: o200k_base for text, DESIGN.md §4 for images.
 */

let encoder: Tiktoken | null = null;
function enc(): Tiktoken {
  encoder ??= getEncoding("o200k_base");
  return encoder;
}

export function countTextTokens(text: string): number {
  return text ? enc().encode(text).length : 0;
}

/** Cut text to at most n tokens (how a server truncates at max_tokens). */
export function truncateToTokens(text: string, n: number): string {
  const ids = enc().encode(text);
  return ids.length <= n ? text : enc().decode(ids.slice(0, Math.max(0, n)));
}

/** Pixtral-style: fit the longest side into 1540 px, 28 px patches, one break token per row. */
export function imageTokens(width: number, height: number, maxSide = 1540): number {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const cols = Math.ceil(w / 28);
  const rows = Math.ceil(h / 28);
  return (cols + 1) * rows;
}

/** Chat framing per message (role markers), as chat templates add. */
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REPLY = 3;
