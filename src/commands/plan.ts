import { InvalidArgumentError, Option, type Command } from "commander";
import type { CommandContext } from "../cli.js";
import { DEFAULT_OUTPUT_RESERVE } from "../defaults.js";
import { ExitCode } from "../errors.js";
import type { Task } from "../plan/prompts.js";

interface PlanCliOptions {
  json?: boolean;
  pages?: string;
  password?: string;
  model?: string;
  provider?: string;
  profiles?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  maxImages?: number;
  imageMaxSide?: number;
  prompt?: string;
  task: Task;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** The provider a run would use, from the environment as DESIGN.md §1 says; plans need no key. */
function providerFromEnv(env: NodeJS.ProcessEnv): string {
  if (env.MISTRAL_API_KEY) return "mistral";
  if (env.OPENROUTER_API_KEY) return "openrouter";
  if (env.LONGDOC_BASE_URL) return "openai";
  return "mistral";
}

/** `longdoc plan <pdf>`: token budget and request plan, no network (DESIGN.md §1, §5). */
export function registerPlan(program: Command, ctx: CommandContext): void {
  program
    .command("plan")
    .description("token budget and request plan, no network")
    .argument("<pdf>", "the PDF to plan")
    .option("--json", "print plan.json on stdout")
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password of an encrypted PDF")
    .option("--model <id>", "model id (default mistral-small-2603)")
    .addOption(new Option("--provider <name>", "provider to plan for (image cap, price)").choices(["mistral", "openrouter", "openai", "offline"]))
    .option("--profiles <file>", "model profiles JSON (default ~/.config/longdoc/profiles.json)")
    .option("--context-window <n>", "override the model profile's window", positiveInt)
    .option("--max-output-tokens <n>", `output reserve per request (default ${DEFAULT_OUTPUT_RESERVE})`, positiveInt)
    .option("--max-images <n>", "images per request the endpoint accepts", positiveInt)
    .option("--image-max-side <px>", "longest side of any image sent (default 1540)", positiveInt)
    .option("--prompt <text>", "extra instruction for the model (counted in the plan)")
    .addOption(new Option("--task <task>", "what the requests ask for").choices(["summarize", "figures"]).default("summarize"))
    .action(async (pdf: string, opts: PlanCliOptions) => {
      const options = {
        task: opts.task,
        model: opts.model,
        provider: opts.provider ?? providerFromEnv(ctx.io.env),
        configFile: opts.profiles,
        contextWindow: opts.contextWindow,
        maxOutputTokens: opts.maxOutputTokens,
        maxImages: opts.maxImages,
        imageMaxSide: opts.imageMaxSide,
        prompt: opts.prompt,
        pages: opts.pages,
        password: opts.password,
      };
      // loaded on use: the planner pulls in the tokenizer, which `extract` and `--help` do not need
      const { plan: planPdf, profileFor } = await import("../plan/library.js");
      const { planToJson } = await import("../plan/index.js");
      const { formatPlanTable } = await import("./plan-table.js");
      const plan = await planPdf(pdf, options);
      const profile = profileFor(options);
      if (opts.json) ctx.io.stdout.write(JSON.stringify(planToJson(plan), null, 2) + "\n");
      else ctx.io.stdout.write(`${pdf}\n` + formatPlanTable(plan, profile));
      ctx.setExitCode(ExitCode.ok);
    });
}
