import { join, resolve } from "node:path";
import { chooseProgressMode, createProgressReporter } from "../batch/progress.js";
import { assignOutputFolders, findPdfs } from "../batch/discover.js";
import { runBatch } from "../batch/run.js";
import { inShard, shardBaseName, type Shard } from "../batch/shard.js";
import { summarizeOptionsHash, summarizeRunner } from "../batch/document-runner.js";
import { batchPriceFor, resolveProfile } from "../budget/profiles.js";
import type { CliIO } from "./program.js";
import { InputError } from "../errors.js";
import { defaultCacheDir, ResponseCache } from "../llm/cache.js";
import { resolveEngine, runPrices, type SummarizeOptions } from "../pipeline/document.js";
import { BatchCoordinator, type BatchApiEvent } from "../batch-api/coordinator.js";
import { batchDocumentClient } from "../batch-api/document-client.js";
import { BatchHttp } from "../batch-api/http.js";
import { BatchStateFile } from "../batch-api/state.js";
import { batchWireFor } from "../batch-api/wire.js";

export interface BatchApiCommandOptions {
  out: string;
  concurrency?: number;
  maxCostUSD?: number;
  json?: boolean;
  shard?: Shard;
}

/** Document slots for a batch-API run: every document waits on its round at once, none holds a live slot. */
const OPEN_REQUESTS = 1_000_000;
/** Mistral: a job may take up to 168 h; 24 h is its default and OpenAI's only window. */
const TIMEOUT_HOURS = 24;

/**
 * `longdoc summarize|figures <inputs> --batch-api`: the folder's requests go out as provider batch
 * jobs in rounds (see BatchCoordinator), documents are written as their answers arrive, and
 * OUT/batch-state.json lets a rerun pick up the jobs. Resolves to the exit code.
 */
