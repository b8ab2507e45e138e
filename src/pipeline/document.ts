/**
 * summarize(): one PDF → OUT/<stem>/ with the extraction, the plan, the model's structured summary
 * (or the offline engine's) and usage (DESIGN.md §2). The CLI and the batch runner are thin layers
 * over this.
 */
import { readFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { batchPriceFor, pricesFor, resolveProfile, type ModelProfile } from "../budget/profiles.js";
import { expectedCost } from "../budget/cost.js";
import { InputError, formatError, exitCodeOf } from "../errors.js";
import { extract, writeExtraction } from "../extract/index.js";
import { writeFileAtomically, writeJsonAtomically } from "../io/atomic.js";
import { toRequestBody } from "../llm/adapters/index.js";
import { defaultCacheDir } from "../llm/cache.js";
import { createModelClient, type ClientEvent } from "../llm/client.js";
import { learnedImageLimit, rememberImageLimit } from "../llm/limits.js";
import { resolveProvider, type ProviderConfig } from "../llm/providers.js";
import { createRequestSlots, type RequestSlots } from "../llm/slots.js";
import { figureBlocks, type Extraction } from "../model/document.js";
import type { Plan } from "../model/plan.js";
import { SummarySchema, type Summary } from "../model/summary.js";
import { planDocument } from "../plan/index.js";
import { planToJson } from "../plan/json.js";
import { writeReport } from "../report/folder.js";
import type { PipelineEvent, PipelineEventListener } from "./events.js";
import { executePlan, type ExecuteResult, type JsonModelClient, type PlanAdjustment } from "./execute.js";
import { finalizeSummary } from "./finalize.js";
import { renderSummaryMarkdown } from "../report/summary-markdown.js";
import { buildOfflineSummary } from "./offline.js";
import { modelRequestFor, type UserSchema } from "./requests.js";
import { dropNullOptionals, strictifySchema, userSchemaValidator } from "./answer-schema.js";
import { z } from "zod";
import { resultFiles, type Task } from "../model/task.js";
import { positiveInteger } from "../model/numbers.js";
import { usageReport, usageTotals, type RequestUsage, type TokenPrices, type UsageReport } from "./usage.js";

export type { PipelineEvent, PipelineEventListener } from "./events.js";
export { usageLine, type RequestUsage, type UsageReport } from "./usage.js";

import { DEFAULT_OUT_DIR, DEFAULT_OUTPUT_RESERVE, DEFAULT_REQUESTS, defaultOutputReserve } from "../defaults.js";
export { DEFAULT_OUT_DIR, DEFAULT_OUTPUT_RESERVE, DEFAULT_REQUESTS };

export interface SummarizeOptions {
  /** "summarize" (default) or "figures" (a description for every figure plus a short summary) */
  task?: Task;
  /** output folder; the document's files go to <out>/<stem>/ (default ./longdoc-out) */
  out?: string;
  /** subfolder name under `out` (default: the PDF's file name without extension) */
  folderName?: string;
  /** mistral, openrouter, openai or offline (default: from the environment's keys, else offline) */
  provider?: string;
  /** an OpenAI-compatible endpoint (LONGDOC_BASE_URL); implies provider openai unless one is given */
  baseUrl?: string;
  /** model id or alias (default: the provider's default model) */
  model?: string;
  /** override the profile's window, in tokens */
  contextWindow?: number;
  /** output reserve per request (default 8192) */
  maxOutputTokens?: number;
  /** "high": the model thinks before answering (larger output reserve, temperature 0.7) */
  reasoning?: "none" | "high";
  /** override the profile's image cap per request */
  maxImages?: number;
  /** longest side of a figure image, px (default 1540) */
  imageMaxSide?: number;
  /** page range such as "1-20,35" (1-based, inclusive) */
  pages?: string;
  /** the PDF's password, when it has one */
  password?: string;
  /** an extra instruction appended to the system prompt */
  prompt?: string;
  /** --schema: path of a JSON Schema file the model fills instead of the summary schema */
  schemaFile?: string;
  /** model requests in flight for this document (ignored when ctx.requestSlots is given) */
  requests?: number;
  /** false = --no-cache */
  cache?: boolean;
  /** the response cache folder (default: the user cache folder) */
  cacheDir?: string;
  /** write the plan and the exact request bodies (requests/<id>.json); send nothing */
  dryRun?: boolean;
  /** where provider keys and LONGDOC_BASE_URL are read (default process.env) */
  env?: NodeJS.ProcessEnv;
  /** model profiles file (default: the user config folder) */
  profilesFile?: string;
  /** overall cap per attempt however actively it streams (default 60 min) */
  timeoutMs?: number;
  /** --idle-timeout in ms: a streamed answer that sends nothing this long is cut and sent again once (default 120 s) */
  idleTimeoutMs?: number;
  /** extraction's limits: per document (--timeout) and per page (--page-timeout) */
  extractTimeoutMs?: number;
  /** per-page extraction limit (default 10 s) */
  pageTimeoutMs?: number;
  /** retries of a failed call (the paid-call budget of 3 per request still holds) */
  maxRetries?: number;
  /** --price-input / --price-output: USD per million tokens, where the profile has no price (given: they win) */
  priceInput?: number;
  /** see priceInput */
  priceOutput?: number;
}

export interface SummarizeContext {
  /** shared slots: a batch bounds requests in flight across all documents with one */
  requestSlots?: RequestSlots;
  /** the source's sha256 when the caller has already read it */
  sha256?: string;
  /** abort to stop: nothing new is sent; requests in flight are abandoned */
  signal?: AbortSignal;
  /** progress: every event of the run, in order */
  onEvent?: PipelineEventListener;
  /**
   * Answers come from the provider's batch jobs (--batch-api) instead of live calls: this client
   * takes the requests, and what it answers is priced at the profile's batch price and marked
   * `batch: true` in usage.json.
   */
  batchClient?: JsonModelClient;
}

export interface SummarizeResult {
  /** the PDF path as given */
  document: string;
  /** the document's output folder */
  outDir: string;
  /** single, map-reduce or offline */
  mode: Summary["engine"]["mode"];
  /** null for --dry-run and for --schema (see `result`) */
  summary: Summary | null;
  /** --schema: the user's result, validated against their schema (written to result.json) */
  result?: unknown;
  /** the plan the answers came from (after any re-plan) */
  plan: Plan;
  /** what was written to usage.json */
  usage: UsageReport;
  /** model requests made (cached answers included) */
  requests: number;
  /** true for --dry-run: nothing was sent */
  dryRun: boolean;
  /** what the run could not do as planned */
  warnings: string[];
  /** files written, relative to outDir */
  files: string[];
}

/** Which engine a run uses, decided before any work so a caller can print the offline notice once. */
export function resolveEngine(options: Pick<SummarizeOptions, "provider" | "baseUrl" | "model" | "maxImages" | "env">): ProviderConfig {
  return resolveProvider(
    { provider: options.provider, baseUrl: options.baseUrl, model: options.model, maxImages: options.maxImages },
    options.env ?? process.env,
  );
}

export function outputFolderName(pdfPath: string): string {
  const name = basename(pdfPath);
  const stem = extname(name).toLowerCase() === ".pdf" ? name.slice(0, -4) : name;
  return stem.replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_") || "document";
}

/** Summarise one PDF into OUT/<stem>/. Throws a LongdocError (with its exit code) on failure. */
export async function summarize(pdfPath: string, options: SummarizeOptions = {}, ctx: SummarizeContext = {}): Promise<SummarizeResult> {
  const task: Task = options.task ?? "summarize";
  const outDir = resolve(options.out ?? DEFAULT_OUT_DIR, options.folderName ?? outputFolderName(pdfPath));
  const emit = (e: PipelineEvent) => ctx.onEvent?.(e);
  const started = Date.now();
  emit({ type: "started", document: pdfPath, task, outDir });
  try {
    const result = await run(pdfPath, task, outDir, options, ctx, emit);
    emit({
      type: "done",
      document: pdfPath,
      outDir,
      mode: result.mode,
      requests: result.requests,
      usage: usageTotals(result.usage),
      seconds: (Date.now() - started) / 1000,
      dryRun: result.dryRun,
    });
    return result;
  } catch (err) {
    emit({ type: "failed", document: pdfPath, error: formatError(err), exitCode: exitCodeOf(err) });
    throw err;
  }
}

/** `figures` mode: the same files, with a description for every figure and a short summary. */
export function describeFigures(pdfPath: string, options: SummarizeOptions = {}, ctx: SummarizeContext = {}): Promise<SummarizeResult> {
  return summarize(pdfPath, { ...options, task: "figures" }, ctx);
}

/** What a run settles before any work: the engine, the model's profile, the reserve, the user's schema. */
interface RunSetup {
  task: Task;
  outDir: string;
  provider: ProviderConfig;
  profile: ModelProfile;
  outputReserve: number;
  userSchema: UserSchema | undefined;
  prices: TokenPrices | null;
  /** the plan for this profile, or for the adjustments a failed request taught */
  planFor: (extraction: Extraction, adjust?: PlanAdjustment) => Plan;
}

/** One document's stages, in order: set up → extract → plan → call the model → finalize → write. */
async function run(
  pdfPath: string,
  task: Task,
  outDir: string,
  options: SummarizeOptions,
  ctx: SummarizeContext,
  emit: (e: PipelineEvent) => void,
): Promise<SummarizeResult> {
  const setup = await setUp(task, outDir, options, ctx);
  ctx.signal?.throwIfAborted();
  const extraction = await extractStage(pdfPath, setup, options, ctx, emit);
  const files = ["document.json", "document.md", ...figureBlocks(extraction.document).map((f) => f.file)];
  const plan = await planStage(pdfPath, extraction, setup, options, emit);
  files.push("plan.json");
  const done = (r: Omit<SummarizeResult, "document" | "outDir" | "files">, written: string[]): SummarizeResult => ({
    document: pdfPath,
    outDir,
    ...r,
    files: [...files, ...written],
  });

  if (options.dryRun) {
    const written = await writeDryRun(plan, extraction, setup, options);
    return done({ mode: plan.mode, summary: null, plan, usage: written.usage, requests: 0, dryRun: true, warnings: [] }, written.files);
  }
  if (setup.provider.name === "offline") {
    const summary = SummarySchema.parse(buildOfflineSummary(extraction.document));
    const usage = usageReport("offline", "none", null, []);
    const written = await writeSummaryFiles(summary, extraction, usage, outDir, task);
    return done({ mode: "offline", summary, plan, usage, requests: 0, dryRun: false, warnings: summary.warnings }, written);
  }

  const called = await callStage(pdfPath, extraction, plan, setup, options, ctx, emit);
  if (setup.userSchema) {
    await writeJsonAtomically(join(outDir, "result.json"), called.executed.custom);
    await writeJsonAtomically(join(outDir, resultFiles(task).usage), called.usage);
    return done(
      {
        mode: called.plan.mode,
        summary: null,
        result: called.executed.custom,
        plan: called.plan,
        usage: called.usage,
        requests: called.requests,
        dryRun: false,
        warnings: called.executed.warnings,
      },
      ["result.json", resultFiles(task).usage],
    );
  }
  const summary = finalizeStage(extraction, called, setup);
  for (const message of summary.warnings) emit({ type: "warning", document: pdfPath, message });
  const written = await writeSummaryFiles(summary, extraction, called.usage, outDir, task);
  return done(
    {
      mode: called.plan.mode,
      summary,
      plan: called.plan,
      usage: called.usage,
      requests: called.requests,
      dryRun: false,
      warnings: summary.warnings,
    },
    written,
  );
}

async function setUp(task: Task, outDir: string, options: SummarizeOptions, ctx: SummarizeContext): Promise<RunSetup> {
  const provider = resolveEngine(options);
  // a limit the endpoint named earlier in this run holds for every later document
  const learned = learnedImageLimit(provider);
  const profile = withGivenPrices(
    resolveProfile({
      model: provider.model,
      provider: provider.name,
      contextWindow: options.contextWindow,
      imageMaxSide: options.imageMaxSide,
      maxImages: learned !== undefined ? Math.min(learned, options.maxImages ?? learned) : options.maxImages,
      configFile: options.profilesFile,
    }),
    options,
    provider.name,
  );
  const outputReserve =
    positiveInteger(options.maxOutputTokens, "--max-output-tokens") ?? defaultOutputReserve(options.reasoning, profile.window);
  if (outputReserve >= profile.window)
    throw new InputError(`--max-output-tokens ${outputReserve} leaves no room in a ${profile.window}-token window`);
  const userSchema = options.schemaFile ? await loadUserSchema(options.schemaFile) : undefined;
  if (userSchema && provider.name === "offline" && !options.dryRun) {
    throw new InputError("--schema needs a model: set a provider (the offline engine only writes its own summary)");
  }
  const prices = (ctx.batchClient && batchPrices(profile, provider.name)) || runPrices(options, profile, provider.name);
  const planFor = (extraction: Extraction, adjust: PlanAdjustment = {}): Plan =>
    planDocument(extraction.document, {
      task,
      profile: { ...profile, window: adjust.window ?? profile.window, maxImages: adjust.maxImages ?? profile.maxImages },
      provider: provider.name,
      outputReserve: adjust.outputReserve ?? outputReserve,
      userPrompt: options.prompt,
      customSchema: userSchema !== undefined,
    });
  return { task, outDir, provider, profile, outputReserve, userSchema, prices, planFor };
}

async function extractStage(
  pdfPath: string,
  setup: RunSetup,
  options: SummarizeOptions,
  ctx: SummarizeContext,
  emit: (e: PipelineEvent) => void,
): Promise<Extraction> {
  const t0 = Date.now();
  const extraction = await extract(pdfPath, {
    pages: options.pages,
    password: options.password,
    imageMaxSide: setup.profile.image.maxSide,
    sha256: ctx.sha256,
    timeoutMs: options.extractTimeoutMs,
    pageTimeoutMs: options.pageTimeoutMs,
  });
  emit({
    type: "extracted",
    document: pdfPath,
    pages: extraction.document.pages.length,
    figures: extraction.figures.size,
    seconds: (Date.now() - t0) / 1000,
  });
  await writeExtraction(extraction, setup.outDir);
  return extraction;
}

async function planStage(
  pdfPath: string,
  extraction: Extraction,
  setup: RunSetup,
  options: SummarizeOptions,
  emit: (e: PipelineEvent) => void,
): Promise<Plan> {
  const plan = setup.planFor(extraction);
  const offline = setup.provider.name === "offline" && !options.dryRun;
  emit({
    type: "planned",
    document: pdfPath,
    mode: offline ? "offline" : plan.mode,
    requests: offline ? 0 : plan.requests.length,
    estimatedInputTokens: plan.requests.reduce((s, r) => s + r.totalTokens, 0),
    estimatedCostUSD: plan.estimatedCostUSD,
    expectedCostUSD: expectedCost(plan, setup.profile, setup.provider.name),
    attempt: 1,
    dryRun: options.dryRun === true,
  });
  await writeJsonAtomically(join(setup.outDir, "plan.json"), planToJson(plan));
  return plan;
}

interface CallResult {
  executed: ExecuteResult;
  /** the plan the answers came from (a re-plan after an overflow or an image limit replaces the first) */
  plan: Plan;
  usage: UsageReport;
  requests: number;
}

async function callStage(
  pdfPath: string,
  extraction: Extraction,
  firstPlan: Plan,
  setup: RunSetup,
  options: SummarizeOptions,
  ctx: SummarizeContext,
  emit: (e: PipelineEvent) => void,
): Promise<CallResult> {
  const { provider, profile, prices, outDir } = setup;
  const client =
    ctx.batchClient ??
    createModelClient(provider, {
      cacheDir: options.cache === false ? false : (options.cacheDir ?? defaultCacheDir(options.env)),
      timeoutMs: options.timeoutMs,
      idleTimeoutMs: options.idleTimeoutMs,
      maxRetries: options.maxRetries,
      onEvent: (e: ClientEvent) => {
        if (e.type === "retry")
          emit({
            type: "warning",
            document: pdfPath,
            message: `request ${e.id}: retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s (${e.reason})`,
          });
        if (e.type === "repair")
          emit({ type: "warning", document: pdfPath, message: `request ${e.id}: answer did not fit the schema, asking once for a repair` });
        if (e.type === "progress")
          emit({ type: "request-progress", document: pdfPath, requestId: e.id, tokens: e.tokens, thinking: e.thinking });
      },
    });
  let plan = firstPlan;
  // another document of the run may have learned the endpoint's image limit while this one was planned
  const limit = learnedImageLimit(provider);
  if (limit !== undefined && limit < plan.maxImages) {
    plan = setup.planFor(extraction, { maxImages: limit });
    await writeJsonAtomically(join(outDir, "plan.json"), planToJson(plan));
  }
  // every call lands here as it ends, so a failed document still writes what it spent
  const ledger: RequestUsage[] = [];
  const executed = await executePlan({
    task: setup.task,
    extraction,
    profile,
    prices,
    client,
    reasoning: options.reasoning ?? "none",
    slots: ctx.requestSlots ?? createRequestSlots(positiveInteger(options.requests, "--requests") ?? DEFAULT_REQUESTS),
    replan: (adjust) =>
      setup.planFor(extraction, {
        ...adjust,
        maxImages: Math.min(adjust.maxImages ?? plan.maxImages, learnedImageLimit(provider) ?? Infinity),
      }),
    initialPlan: plan,
    userSchema: setup.userSchema,
    signal: ctx.signal,
    document: pdfPath,
    onEvent: ctx.onEvent,
    usage: ledger,
    onImageLimit: (n) => rememberImageLimit(provider, n),
  }).catch(async (err: unknown) => {
    if (ledger.length > 0) {
      const failed = usageReport(provider.name, profile.model, prices, ledger, { status: "failed", error: formatError(err) });
      await writeJsonAtomically(join(outDir, resultFiles(setup.task).usage), failed).catch(() => undefined);
    }
    throw err;
  });
  if (executed.plan !== plan) {
    plan = executed.plan;
    await writeJsonAtomically(join(outDir, "plan.json"), planToJson(plan));
  }
  // a batch answer read from the cache was not paid again: only what the batch answered is batch-priced
  const requestUsage = ctx.batchClient ? executed.usage.map((u) => (u.cached ? u : { ...u, batch: true })) : executed.usage;
  return { executed, plan, usage: usageReport(provider.name, profile.model, prices, requestUsage), requests: executed.usage.length };
}

function finalizeStage(extraction: Extraction, called: CallResult, setup: RunSetup): Summary {
  return SummarySchema.parse(
    finalizeSummary({
      document: extraction.document,
      answer: called.executed.answer!,
      partialFigures: called.executed.partialFigures,
      sentFigureIds: called.executed.sentFigureIds,
      engine: { provider: setup.provider.name, model: setup.profile.model, mode: called.plan.mode, requests: called.requests },
      usage: usageTotals(called.usage),
      warnings: [...called.plan.warnings, ...called.executed.warnings],
    }),
  );
}

async function writeSummaryFiles(
  summary: Summary,
  extraction: Extraction,
  usage: UsageReport,
  outDir: string,
  task: Task,
): Promise<string[]> {
  const names = resultFiles(task);
  await writeJsonAtomically(join(outDir, names.json), summary);
  await writeFileAtomically(join(outDir, names.markdown), renderSummaryMarkdown(summary));
  // the report shows this result and the other task's, when an earlier run left one here
  await writeReport(outDir, extraction.document);
  await writeJsonAtomically(join(outDir, names.usage), usage);
  return [names.json, names.markdown, "report.html", names.usage];
}

/**
 * --dry-run: the exact bodies each request would send (images included as data URLs, never a key)
 * in requests/<id>.json, built by the same code as the bodies sent. A reduce body needs the map
 * answers, so its partials are placeholders.
 */
async function writeDryRun(
  plan: Plan,
  extraction: Extraction,
  setup: RunSetup,
  options: SummarizeOptions,
): Promise<{ files: string[]; usage: UsageReport }> {
  const files: string[] = [];
  for (const req of plan.requests) {
    const partials = (req.inputs ?? []).map((id) => ({ note: `(dry run: the answer of request ${id} goes here)` }));
    const { request } = await modelRequestFor(plan, req, {
      task: setup.task,
      extraction,
      model: setup.profile.model,
      reasoning: options.reasoning ?? "none",
      userSchema: setup.userSchema,
      partials,
    });
    const rel = `requests/${req.id}.json`;
    await writeJsonAtomically(join(setup.outDir, rel), toRequestBody(setup.provider.name, request));
    files.push(rel);
  }
  const usage = usageReport(setup.provider.name, setup.profile.model, setup.prices, []);
  const name = resultFiles(setup.task).usage;
  await writeJsonAtomically(join(setup.outDir, name), usage);
  return { files: [...files, name], usage };
}

async function loadUserSchema(file: string): Promise<UserSchema> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new InputError(`cannot read the schema file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`the schema file is not valid JSON (${(err as Error).message})`, file);
  }
  if (!json || typeof json !== "object" || Array.isArray(json) || (json as { type?: unknown }).type !== "object") {
    throw new InputError('the schema must be a JSON Schema object with "type": "object" at the top', file);
  }
  let validator;
  try {
    validator = userSchemaValidator(json as Record<string, unknown>);
  } catch (err) {
    throw new InputError(`the schema cannot be used (${(err as Error).message})`, file);
  }
  const name =
    (typeof (json as { title?: unknown }).title === "string" ? (json as { title: string }).title : basename(file, extname(file)))
      .replace(/[^A-Za-z0-9_-]/g, "_")
      .slice(0, 64) || "result";
  // sent strict; the answer is checked against the user's own schema (nulls for optional fields dropped)
  const original = json as Record<string, unknown>;
  return { name, jsonSchema: strictifySchema(original), validator: z.preprocess((v) => dropNullOptionals(v, original), validator) };
}

/**
 * Prices for the run: --price-input / --price-output when given (both), else the profile's first
 * price for the provider; null when neither knows one (self-hosted servers).
 */
export function runPrices(
  options: Pick<SummarizeOptions, "priceInput" | "priceOutput">,
  profile: ModelProfile,
  provider: string,
): TokenPrices | null {
  const { priceInput, priceOutput } = options;
  if ((priceInput === undefined) !== (priceOutput === undefined)) {
    throw new InputError("--price-input and --price-output go together (USD per million tokens)");
  }
  if (priceInput !== undefined && priceOutput !== undefined) {
    if (!(priceInput >= 0) || !(priceOutput >= 0)) throw new InputError("--price-input and --price-output must be numbers ≥ 0");
    return { input: priceInput, output: priceOutput };
  }
  const row = pricesFor(profile, provider)[0];
  return row ? { input: row.inputPerM, output: row.outputPerM } : null;
}

/**
 * The profile with --price-input / --price-output as the provider's first price, so the plan's
 * estimate (what --max-cost admits) and usage.json price the run alike.
 */
function withGivenPrices(profile: ModelProfile, options: SummarizeOptions, provider: string): ModelProfile {
  const given = runPrices(options, profile, provider);
  if (options.priceInput === undefined || !given) return profile;
  const row = { host: "--price-input/--price-output", inputPerM: given.input, outputPerM: given.output };
  return { ...profile, prices: { ...profile.prices, [provider]: [row, ...(profile.prices[provider] ?? [])] } };
}

function batchPrices(profile: ModelProfile, provider: string): TokenPrices | null {
  const price = batchPriceFor(profile, provider);
  return price ? { input: price.inputPerM, output: price.outputPerM } : null;
}

/**
 * --max-cost needs a price: without one every cost reads $0 and the limit would silently never
 * apply. Throws an InputError (exit 2) saying how to give prices.
 */
export function requirePricesForMaxCost(options: SummarizeOptions & { maxCost?: number }): void {
  if (options.maxCost === undefined || options.dryRun) return;
  const provider = resolveEngine(options);
  if (provider.name === "offline") return;
  const profile = resolveProfile({ model: provider.model, provider: provider.name, configFile: options.profilesFile });
  if (runPrices(options, profile, provider.name) === null) {
    throw new InputError(
      `--max-cost: no price is known for model ${provider.model} on provider ${provider.name}; give one with --price-input USD and --price-output USD (per million tokens) or in the profiles file`,
    );
  }
}
