/**
 * Reduce requests: combine the partial answers of map requests. Planned from the largest
 * possible partials (each the full output reserve); built at run time from the real answers.
 */
import type { PlannedRequest } from "../model/plan.js";
import type { ContentPart } from "../llm/types.js";
import type { ModelProfile } from "../budget/profiles.js";
import { estimateTextTokens } from "../budget/tokens.js";

export interface PartialAnswer {
  requestId: string;
  pages: [number, number];
  answer: unknown;
}

/** Text that introduces one partial answer inside a reduce request. */
export function partialLabel(requestId: string, pages: [number, number]): string {
  return `Partial result ${requestId} (pages ${pages[0]}-${pages[1]}):\n`;
}

/** The partial answer as sent: compact JSON (strings pass through as they are). */
export function partialText(answer: unknown): string {
  return typeof answer === "string" ? answer : JSON.stringify(answer);
}

/**
 * Tokens the partials of a reduce may take at most: each input's label plus its full output
 * reserve (a model answer cannot be longer), plus one content part each.
 */
export function estimatePartialTokens(
  profile: ModelProfile,
  outputReserve: number,
  inputs: Array<{ requestId: string; pages: [number, number] }>,
): number {
  return inputs.reduce(
    (sum, i) => sum + estimateTextTokens(partialLabel(i.requestId, i.pages), profile) + outputReserve + profile.framing.perPart,
    0,
  );
}

/**
 * The system message and content of a reduce request: its planned header part, then one text
 * part per partial answer, in the order of reduce.inputs.
 */
export function buildReduceParts(reduce: PlannedRequest, partials: PartialAnswer[]): { system: string; content: ContentPart[] } {
  if (reduce.kind !== "reduce") throw new Error(`request ${reduce.id} is not a reduce request`);
  const byId = new Map(partials.map((p) => [p.requestId, p]));
  const order = reduce.inputs ?? partials.map((p) => p.requestId);
  const missing = order.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new Error(`reduce ${reduce.id} lacks partial answers for ${missing.join(", ")}`);
  const content: ContentPart[] = reduce.parts.map((p) => {
    if (p.type !== "text") throw new Error(`reduce ${reduce.id} has a non-text planned part`);
    return { type: "text", text: p.text };
  });
  for (const id of order) {
    const p = byId.get(id)!;
    content.push({ type: "text", text: partialLabel(p.requestId, p.pages) + partialText(p.answer) });
  }
  return { system: reduce.system, content };
}
