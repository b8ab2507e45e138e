import type { Plan } from "../model/plan.js";
import { pricesFor, type ModelProfile, type ProfileData } from "./profiles.js";
import { expectedOutputTokens } from "./service-time.js";

export interface CostRow {
  provider: string;
  host: string;
  inputTokens: number;
  /** upper bound: every request writes its full output reserve */
  outputTokens: number;
  costUSD: number;
  /** output a typical answer writes (summary fields plus a few sentences per figure) */
  expectedOutputTokens: number;
  /** what the run should cost: planned input plus the expected output */
  expectedCostUSD: number;
}

function planTokens(plan: Plan): { input: number; output: number; expectedOutput: number } {
  return {
    input: plan.requests.reduce((s, r) => s + r.totalTokens, 0),
    output: plan.requests.length * plan.outputReserve,
    expectedOutput: plan.requests.reduce((s, r) => s + expectedOutputTokens((r.figureIds ?? []).length, plan.outputReserve), 0),
  };
}

/** Expected USD for the plan (output as a typical answer writes it); 0 without a price. */
export function expectedCost(plan: Plan, profile: ProfileData | ModelProfile, provider: string): number {
  const price = pricesFor(profile, provider)[0];
  if (!price) return 0;
  const { input, expectedOutput } = planTokens(plan);
  return rowCost(input, expectedOutput, price.inputPerM, price.outputPerM);
}

function rowCost(input: number, output: number, inputPerM: number, outputPerM: number): number {
  return Math.round(((input * inputPerM + output * outputPerM) / 1e6) * 1e6) / 1e6;
}

/**
 * Estimated USD for the plan at the provider's first listed price: estimated input tokens plus the
 * full output reserve per request (an upper bound). A provider without prices (self-hosted) costs 0.
 */
export function estimateCost(plan: Plan, profile: ProfileData | ModelProfile, provider: string): number {
  const price = pricesFor(profile, provider)[0];
  if (!price) return 0;
  const { input, output } = planTokens(plan);
  return rowCost(input, output, price.inputPerM, price.outputPerM);
}

/** One row per provider and host with a price in the profile (for the plan table). */
export function costTable(plan: Plan, profile: ProfileData | ModelProfile): CostRow[] {
  const { input, output, expectedOutput } = planTokens(plan);
  return Object.entries(profile.prices).flatMap(([provider, rows]) =>
    rows.map((p) => ({
      provider,
      host: p.host,
      inputTokens: input,
      outputTokens: output,
      costUSD: rowCost(input, output, p.inputPerM, p.outputPerM),
      expectedOutputTokens: expectedOutput,
      expectedCostUSD: rowCost(input, expectedOutput, p.inputPerM, p.outputPerM),
    })),
  );
}

/** One row per provider whose price has a batch API price: what the plan costs sent with --batch-api. */
export function batchCostTable(plan: Plan, profile: ProfileData | ModelProfile): CostRow[] {
  const { input, output, expectedOutput } = planTokens(plan);
  return Object.entries(profile.prices).flatMap(([provider, rows]) => {
    const batch = rows[0]?.batch;
    return batch
      ? [
          {
            provider,
            host: rows[0]!.host,
            inputTokens: input,
            outputTokens: output,
            costUSD: rowCost(input, output, batch.inputPerM, batch.outputPerM),
            expectedOutputTokens: expectedOutput,
            expectedCostUSD: rowCost(input, expectedOutput, batch.inputPerM, batch.outputPerM),
          },
        ]
      : [];
  });
}
