import { resolve } from "node:path";
import type { PlanPdfOptions } from "../../plan/library.js";
import { Option, type Command } from "commander";
import { addTimeLimitOptions, timeLimitsMs, type TimeLimitCliOptions } from "../time-limits.js";
import type { CliIO, CommandContext } from "../program.js";
import { DEFAULT_OUTPUT_RESERVE, DEFAULT_REASONING_RESERVE } from "../../defaults.js";
import { ExitCode } from "../../errors.js";
import { eachDocument, findDocuments } from "../documents.js";
import { providerFromEnvironment } from "../../llm/providers.js";
import { TASKS, type Task } from "../../model/task.js";
import { addVerbosityOptions, intArg, modelOption, outOption, providerOption, verbosityOf } from "../options.js";
import { withStdinInput } from "../stdin.js";

/** the flags that are the library's plan options under the same names */
type PlanFlags = Pick<
  PlanPdfOptions,
  "pages" | "password" | "model" | "contextWindow" | "maxOutputTokens" | "reasoning" | "maxImages" | "imageMaxSide" | "prompt"
>;

interface PlanCliOptions extends TimeLimitCliOptions, PlanFlags {
  task: Task;
  json?: boolean;
  provider?: string;
  profiles?: string;
  out?: string;
  name?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** The provider a run would use; plans need no key, and an offline run is priced as Mistral's API. */
function providerToPlanFor(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const name = flag ?? providerFromEnvironment(env);
  return name === "offline" ? "mistral" : name;
}

/** `longdoc plan <pdf|folder|glob>...`: token budget and request plan, no network (DESIGN.md §1, §5). */
export function registerPlan(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("plan")
    .description("token budget and request plan, no network")
    .argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively), globs, or - for standard input")
    .option("--json", "print plan.json on stdout (one JSON line per document for several)")
    .addOption(outOption("also write each plan.json to <dir>/<document>/ (default: print only)"))
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password of an encrypted PDF")
    .addOption(modelOption())
    .addOption(providerOption("provider to plan for (image cap, price)"))
    .option("--profiles <file>", "model profiles JSON (default ~/.config/longdoc/profiles.json)")
    .option("--context-window <n>", "override the model profile's window", intArg)
    .option(
      "--max-output-tokens <n>",
      `output reserve per request (default ${DEFAULT_OUTPUT_RESERVE}; ${DEFAULT_REASONING_RESERVE} with --reasoning high)`,
      intArg,
    )
    .addOption(
      new Option("--reasoning <effort>", "reasoning effort the run will use (its output reserve is larger)").choices(["none", "high"]),
    )
    .option("--max-images <n>", "images per request the endpoint accepts", intArg)
    .option("--image-max-side <px>", "longest side of any image sent (default 1540)", intArg)
    .option("--prompt <text>", "extra instruction for the model (counted in the plan)")
    .option("--name <name>", "name of a PDF read from standard input (default stdin)")
    .addOption(new Option("--task <task>", "what the requests ask for").choices([...TASKS]).default("summarize"));
  addVerbosityOptions(addTimeLimitOptions(cmd)).action(async (inputs: string[], opts: PlanCliOptions) => {
    ctx.setExitCode(await withStdinInput(inputs, opts.name, (paths) => planAll(paths, opts, ctx.io), ctx.io.stdin));
  });
}

async function planAll(inputs: string[], opts: PlanCliOptions, io: CliIO): Promise<number> {
  const options: PlanPdfOptions = {
    task: opts.task,
    model: opts.model,
    provider: providerToPlanFor(opts.provider, io.env),
    configFile: opts.profiles,
    contextWindow: opts.contextWindow,
    maxOutputTokens: opts.maxOutputTokens,
    reasoning: opts.reasoning,
    maxImages: opts.maxImages,
    imageMaxSide: opts.imageMaxSide,
    prompt: opts.prompt,
    pages: opts.pages,
    password: opts.password,
    ...timeLimitsMs(opts),
  };
  // loaded on use: the planner pulls in the tokenizer, which `extract` and `--help` do not need
  const { plan: planPdf, profileFor } = await import("../../plan/library.js");
  const { planToJson } = await import("../../plan/json.js");
  const { formatPlanTable } = await import("../plan-table.js");
  const { writeJsonAtomically } = await import("../../io/atomic.js");
  const docs = await findDocuments(inputs, io, verbosityOf(opts) === "quiet");
  if (!docs) return ExitCode.badInput;
  const { pdfs, single, folders } = docs;
  const profile = profileFor(options);
  return eachDocument(pdfs, io, async (pdf) => {
    const plan = await planPdf(pdf, options);
    const json = planToJson(plan);
    if (opts.out) await writeJsonAtomically(resolve(opts.out, folders.get(pdf)!, "plan.json"), json);
    if (opts.json) io.stdout.write((single ? JSON.stringify(json, null, 2) : JSON.stringify({ document: pdf, ...json })) + "\n");
    else io.stdout.write(`${pdf}\n` + formatPlanTable(plan, profile) + (single ? "" : "\n"));
  });
}
