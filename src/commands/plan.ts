import { InvalidArgumentError, Option, type Command } from "commander";
import type { CommandContext } from "../cli.js";
import { ExitCode } from "../errors.js";
import type { Plan } from "../model/plan.js";
import { costTable } from "../budget/cost.js";
import type { ModelProfile } from "../budget/profiles.js";
import { DEFAULT_OUTPUT_RESERVE, planToJson } from "../plan/index.js";
import { plan as planPdf, profileFor } from "../plan/library.js";
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
function providerFromEnv(): string {
  if (process.env.MISTRAL_API_KEY) return "mistral";
  if (process.env.OPENROUTER_API_KEY) return "openrouter";
  if (process.env.LONGDOC_BASE_URL) return "openai";
  return "mistral";
}

const num = (n: number) => n.toLocaleString("en-US");

/** The readable plan table: one row per request, then the cost per provider and host. */
export function formatPlanTable(plan: Plan, profile: ModelProfile): string {
  const head = ["request", "kind", "pages", "text tok", "image tok", "images", "total", "window"];
  const rows = plan.requests.map((r) => [
    r.id,
    r.kind,
    r.pages[0] === r.pages[1] ? `${r.pages[0]}` : `${r.pages[0]}-${r.pages[1]}`,
    num(r.textTokens),
    num(r.imageTokens),
    r.figureIds.length > r.images ? `${r.images} (${r.figureIds.length} fig)` : `${r.images}`,
    num(r.totalTokens),
    `${((r.totalTokens / plan.window) * 100).toFixed(1)}%`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const maps = plan.requests.filter((r) => r.kind !== "reduce");
  const out = [
    `${plan.model} (${plan.provider}): window ${num(plan.window)}, output reserve ${num(plan.outputReserve)}, ` +
      `images ≤ ${plan.imageMaxSide} px, ≤ ${plan.maxImages} per request`,
    `mode ${plan.mode}: ${plan.requests.length} request${plan.requests.length === 1 ? "" : "s"}` +
      (plan.mode === "map-reduce" ? ` (${maps.length} map, ${plan.requests.length - maps.length} reduce)` : ""),
    "",
    line(head),
    ...rows.map(line),
    "",
    "estimated cost (input as planned + full output reserve per request):",
    ...costTable(plan, profile).map(
      (c) => `  ${`${c.provider}${c.host !== c.provider ? ` via ${c.host}` : ""}`.padEnd(26)} $${c.costUSD.toFixed(4)}`,
    ),
  ];
  if (!profile.known) out.push(`note: model ${profile.model} has no profile; using ${profile.id}'s window and encoder`);
  for (const w of plan.warnings) out.push(`note: ${w}`);
  return out.join("\n") + "\n";
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
        provider: opts.provider ?? providerFromEnv(),
        configFile: opts.profiles,
        contextWindow: opts.contextWindow,
        maxOutputTokens: opts.maxOutputTokens,
        maxImages: opts.maxImages,
        imageMaxSide: opts.imageMaxSide,
        prompt: opts.prompt,
        pages: opts.pages,
        password: opts.password,
      };
      const plan = await planPdf(pdf, options);
      const profile = profileFor(options);
      if (opts.json) process.stdout.write(JSON.stringify(planToJson(plan), null, 2) + "\n");
      else process.stdout.write(`${pdf}\n` + formatPlanTable(plan, profile));
      ctx.setExitCode(ExitCode.ok);
    });
}