export async function runBatchApiCommand(
  inputs: string[],
  options: SummarizeOptions,
  o: BatchApiCommandOptions,
  io: CliIO,
): Promise<number> {
  // the run's environment: poll and settle times (tests shorten them)
  const env = io.env;
  const engine = resolveEngine(options);
  const wire = batchWireFor(engine.name);
  if (engine.name === "offline") throw new InputError("--batch-api needs a model provider (set MISTRAL_API_KEY, or --provider mistral)");
  if (!wire)
    throw new InputError(
      `--batch-api is not supported by provider ${engine.name} (it has no batch API): use mistral, or an OpenAI-compatible server with /v1/files and /v1/batches`,
    );
  const profile = resolveProfile({
    model: engine.model,
    provider: engine.name,
    contextWindow: options.contextWindow,
    imageMaxSide: options.imageMaxSide,
    maxImages: options.maxImages,
    configFile: options.profilesFile,
  });
  // the same prices usage.json uses: the profile's batch price, else the live one (--price-input/-output
  // included), so --max-cost and the recorded spend agree
  const live = runPrices(options, profile, engine.name);
  const prices = batchPriceFor(profile, engine.name) ?? (live ? { inputPerM: live.input, outputPerM: live.output } : null);

  const out = resolve(o.out);
  const { pdfs } = await findPdfs(inputs);
  if (pdfs.length === 0) throw new InputError(`no PDF found in ${inputs.join(", ")}`);
  const folders = assignOutputFolders(pdfs);
  const documents = o.shard ? pdfs.filter((p) => inShard(folders.get(p)!, o.shard!)) : pdfs;

  // a stop (Ctrl-C, SIGTERM, SIGHUP) ends the polling; the jobs go on at the provider
  const stop = io.stop.signal;
  const err = io.stderr as NodeJS.WriteStream;
  const reporter = createProgressReporter(chooseProgressMode({ json: o.json, stream: err }), { out: io.stdout, err });
  let complete = 0;
  const print = (e: BatchApiEvent) => {
    if (o.json) io.stdout.write(JSON.stringify(e) + "\n");
    else io.stderr.write(describe(e, complete, documents.length) + "\n");
  };
  const onStop = () => {
    reporter.stop();
    io.stderr.write("longdoc: stopping; the batch jobs go on at the provider, rerun the same command to collect them\n");
  };
  stop.addEventListener("abort", onStop, { once: true });
  try {
    const state = await BatchStateFile.open(out, `${shardBaseName("batch-state", o.shard)}.json`, {
      provider: engine.name,
      baseUrl: engine.baseUrl,
      model: engine.model,
    });
    const initialMs = positiveEnv(env.LONGDOC_BATCH_POLL_MS) ?? 10_000;
    const coordinator = await BatchCoordinator.open({
      out,
      workDir: join(out, shardBaseName(".longdoc-batch", o.shard)),
      http: new BatchHttp(engine, wire, stop),
      state,
      model: engine.model,
      prices,
      maxCostUSD: o.maxCostUSD,
      // 10 s → 5 min; tests shorten both through the environment
      poll: { initialMs, maxMs: Math.max(initialMs, Math.min(300_000, initialMs * 30)) },
      settleMs: positiveEnv(env.LONGDOC_BATCH_SETTLE_MS) ?? 2_000,
      timeoutHours: TIMEOUT_HOURS,
      documents: documents.length,
      signal: stop,
      onEvent: print,
    });
    const loop = coordinator.run();
    const cache = options.cache === false ? null : new ResponseCache(options.cacheDir ?? defaultCacheDir(env));
    const runner = summarizeRunner(options, (pdf, ctx) =>
      batchDocumentClient({ cfg: engine, wire, coordinator, profile, prices, cache, document: pdf, sha256: ctx.sha256 }),
    );
    let result;
    try {
      result = await runBatch(
        inputs,
        runner,
        {
          out: o.out,
          concurrency: o.concurrency,
          requests: OPEN_REQUESTS,
          optionsHash: await summarizeOptionsHash(options),
          signal: stop,
          shard: o.shard,
        },
        {
          onEvent: (e) => {
            reporter.onEvent(e);
            if (e.type === "document-end") {
              complete++;
              coordinator.documentEnded();
            }
          },
        },
      );
    } finally {
      coordinator.stop();
      await loop;
    }
    return result.exitCode;
  } finally {
    reporter.close();
    stop.removeEventListener("abort", onStop);
  }
}

function positiveEnv(v: string | undefined): number | undefined {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}

const usd = (n: number) => `$${n.toFixed(4)}`;

/** One progress line for stderr. */
function describe(e: BatchApiEvent, complete: number, total: number): string {
  switch (e.type) {
    case "batch-resume":
      return `batch: resuming ${e.jobs} job${e.jobs === 1 ? "" : "s"} from batch-state.json (${e.running} still running, ${e.answers} answers already downloaded)`;
    case "batch-round":
      return (
        `batch round ${e.round}: job ${e.jobId} sent: ${e.requests} request${e.requests === 1 ? "" : "s"} from ${e.documents} document${e.documents === 1 ? "" : "s"}` +
        `${e.resubmitted ? ` (${e.resubmitted} sent again)` : ""}, ${(e.bytes / 1024).toFixed(1)} KiB, at most ${usd(e.estimatedCostUSD)} at the batch price`
      );
    case "batch-job":
      return (
        `batch round ${e.round}: job ${e.jobId} ${e.status}: ${e.succeeded + e.failed}/${e.total} answered, ${e.failed} failed; ` +
        `${e.waitingDocuments} document${e.waitingDocuments === 1 ? "" : "s"} waiting on it; ${complete}/${total} documents complete; spent ${usd(e.spentUSD)} at the batch price`
      );
    case "batch-over-budget":
      return `batch: --max-cost ${usd(e.limitUSD)}: ${e.documents.length} document${e.documents.length === 1 ? "" : "s"} not sent (committed ${usd(e.committedUSD)})`;
  }
}
