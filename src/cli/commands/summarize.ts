import { Command, Option } from "commander";
import { addTimeLimitOptions, type TimeLimitCliOptions } from "../time-limits.js";
import type { CommandContext } from "../program.js";
import { DEFAULT_GRACE_MS } from "../../llm/slots.js";
import { CONFIG_ENV } from "../config-file.js";
import { DEFAULT_IDLE_TIMEOUT_S, DEFAULT_OUT_DIR, DEFAULT_REQUESTS } from "../../defaults.js";
import type { SummarizeOptions } from "../../pipeline/document.js";
import type { Task } from "../../model/task.js";
import {
  addVerbosityOptions,
  intArg,
  nonNegativeNumberArg,
  modelOption,
  outOption,
  positiveNumberArg,
  providerOption,
  usdArg,
} from "../options.js";

/** Options of `summarize` and `figures` as commander parses them (DESIGN.md §1). */
export type SummarizeCliOptions = Pick<
  SummarizeOptions,
  | "provider"
  | "baseUrl"
  | "model"
  | "contextWindow"
  | "maxOutputTokens"
  | "reasoning"
  | "maxImages"
  | "imageMaxSide"
  | "pages"
  | "password"
  | "prompt"
  | "priceInput"
  | "priceOutput"
> &
  TimeLimitCliOptions & {
    /** --idle-timeout in seconds */
    idleTimeout?: number;
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
    /** --batch-api: provider batch jobs in rounds (src/batch-api) */
    batchApi?: boolean;
    /** --shard K/N, as typed (parsed by the batch) */
    shard?: string;
    /** --grace, in seconds */
    grace: number;
    /** name of a PDF read from standard input */
    name?: string;
    quiet?: boolean;
    verbose?: boolean;
  };

/** The common options; a batch layer may add more to the same commands. */
export function addModelOptions(cmd: Command): Command {
  addTimeLimitOptions(cmd)
    .addOption(providerOption("where requests go (default: from the environment)"))
    .option("--base-url <url>", "endpoint of an OpenAI-compatible server (also overrides the others)")
    .addOption(modelOption())
    .option("--context-window <n>", "override the model profile's window", intArg)
    .option("--max-output-tokens <n>", "output reserve per request (default 8192)", intArg)
    .addOption(new Option("--reasoning <effort>", "reasoning effort").choices(["none", "high"]).default("none"))
    .option("--max-images <n>", "images per request the endpoint accepts", intArg)
    .option("--image-max-side <px>", "longest side of any image sent (default 1540)", intArg)
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password for encrypted PDFs")
    .option("--prompt <text>", "extra instruction for the model")
    .option("--schema <file>", "JSON Schema of a custom result: the model fills it (written to result.json)")
    .addOption(outOption("output folder, one subfolder per document", { default: DEFAULT_OUT_DIR, configured: true }))
    .option("--concurrency <n>", "documents in flight", intArg)
    .addOption(
      new Option("--requests <n>", "model requests in flight, across all documents")
        .argParser(intArg)
        .default(DEFAULT_REQUESTS)
        .env(CONFIG_ENV.requests),
    )
    .option("--max-cost <usd>", "stop starting new documents past this estimated spend", usdArg)
    .option("--price-input <usd>", "USD per million input tokens, where the model profile has no price", usdArg)
    .option("--price-output <usd>", "USD per million output tokens, where the model profile has no price", usdArg)
    .option(
      "--idle-timeout <s>",
      `cut a streamed answer that sends nothing for this many seconds, and send it again once (default ${DEFAULT_IDLE_TIMEOUT_S})`,
      positiveNumberArg,
    )
    .option("--no-cache", "do not use the response cache")
    .option("--cache-dir <dir>", "response cache folder (default: the user cache folder)")
    .option("--dry-run", "everything but the model calls; writes the exact request bodies to requests/")
    .option("--json", "machine-readable events and results on stdout (one JSON object per line)")
    .option("--batch-api", "send the requests as provider batch jobs, in rounds (Mistral: half price, no rate limits; resumable)")
    .option("--shard <K/N>", "process the K-th of N disjoint parts of the inputs (several machines, one output folder)")
    .option("--name <name>", "name of a PDF read from standard input (default stdin)")
    .option(
      "--grace <s>",
      "after SIGINT/SIGTERM/SIGHUP: seconds requests in flight may still take before they are abandoned",
      nonNegativeNumberArg,
      DEFAULT_GRACE_MS / 1000,
    );
  return addVerbosityOptions(cmd);
}

function registerTask(program: Command, ctx: CommandContext, task: Task, description: string): void {
  const cmd = program
    .command(task)
    .description(description)
    .argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively), globs, or - for standard input");
  addModelOptions(cmd).action(async (inputs: string[], o: SummarizeCliOptions) => {
    // loaded on use, so `extract` and `--help` start without the model side's modules;
    // folders, globs and several files run as a batch (src/batch): concurrency, index, resume, budget
    const { isBatchInput } = await import("../batch-command.js");
    const { runDocuments, runOneDocument } = await import("../task-run.js");
    const { withStdinInput } = await import("../stdin.js");
    ctx.io.stop.setGrace(o.grace * 1000);
    ctx.setExitCode(
      await withStdinInput(
        inputs,
        o.name,
        async (paths) =>
          // the budget of --max-cost lives in the batch runner, for one document as for many
          o.batchApi || o.shard !== undefined || o.maxCost !== undefined || (await isBatchInput(paths))
            ? runDocuments(task, paths, o, ctx.io)
            : runOneDocument(task, paths[0], o, ctx.io),
        ctx.io.stdin,
      ),
    );
  });
}

export function registerSummarize(program: Command, ctx: CommandContext): void {
  registerTask(program, ctx, "summarize", "structured summary of each document (summary.json, summary.md, report.html)");
  registerTask(program, ctx, "figures", "describe every figure of each document (manuals, illustrated guides)");
}
