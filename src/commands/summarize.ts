import { Command, InvalidArgumentError, Option } from "commander";
import type { CommandContext } from "../cli.js";
import { DEFAULT_OUT_DIR, DEFAULT_REQUESTS } from "../defaults.js";
import type { SummarizeOptions } from "../summarize.js";
import type { Task } from "../summary/schema.js";
import { DEFAULT_GRACE_MS } from "../stop.js";

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
  /** --grace, in seconds */
  grace: number;
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
    .option("--json", "machine-readable events and results on stdout (one JSON object per line)")
    .option("--grace <s>", "after SIGINT/SIGTERM/SIGHUP: seconds requests in flight may still take before they are abandoned", nonNegativeNumber, DEFAULT_GRACE_MS / 1000);
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
  };
}

/** The one-line notice when no provider is configured (or offline was asked for). */
export function offlineNotice(explicit: boolean): string {
  return explicit
    ? "longdoc: --provider offline: using the offline engine (no model: extractive summary, figure captions only)\n"
    : "longdoc: no provider configured (set MISTRAL_API_KEY, OPENROUTER_API_KEY or LONGDOC_BASE_URL, or pass --provider): " +
        "using the offline engine (no model: extractive summary, figure captions only)\n";
}

function registerTask(program: Command, ctx: CommandContext, task: Task, description: string): void {
  const cmd = program.command(task).description(description).argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively) or globs");
  addModelOptions(cmd).action(async (inputs: string[], o: SummarizeCliOptions) => {
    // loaded on use, so `extract` and `--help` start without the model side's modules;
    // folders, globs and several files run as a batch (src/batch): concurrency, index, resume, budget
    const { isBatchInput, runBatchTask } = await import("../batch/command.js");
    const { runTask } = await import("./summarize-run.js");
    ctx.io.stop.setGrace(o.grace * 1000);
    ctx.setExitCode(await ((await isBatchInput(inputs)) ? runBatchTask(task, inputs, o, ctx.io) : runTask(task, inputs, o, ctx.io)));
  });
}

export function registerSummarize(program: Command, ctx: CommandContext): void {
  registerTask(program, ctx, "summarize", "structured summary of each document (summary.json, summary.md, report.html)");
  registerTask(program, ctx, "figures", "describe every figure of each document (manuals, illustrated guides)");
}
