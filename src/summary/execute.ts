import { z } from "zod";
import { estimateTextTokens, fitWithin, imageTokens } from "../budget/tokens.js";
import type { ModelProfile } from "../budget/profiles.js";
import { figureBlocks, type Extraction } from "../model/document.js";
import type { Plan, PlannedRequest, PlanPart } from "../model/plan.js";
import { ContextOverflowError, OutputTruncatedError, TooManyImagesError } from "../llm/errors.js";
import type { ModelClient, Validate } from "../llm/client.js";
import type { RequestSlots } from "../llm/slots.js";
import type { ContentPart, ModelRequest } from "../llm/types.js";
import { buildReduceParts, materializeParts } from "../plan/public.js";
import { requestPriorities } from "../plan/priority.js";
import { expectedOutputTokens, expectedServiceSeconds } from "../budget/service-time.js";
import type { PipelineEventListener } from "./events.js";
import {
  answerSchemaFor,
  answerSchemaName,
  FigureDescriptionsSchema,
  toStrictJsonSchema,
  type ModelAnswerShape,
  type Task,
} from "./schema.js";
import { costOf, type RequestUsage, type TokenPrices } from "./usage.js";

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
  userSchema?: { name: string; jsonSchema: Record<string, unknown>; validator: z.ZodType<unknown> };
  signal?: AbortSignal;
  document: string;
  onEvent?: PipelineEventListener;
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
const MAX_OUTPUT_BUMPS = 2;
const FIGURE_FOLLOWUP_ROUNDS = 2;

/** Signals that a larger output reserve no longer fits one request: plan smaller chunks. */
class NeedsSmallerChunks extends Error {
  constructor(readonly outputReserve: number) {
    super("answer truncated at the largest output reserve the window allows");
  }
}

/**
 * Run a plan: the single request, or the map requests in parallel then the reduce tree.
 * Re-plans (bounded) when the service reports a context overflow or an image cap, or when an
 * answer is still truncated at the largest output reserve that fits.
 */
export async function executePlan(opts: ExecuteOptions): Promise<ExecuteResult> {
  let plan = opts.initialPlan;
  const usage: RequestUsage[] = [];
  const warnings: string[] = [];
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
        // the server's own limit when it names one, else a fifth less than we believed
        const limit = err.limitTokens && err.limitTokens < plan.window ? err.limitTokens : Math.floor(plan.window * 0.8);
        adjust = { window: Math.floor(limit * 0.95) };
        reason = `context overflow (${err.message}); re-planning for a ${adjust.window}-token window`;
      } else if (err instanceof TooManyImagesError) {
        const cap = err.maxImages && err.maxImages < plan.maxImages ? err.maxImages : Math.max(1, Math.floor(plan.maxImages / 2));
        if (cap === plan.maxImages) throw err;
        adjust = { maxImages: cap };
        reason = `the endpoint accepts at most ${cap} images per request; re-planning`;
      } else if (err instanceof NeedsSmallerChunks) {
        adjust = { outputReserve: err.outputReserve };
        reason = `answers were truncated; re-planning smaller chunks with a ${err.outputReserve}-token output reserve`;
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
      });
    }
  }
}

type RunResult = Omit<ExecuteResult, "plan" | "usage" | "warnings">;

