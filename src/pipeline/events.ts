import type { Summary } from "../model/summary.js";
import type { Task } from "../model/task.js";

/**
 * What one document's pipeline reports while it runs (progress display, --json, batch runner).
 * `document` is the source path as given, so events of concurrent documents can be told apart.
 */
export type PipelineEvent =
  | { type: "started"; document: string; task: Task; outDir: string }
  | { type: "extracted"; document: string; pages: number; figures: number; seconds: number }
  | {
      type: "planned";
      document: string;
      mode: "single" | "map-reduce" | "offline";
      requests: number;
      estimatedInputTokens: number;
      /** upper bound: every request writes its full output reserve */
      estimatedCostUSD: number;
      /** what the plan should cost: a typical answer's output (absent when unknown) */
      expectedCostUSD?: number;
      /** 1 for the first plan; higher after a re-plan (context overflow, image cap, truncation) */
      attempt: number;
      /** --dry-run: the plan is written, nothing is sent */
      dryRun: boolean;
    }
  | { type: "replanned"; document: string; reason: string }
  | {
      type: "request-start";
      document: string;
      requestId: string;
      kind: string;
      pages: [number, number];
      estimatedInputTokens: number;
      images: number;
    }
  | {
      type: "request-end";
      document: string;
      requestId: string;
      kind: string;
      inputTokens: number | null;
      outputTokens: number;
      costUSD: number;
      cached: boolean;
      latencyMs: number;
      attempts: number;
      /** sent, then abandoned on a stop: input at the planner's estimate, no output */
      abandoned?: boolean;
    }
  /** a streamed answer is arriving: content chunks so far (about a token each); thinking = reasoning, no answer text yet */
  | { type: "request-progress"; document: string; requestId: string; tokens: number; thinking: boolean }
  | { type: "warning"; document: string; message: string }
  | {
      type: "done";
      document: string;
      outDir: string;
      mode: Summary["engine"]["mode"];
      requests: number;
      usage: Summary["usage"];
      seconds: number;
      dryRun: boolean;
    }
  | { type: "failed"; document: string; error: string; exitCode: number };

export type PipelineEventListener = (event: PipelineEvent) => void;

/** A model request's events: the batch passes them on as they are. */
export type RequestEvent = Extract<PipelineEvent, { type: "request-start" | "request-progress" | "request-end" }>;

/** What a finished request cost this run: an answer from the cache cost nothing, whatever it once did. */
export function paidBy(e: Extract<PipelineEvent, { type: "request-end" }>): { inputTokens: number; outputTokens: number; costUSD: number } {
  return e.cached
    ? { inputTokens: 0, outputTokens: 0, costUSD: 0 }
    : { inputTokens: e.inputTokens ?? 0, outputTokens: e.outputTokens, costUSD: e.costUSD };
}

/** The plan's cost as a budget sees it: nothing when no request will be sent (offline engine, --dry-run). */
export function plannedSpend(e: Extract<PipelineEvent, { type: "planned" }>): number {
  return e.mode === "offline" || e.dryRun ? 0 : e.estimatedCostUSD;
}
