import { z } from "zod";
import { ESTIMATE_SLACK, estimateTextTokens, fitWithin, imageTokens, windowMargin } from "../budget/tokens.js";
import type { ModelProfile } from "../budget/profiles.js";
import { figureBlocks, type Extraction } from "../model/document.js";
import type { Plan, PlannedRequest, PlanPart } from "../model/plan.js";
import { ContextOverflowError, OutputTruncatedError, ProviderError, TooManyImagesError } from "../llm/errors.js";
import { PAID_CALLS_PER_REQUEST, type ModelClient, type PaidBudget, type Validate } from "../llm/client.js";
import type { RequestSlots } from "../llm/slots.js";
import type { AttemptRecord, ContentPart, ModelRequest } from "../llm/types.js";
import { materializeParts } from "../plan/materialize.js";
import { requestPriorities } from "../plan/priority.js";
import { expectedOutputTokens, expectedServiceSeconds } from "../budget/service-time.js";
import type { PipelineEventListener } from "./events.js";
import { FigureDescriptionsSchema, toStrictJsonSchema, type ModelAnswerShape } from "./answer-schema.js";
import type { Task } from "../model/task.js";
import { modelRequestFor, topRequest, type UserSchema } from "./requests.js";
import { costOf, round6, usageRecord, type RequestUsage, type TokenPrices } from "./usage.js";

/** The part of the model client this stage uses. */
export type JsonModelClient = Pick<ModelClient, "callJson">;

/** zod check in the client's validate form; the message goes into the repair request. */
function validateWith<T>(schema: z.ZodType<T>): Validate<T> {
  return (v) => {
    const r = schema.safeParse(v);
    return r.success ? { ok: true, value: r.data } : { ok: false, error: z.prettifyError(r.error) };
  };
}

/** What may change between plans when the service says the first one was too big. */
export interface PlanAdjustment {
  window?: number;
  maxImages?: number;
  outputReserve?: number;
}

export interface ExecuteOptions {
  task: Task;
  extraction: Extraction;
  profile: ModelProfile;
  prices: TokenPrices | null;
  client: JsonModelClient;
  reasoning: "none" | "high";
  /** shared across documents in a batch, so --requests bounds all requests in flight */
  slots: RequestSlots;
  /** builds a plan for the (adjusted) budget; the first plan is `initialPlan` */
  replan: (adjust: PlanAdjustment) => Plan;
  initialPlan: Plan;
  /** --schema: the final answer fills this instead of the summary schema */
  userSchema?: UserSchema;
  signal?: AbortSignal;
  document: string;
  onEvent?: PipelineEventListener;
  /**
   * Where every model call is recorded as it ends (the caller's, so a failed document still has
   * its usage); default a fresh list.
   */
  usage?: RequestUsage[];
  /** the endpoint named its images-per-request limit (kept for the rest of the run) */
  onImageLimit?: (maxImages: number) => void;
}

export interface ExecuteResult {
  /** the plan that finally ran (after any re-plans) */
  plan: Plan;
  /** the final answer in our schema; null when a user schema was filled instead */
  answer: ModelAnswerShape | null;
  /** --schema: the final answer as the user's schema validated it */
  custom: unknown;
  /** figure descriptions from map answers and follow-ups */
  partialFigures: Array<{ id: string; description: string }>;
  /** figure ids that went to the model */
  sentFigureIds: Set<string>;
  usage: RequestUsage[];
  warnings: string[];
}

const MAX_REPLANS = 3;
/** a truncated answer is asked again with a doubled reserve at most twice (3 paid calls) */
const MAX_OUTPUT_BUMPS = 2;
/** max_tokens is never raised past this many times the reserve, nor past MAX_OUTPUT_TOKENS */
const RESERVE_GROWTH = 4;
const MAX_OUTPUT_TOKENS = 65_536;
const FIGURE_FOLLOWUP_ROUNDS = 2;

/**
 * Run a plan: the single request, or the map requests in parallel then the reduce tree.
 * Re-plans (bounded) when the service reports a context overflow or an image cap, or when an
 * answer is still truncated at the largest output reserve that fits.
 */
