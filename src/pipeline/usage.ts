import type { Summary } from "../model/summary.js";
import type { AttemptRecord } from "../llm/types.js";
import { formatError } from "../errors.js";

/** USD per million tokens, from the model profile (never hard-coded here). */
export interface TokenPrices {
  input: number;
  output: number;
}

/** One HTTP attempt of a request, as usage.json shows it. */
export interface CallUsage {
  /** "r1", or "r1-repair" for the JSON repair */
  requestId: string;
  attempt: number;
  outcome: AttemptRecord["outcome"];
  status: number | null;
  /** true: billed (usage reported); false: rejected before any work; "unknown": cut off mid-way */
  billed: boolean | "unknown";
  /** "unknown" when the call was cut off before the provider reported usage */
  promptTokens: number | "unknown";
  outputTokens: number | "unknown";
  /** null when unknown; the provider's own figure when it gives one (OpenRouter usage.cost) */
  costUSD: number | null;
  latencyMs: number;
}

/** One planned request (or figure follow-up) as recorded in usage.json, every call it took included. */
export interface RequestUsage {
  /** the planned request's id ("r1", "reduce"), or a figure follow-up's */
  id: string;
  /** what the request was */
  kind: "single" | "map" | "reduce" | "figures-followup";
  /** first and last page it covered */
  pages: [number, number];
  /** the planner's estimate of the prompt (text + images + framing) */
  estimatedInputTokens: number;
  /** usage.prompt_tokens reported by the service; null when it reported none */
  promptTokens: number | null;
  /** output tokens reported (0 when none) */
  outputTokens: number;
  /** images sent */
  images: number;
  /** wall time from the first call to the answer */
  latencyMs: number;
  /** HTTP calls made for it */
  attempts: number;
  /** answered from the response cache: nothing was sent or paid */
  cached: boolean;
  /** the answer needed the one JSON repair attempt */
  repaired: boolean;
  /** known cost of every call (paid calls whose usage is unknown are counted in unknownCalls) */
  costUSD: number;
  /** sent in a provider batch job (--batch-api) and priced at the batch price */
  batch?: boolean;
  /** "failed": no usable answer (the error says why); its calls may still have been billed */
  status: "ok" | "failed";
  /** why it failed, one line */
  error?: string;
  /** every HTTP attempt, billed or not */
  calls: CallUsage[];
  /** calls the provider may bill but reported no usage for (timeouts, dropped streams) */
  unknownCalls: number;
}

export interface UsageReport {
  /** 1 */
  schemaVersion: 1;
  /** the provider the calls went to */
  provider: string;
  /** the model id */
  model: string;
  /** USD per million tokens used for the costs; null when none is known */
  prices: TokenPrices | null;
  /** "failed" when the document failed; its calls are still all here */
  status: "ok" | "failed";
  /** the document's error, when it failed */
  error?: string;
  /** every planned request and follow-up, with every call it took */
  requests: RequestUsage[];
  /** the sums over `requests` */
  totals: {
    requests: number;
    cachedRequests: number;
    /** HTTP calls the provider bills or may bill (billed true or unknown) */
    paidCalls: number;
    /** paid calls without reported usage: their tokens and cost are not in the totals */
    unknownCalls: number;
    failedRequests: number;
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

/** The usage.json entry of one request from its attempts (and its answer, or the error it ended in). */
export function usageRecord(
  spec: { id: string; kind: RequestUsage["kind"]; pages: [number, number]; estimatedInputTokens: number; images: number },
  attempts: AttemptRecord[],
  result:
    | {
        answers: Array<{ cached: boolean; usage: { promptTokens: number; completionTokens: number } | null; latencyMs: number }>;
        repaired: boolean;
      }
    | undefined,
  failure: unknown,
  prices: TokenPrices | null,
  latencyMs: number,
): RequestUsage {
  const base = { id: spec.id, kind: spec.kind, pages: spec.pages, estimatedInputTokens: spec.estimatedInputTokens, images: spec.images };
  if (result && result.answers.every((a) => a.cached)) {
    // from the cache: nothing sent or paid now; tokens are the original call's, for calibration
    const reported = result.answers.filter((a) => a.usage);
    return {
      ...base,
      promptTokens: reported.length ? reported.reduce((s, a) => s + a.usage!.promptTokens, 0) : null,
      outputTokens: result.answers.reduce((s, a) => s + (a.usage?.completionTokens ?? 0), 0),
      latencyMs,
      attempts: 0,
      cached: true,
      repaired: result.repaired,
      costUSD: 0,
      status: "ok",
      calls: [],
      unknownCalls: 0,
    };
  }
  const calls: CallUsage[] = attempts.map((a) => {
    const known = a.billed === true;
    const unknown = a.billed === "unknown";
    const prompt = known ? (a.promptTokens ?? 0) : unknown ? "unknown" : 0;
    const output = known ? (a.completionTokens ?? 0) : unknown ? "unknown" : 0;
    const cost = known ? (a.providerCostUSD ?? costOf(a.promptTokens ?? 0, a.completionTokens ?? 0, prices)) : unknown ? null : 0;
    return {
      requestId: a.requestId,
      attempt: a.attempt,
      outcome: a.outcome,
      status: a.status,
      billed: a.billed,
      promptTokens: prompt,
      outputTokens: output,
      costUSD: cost === null ? null : round6(cost),
      latencyMs: a.latencyMs,
    };
  });
  const billed = calls.filter((c) => c.billed === true);
  return {
    ...base,
    promptTokens: billed.length ? billed.reduce((s, c) => s + (c.promptTokens as number), 0) : null,
    outputTokens: billed.reduce((s, c) => s + (c.outputTokens as number), 0),
    latencyMs,
    attempts: calls.length,
    cached: false,
    repaired: result?.repaired ?? false,
    costUSD: round6(calls.reduce((s, c) => s + (c.costUSD ?? 0), 0)),
    status: failure === undefined ? "ok" : "failed",
    ...(failure === undefined ? {} : { error: formatError(failure) }),
    calls,
    unknownCalls: calls.filter((c) => c.billed === "unknown").length,
  };
}

export function usageReport(
  provider: string,
  model: string,
  prices: TokenPrices | null,
  requests: RequestUsage[],
  outcome: { status: "ok" | "failed"; error?: string } = { status: "ok" },
): UsageReport {
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
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error } : {}),
    requests,
    totals: {
      requests: requests.length,
      cachedRequests: requests.length - spent.length,
      paidCalls: spent.reduce((s, r) => s + (r.calls ?? []).filter((c) => c.billed !== false).length, 0),
      unknownCalls: spent.reduce((s, r) => s + (r.unknownCalls ?? 0), 0),
      failedRequests: requests.filter((r) => r.status === "failed").length,
      estimatedInputTokens: requests.reduce((s, r) => s + r.estimatedInputTokens, 0),
      // billed tokens as reported; a request without any usage report counts at its estimate
      inputTokens: spent.reduce((s, r) => s + (r.promptTokens ?? (r.status === "ok" ? r.estimatedInputTokens : 0)), 0),
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

export function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
