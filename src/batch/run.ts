import { getMaxListeners, setMaxListeners } from "node:events";
import { resolve, join } from "node:path";
import { ExitCode, exitCodeOf, formatError, InputError, ProviderRefusedError } from "../errors.js";
import { positiveInteger } from "../model/numbers.js";
import type { BatchIndex, DocumentStatus, IndexEntry } from "../model/batch.js";
import { afterGrace, createRequestSlots, DEFAULT_GRACE_MS, wrapRequestSlots, type RequestSlots } from "../llm/slots.js";
import { BudgetRefusedError, CostGuard } from "./cost-guard.js";
import { startInOrder } from "./order.js";
import { assignOutputFolders, findPdfs, type SkippedInput } from "./discover.js";
import { BatchIndexFile } from "./index-file.js";
import { sha256OfFile } from "../io/sha256.js";
import { findUpToDate, removeDoneMarker, writeDoneMarker } from "./resume.js";
import { inShard, shardBaseName, type Shard } from "./shard.js";
import type { BatchEvent, DocumentOutcome, DocumentRunner } from "./types.js";
import { paidBy, plannedSpend, type PipelineEvent } from "../pipeline/events.js";

export interface BatchOptions {
  /** OUT: one subfolder per document plus index.json/csv/html */
  out: string;
  /** documents in flight (default 2) */
  concurrency?: number;
  /** model requests in flight across all documents (default 4) */
  requests?: number;
  /** stop starting documents whose planned cost would take the spend past this */
  maxCostUSD?: number;
  /** identifies the options that shape outputs (see hashOptions): same hash + same bytes = up to date */
  optionsHash: string;
  /** a stop: no document or request starts after it; requests in flight get `graceMs` */
  signal?: AbortSignal;
  /** --shard K/N: only the documents of this part; the index goes to OUT/index.shard-K-of-N.* */
  shard?: Shard;
  /** how long requests in flight may still run after a stop before they are abandoned (default 10 s) */
  graceMs?: number;
  /** time for counting pages to order the documents (default 2 s; files left uncounted are estimated) */
  countPagesMs?: number;
}

export interface BatchHooks {
  onEvent?: (e: BatchEvent) => void;
}

export interface BatchResult {
  /** the run's index, as written to OUT/index.json */
  index: BatchIndex;
  /** inputs that were not PDFs or could not be read, with why */
  skippedInputs: SkippedInput[];
  /** the exit code the CLI would give (0, 1 when some failed, 130 when stopped, …) */
  exitCode: number;
  /** the run was stopped before every document finished */
  interrupted: boolean;
  /** what the run cost */
  costUSD: number;
  /** run-wide warnings (an index that could not be written, a refused key) */
  warnings: string[];
}

/** Thrown inside a document's request slot when the budget does not admit it: nothing is sent. */
class OverBudget extends Error {}

/**
 * Runs every PDF found in `inputs` through `runDocument`: documents under one limit, model requests
 * under another shared by all documents (so one large document cannot starve the rest, and the next
 * documents extract while the current ones wait on the model). Each finished document updates the
 * index at once; a failing one is recorded and the run goes on.
 */
