import type { Plan } from "../model/plan.js";

/** plan.json (DESIGN.md §5): the numbers and structure of the plan, without the text sent. */
export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    model: plan.model,
    provider: plan.provider,
    task: plan.task,
    window: plan.window,
    outputReserve: plan.outputReserve,
    imageMaxSide: plan.imageMaxSide,
    maxImages: plan.maxImages,
    mode: plan.mode,
    requests: plan.requests.map((r) => ({
      id: r.id,
      kind: r.kind,
      pages: r.pages,
      textTokens: r.textTokens,
      imageTokens: r.imageTokens,
      images: r.images,
      ...(r.tiles ? { tiles: r.tiles } : {}),
      ...(r.smallestTextPx !== undefined ? { smallestTextPx: r.smallestTextPx } : {}),
      totalTokens: r.totalTokens,
      figureIds: r.figureIds,
      ...(r.inputs ? { inputs: r.inputs } : {}),
      ...(r.parts.some((p) => p.type === "sheet")
        ? {
            sheets: r.parts.flatMap((p) =>
              p.type === "sheet" ? [{ id: p.sheetId, width: p.width, height: p.height, figureIds: p.cells.map((c) => c.figureId) }] : [],
            ),
          }
        : {}),
    })),
    estimatedCostUSD: plan.estimatedCostUSD,
    warnings: plan.warnings,
  };
}
