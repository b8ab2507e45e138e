/**
 * Builds one request from consecutive units: the exact parts sent (header, text in reading order,
 * images and sheets) and its token estimate, counted from those same texts and sizes.
 */
import type { PlanPart, PlannedRequest, RequestKind } from "../model/plan.js";
import type { ModelProfile } from "../budget/profiles.js";
import { imageTokens } from "../budget/tokens.js";
import { figureIntro, type TokenMemo, type Unit } from "./units.js";
import { chooseTiling, LABEL_HEIGHT, layoutSheet, type SizedFigure } from "./sheets.js";
import { sentSize, textPxAt, tileGrid } from "./legibility.js";

export interface RequestContext {
  profile: ModelProfile;
  memo: TokenMemo;
  /** longest image side for this plan (after any shrinking) */
  maxSide: number;
  maxImages: number;
}

export interface BuiltRequest {
  request: PlannedRequest;
  /** false when even the densest tiling leaves more images than the cap */
  withinImageCap: boolean;
}

/** Framing overhead of a request: two messages plus one entry per content part. */
export function framingTokens(profile: ModelProfile, contentParts: number): number {
  return 2 * profile.framing.perMessage + contentParts * profile.framing.perPart;
}

export function buildRequest(
  id: string,
  kind: RequestKind,
  system: string,
  header: string,
  units: Unit[],
  ctx: RequestContext,
): BuiltRequest {
  const figures: SizedFigure[] = units
    .filter((u) => u.figure)
    .map((u) => ({
      id: u.figure!.id,
      ...sentSize(u.figure!, ctx.maxSide, ctx.profile),
      maxGrid: tileGrid(u.figure!, ctx.maxSide, ctx.profile),
    }));
  const unitFigures = new Map(units.filter((u) => u.figure).map((u) => [u.figure!.id, u.figure!]));
  const tiling = chooseTiling(figures, ctx.maxImages);
  const sheetOf = new Map<string, { sheetId: string; cell: number; group: string[]; columns: number }>();
  const sheetParts = new Map<string, Extract<PlanPart, { type: "sheet" }>>();
  const byId = new Map(figures.map((f) => [f.id, f]));
  if (tiling) {
    tiling.groups.forEach((group, s) => {
      const sheetId = `${id}-s${s + 1}`;
      const layout = layoutSheet(
        group.map((g) => byId.get(g)!),
        tiling.grid,
        ctx.maxSide,
      );
      group.forEach((figureId, cell) => sheetOf.set(figureId, { sheetId, cell: cell + 1, group, columns: layout.columns }));
      sheetParts.set(sheetId, {
        type: "sheet",
        sheetId,
        width: layout.width,
        height: layout.height,
        cells: layout.cells,
        labelHeight: LABEL_HEIGHT,
      });
    });
  }

  const parts: PlanPart[] = [];
  let text = header;
  let textTokens = ctx.memo.estimate(system) + ctx.memo.estimate(header);
  let imageTokenSum = 0;
  const flush = () => {
    if (text) parts.push({ type: "text", text });
    text = "";
  };
  for (const unit of units) {
    const fig = unit.figure;
    if (!fig) {
      text += unit.text;
      textTokens += unit.textTokens;
      continue;
    }
    const sheet = sheetOf.get(fig.id);
    if (!sheet) {
      text += unit.text;
      textTokens += unit.textTokens;
      flush();
      const size = byId.get(fig.id)!;
      const textPx = textPxAt(fig, Math.max(size.width, size.height));
      parts.push({ type: "image", figureId: fig.id, width: size.width, height: size.height, ...(textPx !== undefined ? { textPx } : {}) });
      imageTokenSum += imageTokens(size.width, size.height, ctx.profile);
      continue;
    }
    // a tiled figure keeps its introduction at its place in the text, saying which sheet and cell
    const prefix = unit.text.slice(0, unit.text.length - figureIntro(fig).length);
    const intro = prefix + figureIntro(fig, sheet);
    text += intro;
    textTokens += ctx.memo.estimate(intro);
    if (sheet.group[0] === fig.id) {
      // the sheet itself stands where its first figure stands
      const part = sheetParts.get(sheet.sheetId)!;
      const cols = sheet.columns;
      const where = sheet.group.map((g, i) => `cell ${i + 1} (row ${Math.floor(i / cols) + 1}, column ${(i % cols) + 1}): ${g}`).join("; ");
      const sheetIntro = `Sheet ${sheet.sheetId} tiles ${sheet.group.length} figures, each labelled with its id above it: ${where}\n`;
      text += sheetIntro;
      textTokens += ctx.memo.estimate(sheetIntro);
      flush();
      parts.push(part);
      imageTokenSum += imageTokens(part.width, part.height, ctx.profile);
    }
  }
  flush();
  const images = parts.filter((p) => p.type !== "text").length;
  // the smallest text of any figure as sent (alone or in a sheet cell)
  let smallestTextPx: number | undefined;
  for (const part of parts) {
    const sizes =
      part.type === "image"
        ? [{ id: part.figureId, side: Math.max(part.width, part.height) }]
        : part.type === "sheet"
          ? part.cells.map((c) => ({ id: c.figureId, side: Math.max(c.width, c.height) }))
          : [];
    for (const s of sizes) {
      const px = textPxAt(unitFigures.get(s.id)!, s.side);
      if (px !== undefined && (smallestTextPx === undefined || px < smallestTextPx)) smallestTextPx = px;
    }
  }
  const pages: [number, number] = units.length > 0 ? [units[0]!.page, units[units.length - 1]!.page] : [0, 0];
  const request: PlannedRequest = {
    id,
    kind,
    pages,
    system,
    parts,
    textTokens,
    imageTokens: imageTokenSum,
    images,
    tiles: sheetOf.size,
    ...(smallestTextPx !== undefined ? { smallestTextPx } : {}),
    totalTokens: textTokens + imageTokenSum + framingTokens(ctx.profile, parts.length),
    figureIds: figures.map((f) => f.id),
  };
  return { request, withinImageCap: tiling !== undefined };
}