async function runPlan(plan: Plan, opts: ExecuteOptions, usage: RequestUsage[]): Promise<RunResult> {
  const byId = new Map(plan.requests.map((r) => [r.id, r]));
  const consumed = new Set(plan.requests.flatMap((r) => r.inputs ?? []));
  const top = plan.requests.find((r) => !consumed.has(r.id) && (r.kind === "reduce" || r.kind === "single")) ?? plan.requests[plan.requests.length - 1];
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
        const isTop = req === top;
        const custom = isTop && opts.userSchema;
        const schema: z.ZodType<unknown> = custom
          ? opts.userSchema!.validator
          : isTop
            ? answerSchemaFor(opts.task, req.kind)
            : answerSchemaFor(opts.task, "map");
        const schemaSpec = custom
          ? { name: opts.userSchema!.name, schema: opts.userSchema!.jsonSchema }
          : { name: answerSchemaName(opts.task, isTop ? req.kind : "map"), schema: toStrictJsonSchema(schema) };
        let system = req.system;
        let content: ContentPart[];
        if (req.kind === "reduce") {
          const partials = (req.inputs ?? []).map((id, i) => ({ requestId: id, pages: byId.get(id)!.pages, answer: inputs[i] }));
          const built = await buildReduceParts(plan, req, partials);
          system = built.system;
          content = built.content;
        } else {
          content = await materializeParts(req.parts, opts.extraction.figures);
        }
        const value = await callWithOutputRetry(plan, req, { system, content, schema: schemaSpec, priority: priorities.get(req.id)! }, schema, opts, usage);
        if (req.kind !== "reduce" || !isTop) {
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

/** One planned request; on truncation the output reserve grows while the window allows it. */
async function callWithOutputRetry(
  plan: Plan,
  req: PlannedRequest,
  built: BuiltRequest,
  schema: z.ZodType<unknown>,
  opts: ExecuteOptions,
  usage: RequestUsage[],
): Promise<unknown> {
  let maxOutputTokens = plan.outputReserve;
  const room = plan.window - req.totalTokens;
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
        },
        schema,
        opts,
        usage,
      );
    } catch (err) {
      if (!(err instanceof OutputTruncatedError)) throw err;
      const larger = Math.min(room, maxOutputTokens * 2);
      if (bump >= MAX_OUTPUT_BUMPS || larger <= maxOutputTokens) {
        throw new NeedsSmallerChunks(Math.min(Math.floor(plan.window / 2), maxOutputTokens * 2));
      }
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
    const sentAt = performance.now();
    let called: Awaited<ReturnType<JsonModelClient["callJson"]>>;
    try {
      called = await opts.client.callJson(spec.request, validateWith(schema), { signal: opts.signal });
    } catch (err) {
      if (opts.signal?.aborted) reportAbandoned(spec, opts, Math.round(performance.now() - sentAt));
      throw err;
    }
    const { value, answers, repaired } = called;
    // a repaired answer took two calls; both were paid
    const reported = answers.filter((a) => a.usage);
    const promptTokens = reported.length ? reported.reduce((s, a) => s + a.usage!.promptTokens, 0) : null;
    const outputTokens = answers.reduce((s, a) => s + (a.usage?.completionTokens ?? 0), 0);
    const attempts = answers.reduce((s, a) => s + a.attempts, 0);
    const record: RequestUsage = {
      id: spec.id,
      kind: spec.kind,
      pages: spec.pages,
      estimatedInputTokens: spec.estimatedInputTokens,
      promptTokens,
      outputTokens,
      images: spec.images,
      latencyMs: Math.round(answers.reduce((s, a) => s + a.latencyMs, 0)),
      attempts,
      cached: answers.every((a) => a.cached),
      repaired,
      costUSD: answers.every((a) => a.cached) ? 0 : round6(costOf(promptTokens ?? spec.estimatedInputTokens, outputTokens, opts.prices)),
    };
    usage.push(record);
    opts.onEvent?.({
      type: "request-end",
      document: opts.document,
      requestId: spec.id,
      kind: spec.kind,
      inputTokens: promptTokens,
      outputTokens,
      costUSD: record.costUSD,
      cached: record.cached,
      latencyMs: record.latencyMs,
      attempts,
    });
    return value;
  }, spec.priority);
}

/**
 * A request sent and then abandoned on a stop may still be billed: it is reported with its input
 * at the planner's estimate and no output (nothing came back), so the run's records keep it.
 */
function reportAbandoned(spec: CallSpec, opts: ExecuteOptions, latencyMs: number): void {
  opts.onEvent?.({
    type: "request-end",
    document: opts.document,
    requestId: spec.id,
    kind: spec.kind,
    inputTokens: spec.estimatedInputTokens,
    outputTokens: 0,
    costUSD: round6(costOf(spec.estimatedInputTokens, 0, opts.prices)),
    cached: false,
    latencyMs,
    attempts: 1,
    abandoned: true,
  });
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

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
