/**
 * The `summarize` / `figures` actions: one PDF named on its own runs here, document by document
 * (runTask); folders, globs and several files go to the batch runner (runBatchTask).
 */
import { shownPath } from "../io/stand-in-paths.js";
import { runBatchCommand } from "./batch-command.js";
import { ExitCode, exitCodeOf, formatError } from "../errors.js";
import type { ProviderConfig } from "../llm/providers.js";
import { afterGrace, createRequestSlots, wrapRequestSlots } from "../llm/slots.js";
import type { CliIO } from "./program.js";
import { plural } from "../report/format.js";
import {
  DEFAULT_REQUESTS,
  requirePricesForMaxCost,
  resolveEngine,
  summarize,
  usageLine,
  type PipelineEvent,
  type SummarizeOptions,
  type SummarizeResult,
} from "../pipeline/document.js";
import type { Task } from "../model/task.js";
import { verbosityOf } from "./options.js";
import { parseShard } from "../batch/shard.js";
import type { SummarizeCliOptions } from "./commands/summarize.js";
import { timeLimitsMs } from "./time-limits.js";

/** Human progress on stderr: a few lines per document, never the key. */
function describeEvent(e: PipelineEvent, verbose: boolean): string | null {
  switch (e.type) {
    case "request-start":
      return verbose
        ? `${e.document}: request ${e.requestId} (${e.kind}, pages ${e.pages[0]}-${e.pages[1]}, ${e.images} image${e.images === 1 ? "" : "s"}, ~${e.estimatedInputTokens} input tokens) sent`
        : null;
    case "extracted":
      return `${e.document}: ${plural(e.pages, "page")}, ${plural(e.figures, "figure")} extracted (${e.seconds.toFixed(1)} s)`;
    case "planned":
      return e.mode === "offline"
        ? null
        : `${e.document}: ${e.attempt > 1 ? "re-planned" : "plan"}: ${e.mode}, ${e.requests} request${e.requests === 1 ? "" : "s"}, ~${e.estimatedInputTokens} input tokens, ${e.expectedCostUSD !== undefined ? `~$${e.expectedCostUSD.toFixed(4)} expected, ` : ""}at most $${e.estimatedCostUSD.toFixed(4)}`;
    case "request-end":
      return `${e.document}: request ${e.requestId} (${e.kind}) ${e.cached ? "answered from the cache" : `done in ${(e.latencyMs / 1000).toFixed(1)} s`}: ${e.inputTokens ?? "?"} in, ${e.outputTokens} out${e.attempts > 1 ? `, ${e.attempts} attempts` : ""}`;
    case "warning":
      return `${e.document}: warning: ${e.message}`;
    case "replanned":
      return `${e.document}: ${e.reason}`;
    default:
      return null;
  }
}

/** One PDF named on its own: its progress in lines, its files in OUT/<stem>/ (no index). */
export async function runOneDocument(task: Task, input: string, o: SummarizeCliOptions, io: CliIO): Promise<number> {
  const options = toSummarizeOptions(task, o, io.env);
  const verbosity = verbosityOf(o);
  const out = (s: string) => io.stdout.write(s);
  const err = (s: string) => io.stderr.write(s);
  // decide the engine once, so a bad provider setting fails before any work (exit 2)
  let engine: ProviderConfig;
  try {
    engine = resolveEngine(options);
    requirePricesForMaxCost({ ...options, maxCost: o.maxCost });
  } catch (e) {
    err(`longdoc: ${formatError(e)}\n`);
    return exitCodeOf(e);
  }
  if (engine.name === "offline" && !o.dryRun) err(offlineNotice(o.provider === "offline"));

  // on a stop, no request starts; those in flight get the grace, then the pipeline is aborted
  const stop = io.stop.signal;
  const slots = createRequestSlots(o.requests ?? DEFAULT_REQUESTS);
  const requestSlots = wrapRequestSlots(slots, (fn, priority) =>
    slots.run(() => {
      stop.throwIfAborted();
      return fn();
    }, priority),
  );
  const controller = afterGrace(stop, io.stop.grace, () => slots.active > 0);
  const onEvent = (event: PipelineEvent) => {
    // a PDF read from standard input is named as the user named it, not by its temporary copy
    const e = "document" in event ? { ...event, document: shownPath(event.document) } : event;
    if (o.json) out(JSON.stringify(e) + "\n");
    else if (verbosity !== "quiet") {
      const line = describeEvent(e, verbosity === "verbose");
      if (line) err(line + "\n");
    }
  };

  try {
    let result: SummarizeResult;
    try {
      result = await summarize(input, options, { requestSlots, signal: controller.signal, onEvent });
    } catch (e) {
      // 130, or 143 / 129 when stopped by SIGTERM / SIGHUP
      const code = stop.aborted ? (io.stop.exitCode ?? ExitCode.interrupted) : exitCodeOf(e);
      const line = formatError(e);
      const name = shownPath(input);
      if (o.json) out(JSON.stringify({ type: "result", document: name, ok: false, error: line, exitCode: code }) + "\n");
      err(`longdoc: ${line.includes(name) ? line : `${name}: ${line}`}\n`);
      return code;
    }
    const name = shownPath(input);
    if (o.json) {
      out(
        JSON.stringify({
          type: "result",
          document: name,
          ok: true,
          outDir: result.outDir,
          mode: result.mode,
          dryRun: result.dryRun,
          requests: result.requests,
          usage: result.usage.totals,
          files: result.files,
        }) + "\n",
      );
    } else if (result.dryRun) {
      const n = result.plan.requests.length;
      const reduceNote = result.plan.requests.some((q) => q.kind === "reduce")
        ? "; reduce bodies hold placeholders where the map answers go"
        : "";
      err(
        `${name}: dry run: no request sent; the exact request bodies are in ${result.outDir}/requests/ (${n} file${n === 1 ? "" : "s"}${reduceNote})\n`,
      );
    } else {
      err(`${name}: wrote ${result.outDir}/ (${writtenNote(result.files)})\n`);
      if (result.mode !== "offline" && verbosity !== "quiet") err(`${name}: usage: ${usageLine(result.usage)}\n`);
    }
    return ExitCode.ok;
  } finally {
    controller.dispose();
  }
}

