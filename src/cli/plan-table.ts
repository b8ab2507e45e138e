import { batchCostTable, costTable } from "../budget/cost.js";
import type { ModelProfile } from "../budget/profiles.js";
import type { Plan } from "../model/plan.js";

const num = (n: number) => n.toLocaleString("en-US");

/** The readable plan table: one row per request, then the cost per provider and host. */
export function formatPlanTable(plan: Plan, profile: ModelProfile): string {
  const head = ["request", "kind", "pages", "text tok", "image tok", "images", "tiles", "min text", "total", "window"];
  const rows = plan.requests.map((r) => [
    r.id,
    r.kind,
    r.pages[0] === r.pages[1] ? `${r.pages[0]}` : `${r.pages[0]}-${r.pages[1]}`,
    num(r.textTokens),
    num(r.imageTokens),
    r.figureIds.length > r.images ? `${r.images} (${r.figureIds.length} fig)` : `${r.images}`,
    // figures inside sheets, and the smallest text height of any figure as sent
    `${r.tiles ?? 0}`,
    r.smallestTextPx !== undefined ? `${r.smallestTextPx} px` : "-",
    num(r.totalTokens),
    `${((r.totalTokens / plan.window) * 100).toFixed(1)}%`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const maps = plan.requests.filter((r) => r.kind !== "reduce");
  const out = [
    `${plan.model} (${plan.provider}): window ${num(plan.window)}, output reserve ${num(plan.outputReserve)}, ` +
      `images ≤ ${plan.imageMaxSide} px, ≤ ${plan.maxImages} per request`,
    `mode ${plan.mode}: ${plan.requests.length} request${plan.requests.length === 1 ? "" : "s"}` +
      (plan.mode === "map-reduce" ? ` (${maps.length} map, ${plan.requests.length - maps.length} reduce)` : ""),
    "",
    line(head),
    ...rows.map(line),
    "",
    "estimated cost: expected (input as planned + a typical answer), upper bound (+ full output reserve per request):",
    ...costTable(plan, profile).map(
      (c) =>
        `  ${`${c.provider}${c.host !== c.provider ? ` via ${c.host}` : ""}`.padEnd(26)} $${c.expectedCostUSD.toFixed(4)}, at most $${c.costUSD.toFixed(4)}`,
    ),
    ...batchCostTable(plan, profile).map(
      (c) => `  ${`${c.provider} batch API (--batch-api)`.padEnd(26)} $${c.expectedCostUSD.toFixed(4)}, at most $${c.costUSD.toFixed(4)}`,
    ),
  ];
  if (!profile.known) out.push(`note: model ${profile.model} has no profile; using ${profile.id}'s window and encoder`);
  for (const w of plan.warnings) out.push(`note: ${w}`);
  return out.join("\n") + "\n";
}
