/**
 * The legibility floor (DESIGN.md §3, §5): a figure with text is never sent so small that its
 * smallest text falls under the profile's legible height; a page scan is never tiled.
 */
import type { ProfileData } from "../budget/profiles.js";
import { DEFAULT_LEGIBLE_TEXT_PX } from "../budget/profiles.js";
import { fitWithin } from "../budget/tokens.js";
import type { UnitFigure } from "./units.js";
import { LABEL_HEIGHT, MAX_GRID } from "./sheets.js";

/** document.json's minTextPx is the size at which the smallest text is this high. */
export const MIN_TEXT_PX_REFERENCE = 12;

type Legible = Pick<UnitFigure, "width" | "height" | "minTextPx" | "kind">;
type ImageFacts = { image: Pick<ProfileData["image"], "legibleTextPx" | "maxSide"> };

/**
 * Smallest longest side the figure may be sent at: where its smallest text is the profile's
 * legible height, but never more than the size it was extracted at (it cannot be sent larger).
 * 0 for a figure without text.
 */
export function legibleSide(fig: Legible, profile: ImageFacts): number {
  if (!fig.minTextPx) return 0;
  const px = profile.image.legibleTextPx ?? DEFAULT_LEGIBLE_TEXT_PX;
  return Math.min(Math.max(fig.width, fig.height), Math.ceil((fig.minTextPx * px) / MIN_TEXT_PX_REFERENCE));
}

/**
 * Size a figure is sent at alone under the plan's image side: shrunk to that side but not below its
 * floor (nor past the encoder's own max side, where the model would shrink it anyway).
 */
export function sentSize(fig: Legible, side: number, profile: ImageFacts): { width: number; height: number } {
  return fitWithin(fig.width, fig.height, Math.min(profile.image.maxSide, Math.max(side, legibleSide(fig, profile))));
}

/**
 * The densest sheet grid the figure may be tiled into (cells of a full grid still hold it at its
 * floor) under the plan's image side; 0 when it must be sent alone (page scans, dense text).
 */
export function tileGrid(fig: Legible, side: number, profile: ImageFacts): number {
  if (fig.kind === "page-scan") return 0;
  const floor = legibleSide(fig, profile);
  for (let grid = MAX_GRID; grid >= 2; grid--) if (cellSide(side, grid) >= floor) return grid;
  return 0;
}

/** Smallest cell side of a full grid×grid sheet whose longest side is `side` (see layoutSheet). */
export function cellSide(side: number, grid: number): number {
  return Math.min(Math.floor(side / grid), Math.floor(side / grid) - LABEL_HEIGHT);
}

/** Height in px of the figure's smallest text when its longest side is `longest` px; undefined without text. */
export function textPxAt(fig: Pick<UnitFigure, "minTextPx">, longest: number): number | undefined {
  if (!fig.minTextPx) return undefined;
  return Math.floor((MIN_TEXT_PX_REFERENCE * longest) / fig.minTextPx);
}