/** What a finished run wrote, from its own list of files: a --schema run has no report to claim. */
export function writtenNote(files: string[]): string {
  const main = ["summary.md", "figures.md", "result.json"].filter((f) => files.includes(f));
  const extra = ["report.html", "usage.json", "figures-usage.json"].filter((f) => files.includes(f));
  return [...main, ...extra].join(", ");
}

export function toSummarizeOptions(task: Task, o: SummarizeCliOptions, env?: NodeJS.ProcessEnv): SummarizeOptions {
  return {
    task,
    env,
    out: o.out,
    provider: o.provider,
    baseUrl: o.baseUrl,
    model: o.model,
    contextWindow: o.contextWindow,
    maxOutputTokens: o.maxOutputTokens,
    reasoning: o.reasoning,
    maxImages: o.maxImages,
    imageMaxSide: o.imageMaxSide,
    pages: o.pages,
    password: o.password,
    prompt: o.prompt,
    schemaFile: o.schema,
    requests: o.requests,
    cache: o.cache,
    cacheDir: o.cacheDir,
    dryRun: o.dryRun,
    idleTimeoutMs: o.idleTimeout !== undefined ? Math.round(o.idleTimeout * 1000) : undefined,
    priceInput: o.priceInput,
    priceOutput: o.priceOutput,
    extractTimeoutMs: timeLimitsMs(o).timeoutMs,
    pageTimeoutMs: timeLimitsMs(o).pageTimeoutMs,
  };
}

/** The one-line notice when no provider is configured (or offline was asked for). */
export function offlineNotice(explicit: boolean): string {
  return explicit
    ? "longdoc: --provider offline: using the offline engine (no model: extractive summary, figure captions only)\n"
    : "longdoc: no provider configured (set MISTRAL_API_KEY, OPENROUTER_API_KEY or LONGDOC_BASE_URL, or pass --provider): " +
        "using the offline engine (no model: extractive summary, figure captions only)\n";
}

/**
 * Several PDFs, folders, globs, a shard, --batch-api, or a spending limit: the batch runner, which
 * schedules, resumes, writes the index and holds the budget (same options as for one document).
 */
export async function runDocuments(task: Task, inputs: string[], o: SummarizeCliOptions, io: CliIO): Promise<number> {
  const options = toSummarizeOptions(task, o, io.env);
  try {
    const engine = resolveEngine(options);
    requirePricesForMaxCost({ ...options, maxCost: o.maxCost });
    const shard = o.shard === undefined ? undefined : parseShard(o.shard);
    if (o.batchApi && !o.dryRun) {
      // provider batch jobs in rounds (a dry run sends nothing, so it is the same as without)
      const { runBatchApiCommand } = await import("./batch-api-command.js");
      return await runBatchApiCommand(
        inputs,
        options,
        { out: o.out, concurrency: o.concurrency, maxCostUSD: o.maxCost, json: o.json, shard },
        io,
      );
    }
    if (engine.name === "offline" && !o.dryRun) io.stderr.write(offlineNotice(o.provider === "offline"));
    return await runBatchCommand(
      inputs,
      {
        ...options,
        out: o.out,
        concurrency: o.concurrency,
        maxCostUSD: o.maxCost,
        json: o.json,
        quiet: o.quiet,
        verbose: o.verbose,
        shard,
      },
      io,
    );
  } catch (err) {
    io.stderr.write(`longdoc: ${formatError(err)}\n`);
    return exitCodeOf(err);
  }
}
