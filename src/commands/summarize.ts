import { Command, InvalidArgumentError, Option } from "commander";
import { createRequestSlots } from "../llm/slots.js";
import type { CommandContext } from "../cli.js";
import { isBatchInput, runBatchTask } from "../batch/command.js";
import { ExitCode, exitCodeOf, formatError } from "../errors.js";
import type { ProviderConfig } from "../llm/providers.js";
import {
  DEFAULT_OUT_DIR,
  DEFAULT_REQUESTS,
  resolveEngine,
  summarize,
  usageLine,
  type PipelineEvent,
  type SummarizeOptions,
  type SummarizeResult,
} from "../summarize.js";
import type { Task } from "../summary/schema.js";

/** Options of `summarize` and `figures` as commander parses them (DESIGN.md §1). */
export type SummarizeCliOptions = Pick<
  SummarizeOptions,
  | "provider" | "baseUrl" | "model" | "contextWindow" | "maxOutputTokens" | "reasoning"
  | "maxImages" | "imageMaxSide" | "pages" | "password" | "prompt"
> & {
  /** --schema FILE (SummarizeOptions.schemaFile) */
  schema?: string;
  out: string;
  concurrency?: number;
  requests: number;
  maxCost?: number;
  cache: boolean;
  cacheDir?: string;
  dryRun?: boolean;
  json?: boolean;
};

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

/** The common options; a batch layer may add more to the same commands. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--provider <name>", "where requests go (default: from the environment)").choices(["mistral", "openrouter", "openai", "offline"]))
    .option("--base-url <url>", "endpoint of an OpenAI-compatible server (also overrides the others)")
    .option("--model <id>", "model id (default mistral-small-2603)")
    .option("--context-window <n>", "override the model profile's window", positiveInt)
    .option("--max-output-tokens <n>", "output reserve per request (default 8192)", positiveInt)
    .addOption(new Option("--reasoning <effort>", "reasoning effort").choices(["none", "high"]).default("none"))
    .option("--max-images <n>", "images per request the endpoint accepts", positiveInt)
    .option("--image-max-side <px>", "longest side of any image sent (default 1540)", positiveInt)
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password for encrypted PDFs")
    .option("--prompt <text>", "extra instruction for the model")
    .option("--schema <file>", "JSON Schema of a custom result: the model fills it (written to result.json)")
    .option("--out <dir>", "output folder, one subfolder per document", DEFAULT_OUT_DIR)
    .option("--concurrency <n>", "documents in flight", positiveInt)
    .option("--requests <n>", "model requests in flight, across all documents", positiveInt, DEFAULT_REQUESTS)
    .option("--max-cost <usd>", "stop starting new documents past this estimated spend", nonNegativeNumber)
    .option("--no-cache", "do not use the response cache")
    .option("--cache-dir <dir>", "response cache folder (default: the user cache folder)")
    .option("--dry-run", "everything but the model calls; writes the exact request bodies to requests/")
    .option("--json", "machine-readable events and results on stdout (one JSON object per line)");
}

export function toSummarizeOptions(task: Task, o: SummarizeCliOptions): SummarizeOptions {
  return {
    task,
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
  };
}

/** The one-line notice when no provider is configured (or offline was asked for). */
export function offlineNotice(explicit: boolean): string {
  return explicit
    ? "longdoc: --provider offline: using the offline engine (no model: extractive summary, figure captions only)\n"
    : "longdoc: no provider configured (set MISTRAL_API_KEY, OPENROUTER_API_KEY or LONGDOC_BASE_URL, or pass --provider): " +
        "using the offline engine (no model: extractive summary, figure captions only)\n";
}