export async function executePlan(opts: ExecuteOptions): Promise<ExecuteResult> {
  let plan = opts.initialPlan;
  const usage: RequestUsage[] = opts.usage ?? [];
  const warnings: string[] = [];
  // a re-plan after a billed overflow costs again: once, not three times
  let billedReplans = 0;
  for (let replans = 0; ; replans++) {
    try {
      const result = await runPlan(plan, opts, usage);
      // a user schema need not have figures at all
      const followUp = opts.userSchema ? { figures: [], warnings: [] } : await describeMissingFigures(plan, result, opts, usage);
      warnings.push(...followUp.warnings);
      return { plan, ...result, partialFigures: [...result.partialFigures, ...followUp.figures], usage, warnings };
    } catch (err) {
      if (replans >= MAX_REPLANS || opts.signal?.aborted) throw err;
      let adjust: PlanAdjustment;
      let reason: string;
      if (err instanceof ContextOverflowError) {
        if (err.billed && billedReplans++ >= 1) throw err;
        // the server's own limit when it names one, else a fifth less than we believed
        const limit = err.limitTokens && err.limitTokens < plan.window ? err.limitTokens : Math.floor(plan.window * 0.8);
        adjust = { window: Math.floor(limit * 0.95) };
        reason = `context overflow (${err.message}); re-planning for a ${adjust.window}-token window`;
      } else if (err instanceof TooManyImagesError) {
        const cap = err.maxImages && err.maxImages < plan.maxImages ? err.maxImages : Math.max(1, Math.floor(plan.maxImages / 2));
        if (cap === plan.maxImages) throw err;
        if (err.maxImages) opts.onImageLimit?.(err.maxImages);
        adjust = { maxImages: cap };
        reason = `the endpoint accepts at most ${cap} images per request; re-planning`;
      } else {
        throw err;
      }
      warnings.push(reason);
      opts.onEvent?.({ type: "replanned", document: opts.document, reason });
      plan = opts.replan({
        window: adjust.window ?? plan.window,
        maxImages: adjust.maxImages ?? plan.maxImages,
        outputReserve: adjust.outputReserve ?? plan.outputReserve,
      });
      opts.onEvent?.({
        type: "planned",
        document: opts.document,
        mode: plan.mode,
        requests: plan.requests.length,
        estimatedInputTokens: plan.requests.reduce((s, r) => s + r.totalTokens, 0),
        estimatedCostUSD: plan.estimatedCostUSD,
        attempt: replans + 2,
        dryRun: false,
      });
    }
  }
}

type RunResult = Omit<ExecuteResult, "plan" | "usage" | "warnings">;

async function runPlan(plan: Plan, opts: ExecuteOptions, usage: RequestUsage[]): Promise<RunResult> {
  const byId = new Map(plan.requests.map((r) => [r.id, r]));
  const top = topRequest(plan);
  const answers = new Map<string, Promise<unknown>>();
  const sentFigureIds = new Set(plan.requests.flatMap((r) => r.figureIds));
  const partialFigures: Array<{ id: string; description: string }> = [];
  const priorities = requestPriorities(plan);

  // Each request starts as soon as its inputs are answered; the limiter bounds what is in flight.
  // Only the model call itself holds a limiter slot, so a shared limiter cannot deadlock.
  const answerOf = (req: PlannedRequest): Promise<unknown> => {
    let pending = answers.get(req.id);
    if (!pending) {
      pending = (async () => {
        const inputs = await Promise.all((req.inputs ?? []).map((id) => answerOf(byId.get(id)!)));
        const { request, validator: schema } = await modelRequestFor(plan, req, {
          task: opts.task,
          extraction: opts.extraction,
          model: opts.profile.model,
          reasoning: opts.reasoning,
          userSchema: opts.userSchema,
          partials: inputs,
        });
        const { system, content, schema: schemaSpec } = request;
        const value = await callWithOutputRetry(
          plan,
          req,
          { system, content, schema: schemaSpec, priority: priorities.get(req.id)! },
          schema,
          opts,
          usage,
        );
        if (req.kind !== "reduce" || req !== top) {
          const figs = (value as { figures?: Array<{ id: string; description: string }> }).figures;
          if (Array.isArray(figs)) partialFigures.push(...figs.filter((f) => typeof f?.id === "string"));
        }
        return value;
      })();
      answers.set(req.id, pending);
    }
    return pending;
  };

  // start everything at once: leaves run under the limiter, reduces wait for their inputs
  const all = plan.requests.map((r) => answerOf(r));
  const results = await Promise.allSettled(all);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const final = await answerOf(top);
  if (opts.userSchema) {
    return { answer: null, custom: final, partialFigures, sentFigureIds };
  }
  return { answer: final as ModelAnswerShape, custom: undefined, partialFigures, sentFigureIds };
}

interface BuiltRequest {
  system: string;
  content: ContentPart[];
  schema: ModelRequest["schema"];
  /** slot priority: expected seconds of the chain this request starts */
  priority: number;
}

/**
 * An answer that more room cannot fix: the tail repeats one short stretch over and over (a model
 * stuck in a loop). Sending it again with a larger reserve would only buy a longer loop.
 */
