/**
 * Request priorities for the shared slots: the expected service seconds of the longest chain a
 * request starts (itself, then the reduce that waits for it, and so on). Longest chain first keeps
 * the end of a run from waiting on one long request that started last.
 */
import { expectedOutputTokens, expectedServiceSeconds } from "../budget/service-time.js";
import type { Plan, PlannedRequest } from "../model/plan.js";

export function requestPriorities(plan: Plan): Map<string, number> {
  const byId = new Map(plan.requests.map((r) => [r.id, r]));
  const consumer = new Map<string, PlannedRequest>();
  for (const r of plan.requests) for (const input of r.inputs ?? []) consumer.set(input, r);

  const figuresOf = (r: PlannedRequest): number =>
    r.kind === "reduce" ? (r.inputs ?? []).reduce((s, id) => s + figuresOf(byId.get(id)!), 0) : r.figureIds.length;
  const outputOf = (r: PlannedRequest) => expectedOutputTokens(figuresOf(r), plan.outputReserve);
  // a reduce's prompt grows by the answers it combines
  const promptOf = (r: PlannedRequest): number => r.totalTokens + (r.inputs ?? []).reduce((s, id) => s + outputOf(byId.get(id)!), 0);

  const chain = new Map<string, number>();
  const chainOf = (r: PlannedRequest): number => {
    let seconds = chain.get(r.id);
    if (seconds === undefined) {
      const next = consumer.get(r.id);
      seconds = expectedServiceSeconds(promptOf(r), outputOf(r)) + (next ? chainOf(next) : 0);
      chain.set(r.id, seconds);
    }
    return seconds;
  };
  for (const r of plan.requests) chainOf(r);
  return chain;
}