/** Human progress on stderr: a few lines per document, never the key. */
function describeEvent(e: PipelineEvent): string | null {
  switch (e.type) {
    case "extracted":
      return `${e.document}: ${e.pages} pages, ${e.figures} figures extracted (${e.seconds.toFixed(1)} s)`;
    case "planned":
      return e.mode === "offline"
        ? null
        : `${e.document}: ${e.attempt > 1 ? "re-planned" : "plan"}: ${e.mode}, ${e.requests} request${e.requests === 1 ? "" : "s"}, ~${e.estimatedInputTokens} input tokens, ~$${e.estimatedCostUSD.toFixed(4)}`;
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

function registerTask(program: Command, ctx: CommandContext, task: Task, description: string): void {
  const cmd = program.command(task).description(description).argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively) or globs");
  addModelOptions(cmd).action(async (inputs: string[], o: SummarizeCliOptions) => {
    // folders, globs and several files run as a batch (src/batch): concurrency, index, resume, budget
    ctx.setExitCode(await ((await isBatchInput(inputs)) ? runBatchTask(task, inputs, o) : runTask(task, inputs, o)));
  });
}

/** Documents one after another (a batch layer adds concurrency, folders and globs). */
export async function runTask(task: Task, inputs: string[], o: SummarizeCliOptions): Promise<number> {
  const options = toSummarizeOptions(task, o);
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  // decide the engine once, so a bad provider setting fails before any work (exit 2)
  let engine: ProviderConfig;
  try {
    engine = resolveEngine(options);
  } catch (e) {
    err(`longdoc: ${formatError(e)}\n`);
    return exitCodeOf(e);
  }
  if (engine.name === "offline" && !o.dryRun) err(offlineNotice(o.provider === "offline"));

  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", onSigint);
  const requestSlots = createRequestSlots(o.requests ?? DEFAULT_REQUESTS);
  const onEvent = (e: PipelineEvent) => {
    if (o.json) out(JSON.stringify(e) + "\n");
    else {
      const line = describeEvent(e);
      if (line) err(line + "\n");
    }
  };

  const failures: number[] = [];
  let spent = 0;
  try {
    for (const [i, input] of inputs.entries()) {
      if (controller.signal.aborted) break;
      if (o.maxCost !== undefined && spent >= o.maxCost) {
        err(`longdoc: --max-cost $${o.maxCost} reached ($${spent.toFixed(4)} spent): ${inputs.length - i} document(s) not started\n`);
        failures.push(ExitCode.someFailed);
        break;
      }
      let result: SummarizeResult;
      try {
        result = await summarize(input, options, { requestSlots, signal: controller.signal, onEvent });
      } catch (e) {
        const code = controller.signal.aborted ? ExitCode.interrupted : exitCodeOf(e);
        failures.push(code);
        const line = formatError(e);
        if (o.json) out(JSON.stringify({ type: "result", document: input, ok: false, error: line, exitCode: code }) + "\n");
        err(`longdoc: ${line.includes(input) ? line : `${input}: ${line}`}\n`);
        // a refused key or quota refuses every document alike: stop at once
        if (code === ExitCode.providerRefused || code === ExitCode.interrupted) break;
        continue;
      }
      spent += result.usage.totals.costUSD;
      if (o.json) {
        out(
          JSON.stringify({
            type: "result",
            document: input,
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
        const reduceNote = result.plan.requests.some((q) => q.kind === "reduce") ? "; reduce bodies hold placeholders where the map answers go" : "";
        err(`${input}: dry run: no request sent; the exact request bodies are in ${result.outDir}/requests/ (${n} file${n === 1 ? "" : "s"}${reduceNote})\n`);
      } else {
        const main = result.summary ? "summary.md" : "result.json";
        err(`${input}: wrote ${result.outDir}/ (${main}, report and usage)\n`);
        if (result.mode !== "offline") err(`${input}: usage: ${usageLine(result.usage)}\n`);
      }
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  if (failures.length === 0) return ExitCode.ok;
  if (failures.includes(ExitCode.interrupted)) return ExitCode.interrupted;
  if (failures.includes(ExitCode.providerRefused)) return ExitCode.providerRefused;
  // one kind of failure for every document keeps its own code (e.g. a single unreadable file → 2)
  if (failures.length === inputs.length && failures.every((c) => c === failures[0])) return failures[0];
  return ExitCode.someFailed;
}

export function registerSummarize(program: Command, ctx: CommandContext): void {
  registerTask(program, ctx, "summarize", "structured summary of each document (summary.json, summary.md, report.html)");
  registerTask(program, ctx, "figures", "describe every figure of each document (manuals, illustrated guides)");
}
