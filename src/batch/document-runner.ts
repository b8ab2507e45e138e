import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { createHash } from "node:crypto";
import { resolveEngine, summarize, type SummarizeContext, type SummarizeOptions } from "../pipeline/document.js";
import { hashOptions } from "./resume.js";
import type { DocumentRunContext, DocumentRunner } from "./types.js";

/**
 * The batch's DocumentRunner for `summarize` / `figures` (task in the options). `batchClientFor`
 * (--batch-api) gives each document the client that sends its requests as provider batch jobs.
 */
export function summarizeRunner(
  options: SummarizeOptions,
  batchClientFor?: (pdf: string, ctx: DocumentRunContext) => SummarizeContext["batchClient"],
): DocumentRunner {
  return async (pdf, outDir, ctx) => {
    let pages = 0;
    let figures = 0;
    const result = await summarize(
      pdf,
      { ...options, out: dirname(outDir), folderName: basename(outDir) },
      {
        requestSlots: ctx.requestSlots,
        sha256: ctx.sha256,
        signal: ctx.signal,
        batchClient: batchClientFor?.(pdf, ctx),
        onEvent: (e) => {
          if (e.type === "extracted") [pages, figures] = [e.pages, e.figures];
          ctx.onEvent(e);
        },
      },
    );
    const t = result.usage.totals;
    return {
      pages: pages || result.summary?.source.pages || 0,
      figures: figures || result.summary?.figures.length || 0,
      requests: result.requests,
      inputTokens: t.inputTokens,
      outputTokens: t.outputTokens,
      costUSD: t.costUSD,
    };
  };
}

/**
 * Hash of what shapes a document's outputs under these options: the resolved engine (provider,
 * endpoint, model — never a key), the content options, and the --schema file's content.
 */
export async function summarizeOptionsHash(options: SummarizeOptions): Promise<string> {
  const engine = resolveEngine(options);
  const {
    env: _env,
    timeoutMs: _t,
    idleTimeoutMs: _i,
    maxRetries: _r,
    folderName: _f,
    provider: _p,
    baseUrl: _b,
    model: _m,
    ...rest
  } = options;
  const extra: Record<string, unknown> = {
    engine: { provider: engine.name, baseUrl: engine.baseUrl, model: engine.model },
  };
  for (const [key, file] of [
    ["schemaFile", options.schemaFile],
    ["profilesFile", options.profilesFile],
  ] as const) {
    if (!file) continue;
    try {
      extra[key] = createHash("sha256")
        .update(await readFile(file))
        .digest("hex");
    } catch {
      extra[key] = "unreadable"; // the document run reports it properly
    }
  }
  return hashOptions(rest, extra);
}
