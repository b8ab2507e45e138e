import { Command, Option } from "commander";
import type { CommandContext } from "../cli.js";
import { CONFIG_ENV } from "../config.js";
import { DEFAULT_OUT_DIR, DEFAULT_REQUESTS } from "../defaults.js";
import type { SummarizeOptions } from "../summarize.js";
import type { Task } from "../task.js";
import { addVerbosityOptions, intArg, modelOption, outOption, providerOption, usdArg } from "./options.js";

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
  /** name of a PDF read from standard input */
  name?: string;
  quiet?: boolean;
  verbose?: boolean;
};

/** The common options; a batch layer may add more to the same commands. */
export function addModelOptions(cmd: Command): Command {
  cmd
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
    .addOption(new Option("--requests <n>", "model requests in flight, across all documents").argParser(intArg).default(DEFAULT_REQUESTS).env(CONFIG_ENV.requests))
    .option("--max-cost <usd>", "stop starting new documents past this estimated spend", usdArg)
    .option("--no-cache", "do not use the response cache")
    .option("--cache-dir <dir>", "response cache folder (default: the user cache folder)")
    .option("--dry-run", "everything but the model calls; writes the exact request bodies to requests/")
    .option("--json", "machine-readable events and results on stdout (one JSON object per line)")
    .option("--name <name>", "name of a PDF read from standard input (default stdin)");
  return addVerbosityOptions(cmd);
}

function registerTask(program: Command, ctx: CommandContext, task: Task, description: string): void {
  const cmd = program.command(task).description(description).argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively), globs, or - for standard input");
  addModelOptions(cmd).action(async (inputs: string[], o: SummarizeCliOptions) => {
    // loaded on use, so `extract` and `--help` start without the model side's modules;
    // folders, globs and several files run as a batch (src/batch): concurrency, index, resume, budget
    const { isBatchInput } = await import("../batch/command.js");
    const { runBatchTask, runTask } = await import("./summarize-run.js");
    const { withStdinInput } = await import("./stdin.js");
    ctx.setExitCode(
      await withStdinInput(inputs, o.name, async (paths) => ((await isBatchInput(paths)) ? runBatchTask(task, paths, o) : runTask(task, paths, o))),
    );
  });
}

export function registerSummarize(program: Command, ctx: CommandContext): void {
  registerTask(program, ctx, "summarize", "structured summary of each document (summary.json, summary.md, report.html)");
  registerTask(program, ctx, "figures", "describe every figure of each document (manuals, illustrated guides)");
}
