/**
 * Right-to-left and bidirectional lines put into logical order with the Unicode Bidirectional
 * Algorithm (bidi-js). A PDF draws glyphs in visual order, left to right on the page; the
 * algorithm's reordering, run on that visual string with the line's base direction, gives back
 * the logical order (reordering is its own inverse for the runs a line holds).
 */
import bidiModule, { type Bidi } from "bidi-js";

type Factory = () => Bidi;
// bidi-js is a UMD bundle: Node hands over the factory itself as the default export
const factory = ((bidiModule as unknown as { default?: Factory }).default ?? bidiModule) as unknown as Factory;
let engine: Bidi | undefined;

const RTL_CHAR = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/u;
const RTL_CHARS = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]/gu;
const LETTERS = /\p{L}/gu;

export function hasRightToLeft(text: string): boolean {
  return RTL_CHAR.test(text);
}

/** True when most letters of the text are right-to-left ones. */
export function mostlyRightToLeft(text: string): boolean {
  const rtl = text.match(RTL_CHARS)?.length ?? 0;
  if (rtl === 0) return false;
  return rtl >= (text.match(LETTERS)?.length ?? 0) - rtl;
}

/** A line in visual order (left to right as drawn) to logical order. */
export function logicalOrder(visual: string): string {
  if (!hasRightToLeft(visual)) return visual;
  engine ??= factory();
  const direction = mostlyRightToLeft(visual) ? "rtl" : "ltr";
  const levels = engine.getEmbeddingLevels(visual, direction);
  return engine.getReorderedString(visual, levels);
}

/** A line in logical order to visual order (what a producer draws); used to build test documents. */
export function visualOrder(logical: string, direction: "rtl" | "ltr" = "rtl"): string {
  engine ??= factory();
  return engine.getReorderedString(logical, engine.getEmbeddingLevels(logical, direction));
}