export async function runBatch(
  inputs: string[],
  runDocument: DocumentRunner,
  options: BatchOptions,
  hooks: BatchHooks = {},
): Promise<BatchResult> {
  const started = Date.now();
  const emit = (e: BatchEvent) => hooks.onEvent?.(e);
  const out = resolve(options.out);
  const { pdfs: found, skipped: skippedInputs } = await findPdfs(inputs);
  if (found.length === 0) {
    throw new InputError(`no PDF found in ${inputs.join(", ")}`);
  }
  // folders are assigned over all inputs, so every shard names a document's folder the same way
  const folders = assignOutputFolders(found);
  const shard = options.shard;
  const pdfs = shard ? found.filter((pdf) => inShard(folders.get(pdf)!, shard)) : found;
  const concurrency = positiveInteger(options.concurrency ?? 2, "--concurrency")!;
  const requests = positiveInteger(options.requests ?? 4, "--requests")!;
  // --concurrency bounds the CPU stage (extraction, planning); a document waiting only on the
  // model gives its slot to the next one, so extraction overlaps with requests and request slots
  // do not sit idle. Open documents (memory) are bounded by concurrency + 2 × requests: enough
  // planned documents queue for the request slots to absorb uneven extraction times.
  const cpuSlots = new Semaphore(concurrency);
  const openSlots = new Semaphore(concurrency + 2 * requests);
  const requestSlots = createRequestSlots(requests);
  const guard = new CostGuard(options.maxCostUSD);
  const index = new BatchIndexFile(out, pdfs, shardBaseName("index", shard));
  const batchSignal = options.signal ?? new AbortController().signal;
  // the grace is for requests already sent (paid for: the cache keeps their answers for a rerun);
  // with none in flight at the stop, everything is abandoned at once
  const abandon = afterGrace(batchSignal, options.graceMs ?? DEFAULT_GRACE_MS, () => requestSlots.active > 0);
  setMaxListeners(Math.max(getMaxListeners(abandon.signal), concurrency + 2 * requests + 10), abandon.signal);
  // each open document listens to it: more than Node's default of 10 is expected, not a leak
  setMaxListeners(Math.max(getMaxListeners(batchSignal), concurrency + 2 * requests + 10), batchSignal);
  const warnings: string[] = [];
  // a refused key or exhausted quota fails every later document the same way: stop starting them
  let refused: ProviderRefusedError | undefined;
  const errors = new Map<string, unknown>();

  emit({
    type: "batch-start",
    documents: pdfs.length,
    skippedInputs,
    concurrency,
    requests,
    maxCostUSD: options.maxCostUSD ?? null,
    out,
  });

  const runOne = async (pdf: string): Promise<IndexEntry> => {
    await openSlots.acquire();
    await cpuSlots.acquire();
    let holdsCpu = true;
    const releaseCpu = () => {
      if (holdsCpu) cpuSlots.release();
      holdsCpu = false;
    };
    try {
      return await processDocument(pdf, releaseCpu);
    } finally {
      releaseCpu();
      openSlots.release();
    }
  };

  const processDocument = async (pdf: string, releaseCpu: () => void): Promise<IndexEntry> => {
    const folder = folders.get(pdf)!;
    const outDir = join(out, folder);
    const t0 = Date.now();
    const entry: IndexEntry = {
      document: pdf,
      folder,
      status: "done",
      pages: 0,
      figures: 0,
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUSD: 0,
      seconds: 0,
    };
    const finish = async (status: DocumentStatus, error?: string, note?: string): Promise<IndexEntry> => {
      entry.status = status;
      entry.seconds = round((Date.now() - t0) / 1000, 2);
      entry.costUSD = round(entry.costUSD, 6);
      if (error) entry.error = error;
      else delete entry.error;
      if (note) entry.note = note;
      guard.release(pdf);
      await index.set({ ...entry });
      emit({ type: "document-end", entry: { ...entry } });
      return entry;
    };

    if (batchSignal.aborted) return finish("interrupted", undefined, "not started");
    if (refused) return finish("failed", formatError(refused), "not started");
    emit({ type: "document-start", document: pdf, folder });

    let sha256: string;
    try {
      sha256 = await sha256OfFile(pdf);
    } catch (err) {
      return finish("failed", `unreadable: ${formatError(err)}`);
    }
    const previous = await findUpToDate(outDir, sha256, options.optionsHash);
    if (previous) {
      const { pages, figures, requests: n, inputTokens, outputTokens } = previous.entry;
      Object.assign(entry, { pages, figures, requests: n, inputTokens, outputTokens });
      // nothing was spent this run; the earlier run's cost stays in its own record
      return finish("skipped", undefined, "up to date");
    }
    await removeDoneMarker(outDir);

    const controller = new AbortController();
    // Requests already sent when the run is stopped are paid for: they may finish within the
    // grace so the response cache keeps their answers for the rerun; new ones are refused; a
    // document with none in flight is abandoned at once, the others when the grace ends.
    const inFlight = new Set<Promise<unknown>>();
    let draining = false;
    const onBatchAbort = () => {
      if (inFlight.size > 0) draining = true;
      else controller.abort(batchSignal.reason);
    };
    const onAbandon = () => controller.abort(batchSignal.reason);
    batchSignal.addEventListener("abort", onBatchAbort, { once: true });
    abandon.signal.addEventListener("abort", onAbandon, { once: true });
    if (batchSignal.aborted) onBatchAbort(); // stopped while this document was being hashed
    if (abandon.signal.aborted) onAbandon();
    let abandonedRequests = 0;
    let overBudget = false;
    let budgetNote = "";
    let plannedCost = 0;
    let planned = false;

    const onEvent = (e: PipelineEvent) => {
      switch (e.type) {
        case "extracted":
          entry.pages = e.pages;
          entry.figures = e.figures;
          emit({ type: "document-extracted", document: pdf, pages: e.pages, figures: e.figures });
          break;
        case "planned":
          // the first plan is what the budget admits; re-plans of an admitted document go on
          if (e.attempt !== 1) break;
          planned = true;
          plannedCost = plannedSpend(e);
          releaseCpu(); // from here on the document mostly waits on the model
          emit({ type: "document-planned", document: pdf, requests: e.requests, plannedCostUSD: plannedCost });
          if (guard.neverFits(plannedCost)) markOverBudget();
          break;
        case "request-start":
        case "request-progress":
          emit({ ...e, document: pdf });
          break;
        case "request-end": {
          const paid = paidBy(e);
          if (e.abandoned) abandonedRequests++;
          entry.requests++;
          entry.inputTokens += paid.inputTokens;
          entry.outputTokens += paid.outputTokens;
          entry.costUSD += paid.costUSD;
          guard.record(pdf, paid.costUSD);
          emit({ ...e, document: pdf });
          break;
        }
      }
    };

    const markOverBudget = (): void => {
      overBudget = true;
      budgetNote ||= planned
        ? `planned $${plannedCost.toFixed(4)} would pass --max-cost $${options.maxCostUSD} (spent $${guard.spentUSD.toFixed(4)})`
        : "no planned cost known before the first request";
      controller.abort(new OverBudget(budgetNote));
    };
    const refuseBudget = (): never => {
      markOverBudget();
      throw controller.signal.reason;
    };
    // Before the first request: the budget admits the document's planned cost, waiting while
    // documents in flight may still free their reservations; skipped once it can never fit.
    let admission: Promise<void> | undefined;
    const admit = async (): Promise<void> => {
      if (options.maxCostUSD === undefined) return;
      if (!planned) refuseBudget();
      while (!guard.admit(pdf, plannedCost)) {
        if (guard.neverFits(plannedCost)) refuseBudget();
        await guard.changed();
        if (controller.signal.aborted) throw controller.signal.reason;
      }
    };
    const beforeRequest = () => (admission ??= admit());

    // Every request of this document passes here inside its slot: nothing is sent after an
    // interrupt or for a document the budget did not admit, whatever the pipeline does with its signal.
    const gate = () => {
      if (controller.signal.aborted) throw controller.signal.reason ?? new Error("aborted");
      if (draining || batchSignal.aborted) throw new Error("interrupted before this request was sent");
      if (options.maxCostUSD !== undefined && !guard.isAdmitted(pdf)) refuseBudget();
    };

    const abandoned = new Promise<"abandoned">((resolveAbandon) => {
      if (controller.signal.aborted) resolveAbandon("abandoned");
      controller.signal.addEventListener("abort", () => resolveAbandon("abandoned"), { once: true });
    });
    const interruptNote = () =>
      abandonedRequests > 0
        ? `abandoned on interrupt; ${abandonedRequests} request(s) cut off in flight after the grace (input counted at the estimate)`
        : "abandoned on interrupt";
    const work = runDocument(pdf, outDir, {
      requestSlots: gatedSlots(requestSlots, beforeRequest, gate, inFlight),
      sha256,
      signal: controller.signal,
      onEvent,
    });
    work.catch(() => undefined); // an abandoned document may still reject later: not an error of the run
    // never leave a sent request behind: its answer must reach the cache before the run can end
    const settle = async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    };
    try {
      const result = await Promise.race([work, abandoned]);
      await settle();
      if (result === "abandoned") {
        if (overBudget) return finish("over-budget", undefined, budgetNote);
        return finish("interrupted", undefined, interruptNote());
      }
      applyOutcome(entry, result);
      const done = await finish("done");
      // written last: the folder is complete for these bytes and these options
      await writeDoneMarker(outDir, {
        sha256,
        optionsHash: options.optionsHash,
        finishedAt: new Date().toISOString(),
        entry: done,
      });
      return done;
    } catch (err) {
      await settle();
      if (overBudget) return finish("over-budget", undefined, budgetNote);
      if (err instanceof BudgetRefusedError) return finish("over-budget", undefined, err.message);
      if (batchSignal.aborted) return finish("interrupted", undefined, interruptNote());
      if (err instanceof ProviderRefusedError) refused ??= err;
      errors.set(pdf, err);
      return finish("failed", formatError(err));
    } finally {
      batchSignal.removeEventListener("abort", onBatchAbort);
      abandon.signal.removeEventListener("abort", onAbandon);
    }
  };

  const running = await startInOrder(pdfs, runOne, { requests, concurrency, countPagesMs: options.countPagesMs });
  const entries = await Promise.all(pdfs.map((pdf) => running.get(pdf)!));
  abandon.dispose();
  const indexWarning = index.warning;
  if (indexWarning) warnings.push(indexWarning);

  const count = (s: DocumentStatus) => entries.filter((e) => e.status === s).length;
  const failed = entries.filter((e) => e.status === "failed");
  const interrupted = batchSignal.aborted;
  let exitCode: number = ExitCode.ok;
  if (interrupted) exitCode = ExitCode.interrupted;
  else if (refused) exitCode = ExitCode.providerRefused;
  else if (failed.length > 0) {
    // one document named on its own keeps its own exit code (2 unreadable, 3 encrypted, ...)
    exitCode = pdfs.length === 1 && errors.has(pdfs[0]) ? exitCodeOf(errors.get(pdfs[0])) : ExitCode.someFailed;
  }
  const costUSD = round(guard.spentUSD, 6);
  emit({
    type: "batch-end",
    done: count("done"),
    failed: failed.length,
    skipped: count("skipped"),
    overBudget: count("over-budget"),
    interrupted: count("interrupted"),
    costUSD,
    seconds: round((Date.now() - started) / 1000, 2),
    exitCode,
    warnings,
  });
  await index.flush();
  return { index: index.snapshot(), skippedInputs, exitCode, interrupted, costUSD, warnings };
}

function applyOutcome(entry: IndexEntry, outcome: DocumentOutcome): void {
  entry.pages = outcome.pages;
  entry.figures = outcome.figures;
  // the pipeline's own totals are the record (they include requests the events may not detail)
  entry.requests = outcome.requests;
  entry.inputTokens = outcome.inputTokens;
  entry.outputTokens = outcome.outputTokens;
  entry.costUSD = outcome.costUSD;
}

/**
 * The shared request slots, with a check run inside the slot just before each request starts;
 * requests running are kept in `inFlight`.
 */
function gatedSlots(shared: RequestSlots, before: () => Promise<void>, gate: () => void, inFlight: Set<Promise<unknown>>): RequestSlots {
  return wrapRequestSlots(shared, async (fn, priority) => {
    await before(); // outside the slot: a document waiting for budget must not hold one
    return shared.run(async () => {
      gate();
      const running = fn();
      inFlight.add(running);
      try {
        return await running;
      } finally {
        inFlight.delete(running);
      }
    }, priority);
  });
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Counting semaphore, first come first served (p-limit cannot hand a slot back mid-task). */
class Semaphore {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolveSlot) => this.waiting.push(resolveSlot));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
