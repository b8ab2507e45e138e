import type { Summary } from "../model/summary.js";

/** USD per million tokens, from the model profile (never hard-coded here). */
export interface TokenPrices {
  input: number;
  output: number;
}

/** One model call as recorded in usage.json. */
export interface RequestUsage {
  id: string;
  kind: "single" | "map" | "reduce" | "figures-followup";
  pages: [number, number];
  /** the planner's estimate of the prompt (text + images + framing) */
  estimatedInputTokens: number;
  /** usage.prompt_tokens reported by the service; null when it reported none */
  promptTokens: number | null;
  outputTokens: number;
  images: number;
  latencyMs: number;
  attempts: number;
  /** answered from the response cache: nothing was sent or paid */
  cached: boolean;
  /** the answer needed the one JSON repair attempt */
  repaired: boolean;
  costUSD: number;
  /** sent in a provider batch job (--batch-api) and priced at the batch price */
  batch?: boolean;
}

export interface UsageReport {
  schemaVersion: 1;
  provider: string;
  model: string;
  prices: TokenPrices | null;
  requests: RequestUsage[];
  totals: {
    requests: number;
    cachedRequests: number;
    estimatedInputTokens: number;
    inputTokens: number;
    outputTokens: number;
    costUSD: number;
    /**
     * actual prompt tokens / estimate, over the requests that reported usage; > 1 means the planner
     * under-estimates and the safety factor should grow. null when no request reported usage.
     */
    actualToEstimateRatio: number | null;
  };
}

export function costOf(promptTokens: number, outputTokens: number, prices: TokenPrices | null): number {
  if (!prices) return 0;
  return (promptTokens * prices.input + outputTokens * prices.output) / 1_000_000;
}

export function usageReport(provider: string, model: string, prices: TokenPrices | null, requests: RequestUsage[]): UsageReport {
  const measured = requests.filter((r) => r.promptTokens !== null && r.estimatedInputTokens > 0);
  const actual = measured.reduce((s, r) => s + (r.promptTokens ?? 0), 0);
  const estimated = measured.reduce((s, r) => s + r.estimatedInputTokens, 0);
  // what this run spent: answers from the cache cost nothing
  const spent = requests.filter((r) => !r.cached);
  return {
    schemaVersion: 1,
    provider,
    model,
    prices,
    requests,
    totals: {
      requests: requests.length,
      cachedRequests: requests.length - spent.length,
      estimatedInputTokens: requests.reduce((s, r) => s + r.estimatedInputTokens, 0),
      inputTokens: spent.reduce((s, r) => s + (r.promptTokens ?? r.estimatedInputTokens), 0),
      outputTokens: spent.reduce((s, r) => s + r.outputTokens, 0),
      costUSD: round6(spent.reduce((s, r) => s + r.costUSD, 0)),
      actualToEstimateRatio: estimated > 0 ? Math.round((actual / estimated) * 1000) / 1000 : null,
    },
  };
}

export function usageTotals(report: UsageReport): Summary["usage"] {
  return { inputTokens: report.totals.inputTokens, outputTokens: report.totals.outputTokens, costUSD: report.totals.costUSD };
}

/** One line for stderr, so the token safety factor can be tuned from real runs. */
export function usageLine(report: UsageReport): string {
  const t = report.totals;
  const cached = t.cachedRequests ? ` (${t.cachedRequests} from cache, not paid)` : "";
  const ratio = t.actualToEstimateRatio === null ? "no usage reported" : `actual/estimate ${t.actualToEstimateRatio.toFixed(3)}`;
  return `${t.requests} request${t.requests === 1 ? "" : "s"}${cached}; ${t.inputTokens} tokens in (estimated ${t.estimatedInputTokens}, ${ratio}), ${t.outputTokens} out; $${t.costUSD.toFixed(4)}`;
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