export function isDegenerate(text: string): boolean {
  const tail = text.slice(-1200);
  if (tail.length < 600) return false;
  for (let period = 1; period <= 200; period++) {
    const unit = tail.slice(-period);
    let reps = 0;
    for (let end = tail.length; end - period >= 0 && tail.slice(end - period, end) === unit; end -= period) reps++;
    if (reps * period >= 400 && reps >= 4) return true;
  }
  return false;
}

/** actual/estimated prompt tokens over the calls that reported usage so far (≥ 1: only ever a margin). */
function measuredRatio(usage: RequestUsage[]): number {
  let actual = 0;
  let estimated = 0;
  for (const r of usage) {
    if (r.promptTokens !== null && r.estimatedInputTokens > 0 && !r.cached) {
      const calls = r.calls?.filter((c) => c.billed === true).length || 1;
      actual += r.promptTokens / calls;
      estimated += r.estimatedInputTokens;
    }
  }
  return estimated > 0 ? Math.max(1, actual / estimated) : 1;
}

/**
 * The most output one planned request may ask for: 4× the reserve, at most 65,536, and never so
 * much that prompt (estimate × the measured actual/estimate ratio) plus answer passes the window
 * minus a margin — a real server answers that with a 400.
 */
export function outputCap(window: number, promptEstimate: number, reserve: number, ratio: number): number {
  const room = window - Math.ceil(promptEstimate * Math.max(ESTIMATE_SLACK, ratio)) - windowMargin(window);
  return Math.max(1, Math.min(RESERVE_GROWTH * reserve, MAX_OUTPUT_TOKENS, room));
}

/**
 * One planned request, within a budget of 3 paid calls shared by every retry layer. A truncated
 * answer is asked again with a doubled reserve up to the cap; one that repeats itself, or is still
 * cut at the cap, fails with a clear message.
 */
async function callWithOutputRetry(
  plan: Plan,
  req: PlannedRequest,
  built: BuiltRequest,
  schema: z.ZodType<unknown>,
  opts: ExecuteOptions,
  usage: RequestUsage[],
): Promise<unknown> {
  const cap = outputCap(plan.window, req.totalTokens, plan.outputReserve, measuredRatio(usage));
  let maxOutputTokens = Math.min(plan.outputReserve, cap);
  const budget: PaidBudget = { paid: 0, max: PAID_CALLS_PER_REQUEST };
  const { priority, ...body } = built;
  for (let bump = 0; ; bump++) {
    try {
      return await call(
        {
          id: req.id,
          kind: req.kind,
          pages: req.pages,
          estimatedInputTokens: req.totalTokens,
          images: req.images,
          priority,
          request: { id: req.id, model: opts.profile.model, reasoning: opts.reasoning, maxOutputTokens, ...body },
          budget,
        },
        schema,
        opts,
        usage,
      );
    } catch (err) {
      if (!(err instanceof OutputTruncatedError)) throw err;
      if (err.partialText && isDegenerate(err.partialText)) {
        throw new ProviderError(`${err.message}; the answer repeats itself, so a larger reserve would not help: not sent again`);
      }
      const larger = Math.min(cap, maxOutputTokens * 2);
      if (larger <= maxOutputTokens || bump >= MAX_OUTPUT_BUMPS || budget.paid >= budget.max) {
        const thinking = err.partialText.trim() === "" ? " (reasoning used it all: try --reasoning none)" : "";
        throw new ProviderError(
          `${err.message}, also at ${maxOutputTokens} tokens, the most this request may ask for${thinking}; try fewer pages per run (--pages) or a larger --max-output-tokens`,
        );
      }
      opts.onEvent?.({
        type: "warning",
        document: opts.document,
        message: `request ${req.id}: answer cut off at ${maxOutputTokens} tokens; asking again with ${larger}`,
      });
      maxOutputTokens = larger;
    }
  }
}

interface CallSpec {
  id: string;
  kind: RequestUsage["kind"];
  pages: [number, number];
  estimatedInputTokens: number;
  images: number;
  /** slot priority (expected seconds of the chain it starts): longest first */
  priority: number;
  request: ModelRequest;
  /** paid calls of the planned request so far (shared across its output bumps) */
  budget?: PaidBudget;
}

