/** plan(pdfPath, options): the library entry of `longdoc plan` (DESIGN.md §7). */
import { extract } from "../extract/index.js";
import type { Plan } from "../model/plan.js";
import { DEFAULT_PROVIDER, resolveProfile, type ModelProfile } from "../budget/profiles.js";
import type { Task } from "../model/task.js";
import { defaultOutputReserve } from "../defaults.js";
import { planDocument } from "./index.js";

export interface PlanPdfOptions {
  /** "summarize" (default) or "figures" */
  task?: Task;
  /** model id or alias (default: the provider's default model) */
  model?: string;
  /** mistral, openrouter, openai or offline (prices and image limits differ) */
  provider?: string;
  /** profiles.json to use instead of the default one */
  configFile?: string;
  /** override the profile's window, in tokens */
  contextWindow?: number;
  /** output reserve per request (default 8192; 32768 with reasoning "high") */
  maxOutputTokens?: number;
  /** "high": the larger default output reserve thinking needs (as summarize uses) */
  reasoning?: "none" | "high";
  /** override the profile's image cap per request */
  maxImages?: number;
  /** longest side of a figure image, px (default 1540) */
  imageMaxSide?: number;
  /** an extra instruction appended to the system prompt */
  prompt?: string;
  /** plan for a --schema run (the user's schema instead of the summary's) */
  customSchema?: boolean;
  /** page range such as "1-20,35" (1-based, inclusive) */
  pages?: string;
  /** the PDF's password, when it has one */
  password?: string;
  /** extraction's limits (extract()'s timeoutMs and pageTimeoutMs) */
  timeoutMs?: number;
  /** per-page extraction limit (default 10 s) */
  pageTimeoutMs?: number;
}

/** Resolves the profile for these options (exposed so callers price and label with the same one). */
export function profileFor(options: PlanPdfOptions): ModelProfile {
  return resolveProfile({
    model: options.model,
    provider: options.provider ?? DEFAULT_PROVIDER,
    configFile: options.configFile,
    contextWindow: options.contextWindow,
    imageMaxSide: options.imageMaxSide,
    maxImages: options.maxImages,
  });
}

/** Extracts the PDF without rendering figures (sizes only) and plans its requests. No network. */
export async function plan(pdfPath: string, options: PlanPdfOptions = {}): Promise<Plan> {
  const profile = profileFor(options);
  const extraction = await extract(pdfPath, {
    render: false,
    pages: options.pages,
    password: options.password,
    imageMaxSide: profile.image.maxSide,
    timeoutMs: options.timeoutMs,
    pageTimeoutMs: options.pageTimeoutMs,
  });
  return planDocument(extraction.document, {
    task: options.task ?? "summarize",
    profile,
    provider: profile.provider,
    outputReserve: options.maxOutputTokens ?? defaultOutputReserve(options.reasoning, profile.window),
    userPrompt: options.prompt,
    customSchema: options.customSchema,
  });
}