async function call(spec: CallSpec, schema: z.ZodType<unknown>, opts: ExecuteOptions, usage: RequestUsage[]): Promise<unknown> {
  return opts.slots.run(async () => {
    opts.signal?.throwIfAborted();
    opts.onEvent?.({
      type: "request-start",
      document: opts.document,
      requestId: spec.id,
      kind: spec.kind,
      pages: spec.pages,
      estimatedInputTokens: spec.estimatedInputTokens,
      images: spec.images,
    });
    const attempts: AttemptRecord[] = [];
    const started = performance.now();
    let result: Awaited<ReturnType<JsonModelClient["callJson"]>> | undefined;
    let failure: unknown;
    try {
      result = await opts.client.callJson(spec.request, validateWith(schema), {
        signal: opts.signal,
        budget: spec.budget,
        onAttempt: (a) => attempts.push(a),
      });
    } catch (err) {
      failure = err;
    }
    // every call is recorded, the failed ones too: usage.json must add up to what was billed
    const record = usageRecord(spec, attempts, result, failure, opts.prices, Math.round(performance.now() - started));
    usage.push(record);
    const abandoned = failure !== undefined && opts.signal?.aborted === true;
    opts.onEvent?.({
      type: "request-end",
      document: opts.document,
      requestId: spec.id,
      kind: spec.kind,
      // sent, then abandoned on a stop: counted at the planner's input estimate, as it may be billed
      inputTokens: record.promptTokens ?? (abandoned ? spec.estimatedInputTokens : null),
      outputTokens: record.outputTokens,
      costUSD: abandoned && record.costUSD === 0 ? round6(costOf(spec.estimatedInputTokens, 0, opts.prices)) : record.costUSD,
      cached: record.cached,
      latencyMs: record.latencyMs,
      attempts: record.attempts,
      ...(abandoned ? { abandoned: true } : {}),
    });
    if (failure !== undefined) throw failure;
    return result!.value;
  }, spec.priority);
}

/**
 * Every figure sent should come back described. The ones the answers left out are asked for
 * again in small dedicated requests (bounded rounds); any still missing become a warning.
 */
async function describeMissingFigures(
  plan: Plan,
  result: RunResult,
  opts: ExecuteOptions,
  usage: RequestUsage[],
): Promise<{ figures: Array<{ id: string; description: string }>; warnings: string[] }> {
  const described = new Set<string>();
  for (const f of [...result.partialFigures, ...(result.answer?.figures ?? [])]) if (f.description?.trim()) described.add(f.id);
  const blocks = new Map(figureBlocks(opts.extraction.document).map((f) => [f.id, f]));
  let missing = [...result.sentFigureIds].filter((id) => !described.has(id) && blocks.has(id) && opts.extraction.figures.has(id));
  const got: Array<{ id: string; description: string }> = [];
  const perRequest = Math.max(1, plan.maxImages);
  for (let round = 1; round <= FIGURE_FOLLOWUP_ROUNDS && missing.length > 0; round++) {
    const batches: string[][] = [];
    for (let i = 0; i < missing.length; i += perRequest) batches.push(missing.slice(i, i + perRequest));
    await Promise.all(
      batches.map(async (ids, b) => {
        const parts: PlanPart[] = [];
        let estimate = 0;
        for (const id of ids) {
          const f = blocks.get(id)!;
          const size = fitWithin(f.width, f.height, plan.imageMaxSide);
          const intro = `[figure ${id}, page ${f.page}]${f.caption ? ` Caption: ${f.caption}` : ""}`;
          parts.push({ type: "text", text: intro }, { type: "image", figureId: id, width: size.width, height: size.height });
          estimate += estimateTextTokens(intro, opts.profile) + imageTokens(size.width, size.height, opts.profile);
        }
        const system =
          "You describe figures from a document. For every figure id given, say what the figure shows and what it tells " +
          "the reader, in two to four sentences. Use the ids exactly as given.";
        const pages = ids.map((id) => blocks.get(id)!.page);
        const schema = FigureDescriptionsSchema;
        const id = `figures-${round}-${b + 1}`;
        const value = (await call(
          {
            id,
            kind: "figures-followup",
            pages: [Math.min(...pages), Math.max(...pages)],
            estimatedInputTokens: estimate + estimateTextTokens(system, opts.profile),
            images: ids.length,
            priority: expectedServiceSeconds(estimate, expectedOutputTokens(ids.length, plan.outputReserve)),
            request: {
              id,
              model: opts.profile.model,
              reasoning: opts.reasoning,
              maxOutputTokens: Math.min(plan.outputReserve, 400 * ids.length + 400),
              system,
              content: await materializeParts(parts, opts.extraction.figures),
              schema: { name: "longdoc_figure_descriptions", schema: toStrictJsonSchema(schema) },
            },
          },
          schema,
          opts,
          usage,
        )) as z.infer<typeof FigureDescriptionsSchema>;
        got.push(...value.figures.filter((f) => ids.includes(f.id) && f.description.trim()));
      }),
    );
    const now = new Set(got.map((f) => f.id));
    missing = missing.filter((id) => !now.has(id));
  }
  const warnings = missing.length ? [`the model gave no description for figure(s) ${missing.join(", ")} after asking again`] : [];
  return { figures: got, warnings };
}
