import { createReadStream, createWriteStream, openAsBlob, type WriteStream } from "node:fs";
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { BudgetRefusedError } from "../batch/cost-guard.js";
import { writeFileAtomically } from "../io/atomic.js";
import { sleep } from "../llm/retry.js";
import type { BatchHttp } from "./http.js";
import { lineOutcome, type LineOutcome, type ResultLine } from "./results.js";
import type { BatchJobRecord, BatchStateFile } from "./state.js";
import { FINISHED_PHASES, type JobView } from "./wire.js";

/** What the round machine reports (progress lines, --json events). */
export type BatchApiEvent =
  | { type: "batch-resume"; jobs: number; running: number; answers: number }
  | {
      type: "batch-round";
      round: number;
      jobId: string;
      requests: number;
      documents: number;
      resubmitted: number;
      bytes: number;
      estimatedCostUSD: number;
    }
  | {
      type: "batch-job";
      round: number;
      jobId: string;
      status: string;
      total: number;
      succeeded: number;
      failed: number;
      /** documents waiting on this job's answers */
      waitingDocuments: number;
      spentUSD: number;
    }
  | { type: "batch-over-budget"; documents: string[]; limitUSD: number; committedUSD: number };

export interface CoordinatorOptions {
  out: string;
  /** folder under OUT for the round files and the downloaded results */
  workDir: string;
  http: BatchHttp;
  state: BatchStateFile;
  model: string;
  /** batch price; null = free (a self-hosted server) */
  prices: { inputPerM: number; outputPerM: number } | null;
  maxCostUSD?: number;
  /** poll interval: starts at initialMs, grows by half each poll up to maxMs */
  poll: { initialMs: number; maxMs: number };
  /** quiet time after the last new request before a round is sent */
  settleMs: number;
  timeoutHours: number;
  /** documents this run processes (skipped ones included: they end without a request) */
  documents: number;
  signal: AbortSignal;
  onEvent(e: BatchApiEvent): void;
}

interface Staged {
  customId: string;
  document: string;
  estimatedUSD: number;
  resubmission: boolean;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // a wait nobody awaits any more must not crash the process
  return { promise, resolve, reject };
}

/** Each request is sent again at most once (expired job, failed job, a 429/5xx line): a fault never multiplies calls. */
const MAX_RESUBMITS = 1;

/**
 * The rounds of a --batch-api run. Documents ask for answers (answer()); a request never seen is
 * staged for the next round; when every document of the run is either finished or waiting, and no
 * new request came for a moment, the staged requests go out as one job (JSONL upload + create).
 * Jobs are polled with backoff; a finished job's output and error files are downloaded at once and
 * kept under OUT, and the documents waiting on them go on (their next requests make the next round).
 * Everything a rerun needs is in batch-state.json, saved before and after each step, so a rerun polls
 * the same jobs, reads the same answers, and never sends a request twice.
 */
export class BatchCoordinator {
  private readonly results = new Map<string, { line: ResultLine; latencyMs: number }>();
  /** custom_id → the latest job it was sent in */
  private readonly jobOf = new Map<string, BatchJobRecord>();
  private readonly staged = new Map<string, Staged>();
  private readonly submitting = new Set<string>();
  private readonly waits = new Map<string, Deferred>();
  /** document → requests it waits on */
  private readonly blocked = new Map<string, number>();
  private readonly waitingOn = new Map<string, Set<string>>();
  private readonly nextPoll = new Map<string, { at: number; interval: number }>();
  private staging: { path: string; stream: WriteStream } | null = null;
  private ended = 0;
  private stagingFiles = 0;
  private lastStaged = 0;
  private stopped = false;
  private fatal: unknown;
  private spent = 0;

  private constructor(private readonly o: CoordinatorOptions) {}

  /** Loads the answers of earlier runs and adopts their jobs (and a create whose answer was lost). */
  static async open(o: CoordinatorOptions): Promise<BatchCoordinator> {
    const c = new BatchCoordinator(o);
    await mkdir(o.workDir, { recursive: true });
    // requests staged by a run that stopped before sending them: this run stages them again
    for (const name of await readdir(o.workDir))
      if (/^(staging-.*|round-\d+)\.jsonl$/.test(name)) await rm(join(o.workDir, name), { force: true });
    for (const job of o.state.state.jobs) {
      for (const id of job.customIds) c.jobOf.set(id, job);
      if (job.resultsFile) await c.ingest(job, await readFile(join(o.out, job.resultsFile), "utf8").catch(() => ""));
    }
    const lost = o.state.state.jobs.filter((j) => j.jobId === null);
    for (const job of lost) await c.adoptOrCreate(job, true);
    const running = o.state.state.jobs.filter((j) => !c.isFinished(j)).length;
    if (o.state.state.jobs.length) o.onEvent({ type: "batch-resume", jobs: o.state.state.jobs.length, running, answers: c.results.size });
    o.signal.addEventListener("abort", () => c.fail(o.signal.reason ?? new Error("interrupted")), { once: true });
    return c;
  }

  get spentUSD(): number {
    return this.spent;
  }

  /** A document of the run has finished (done, failed, skipped): it will ask for nothing more. */
  documentEnded(): void {
    this.ended++;
  }

  /**
   * The answer to one request: from an earlier round or run when there is one, else from the job
   * it is in, else from the next round (the line is staged now). `line` is the JSONL line to send.
   */
  async answer(document: string, customId: string, line: () => unknown, estimatedUSD: number): Promise<LineOutcome> {
    this.blocked.set(document, (this.blocked.get(document) ?? 0) + 1);
    try {
      for (;;) {
        if (this.fatal) throw this.fatal;
        const step = this.lookup(customId);
        if (step.kind === "done") return step.outcome;
        if (step.kind === "send") await this.stage(customId, document, line(), estimatedUSD, step.resubmission);
        const job = this.jobOf.get(customId);
        const key = job?.jobId ?? "staged";
        let docs = this.waitingOn.get(key);
        if (!docs) this.waitingOn.set(key, (docs = new Set()));
        docs.add(document);
        try {
          await this.waitFor(customId);
        } finally {
          docs.delete(document);
        }
      }
    } finally {
      const n = (this.blocked.get(document) ?? 1) - 1;
      if (n > 0) this.blocked.set(document, n);
      else this.blocked.delete(document);
    }
  }

  private lookup(customId: string): { kind: "done"; outcome: LineOutcome } | { kind: "wait" } | { kind: "send"; resubmission: boolean } {
    const resubmits = this.o.state.state.resubmitted[customId] ?? 0;
    const stored = this.results.get(customId);
    if (stored) {
      const outcome = lineOutcome(stored.line, stored.latencyMs);
      if (outcome.kind === "answer" || !outcome.retryable || resubmits >= MAX_RESUBMITS) return { kind: "done", outcome };
      this.results.delete(customId);
      return this.resubmit(customId);
    }
    if (this.staged.has(customId) || this.submitting.has(customId)) return { kind: "wait" };
    const job = this.jobOf.get(customId);
    if (!job) return { kind: "send", resubmission: false };
    if (!this.isFinished(job)) return { kind: "wait" };
    // the job ended without a line for it: expired, cancelled or failed as a whole
    if (resubmits >= MAX_RESUBMITS) {
      return {
        kind: "done",
        outcome: {
          kind: "error",
          status: null,
          message: `batch job ${job.jobId} ended ${job.status} without answering it, also after sending it again`,
          retryable: false,
        },
      };
    }
    return this.resubmit(customId);
  }

  private resubmit(customId: string): { kind: "send"; resubmission: true } {
    this.o.state.state.resubmitted[customId] = (this.o.state.state.resubmitted[customId] ?? 0) + 1;
    return { kind: "send", resubmission: true };
  }

  private waitFor(customId: string): Promise<void> {
    let d = this.waits.get(customId);
    if (!d) this.waits.set(customId, (d = deferred()));
    return d.promise;
  }

  private wake(customIds: Iterable<string>, err?: unknown): void {
    for (const id of customIds) {
      const d = this.waits.get(id);
      if (!d) continue;
      this.waits.delete(id);
      if (err) d.reject(err);
      else d.resolve();
    }
  }

  private fail(err: unknown): void {
    this.fatal ??= err;
    this.stopped = true;
    this.wake([...this.waits.keys()], err);
  }

  private async stage(customId: string, document: string, line: unknown, estimatedUSD: number, resubmission: boolean): Promise<void> {
    this.staged.set(customId, { customId, document, estimatedUSD, resubmission });
    this.lastStaged = Date.now();
    if (!this.staging) {
      const path = join(this.o.workDir, `staging-${process.pid}-${Date.now()}-${++this.stagingFiles}.jsonl`);
      this.staging = { path, stream: createWriteStream(path, { flags: "a" }) };
    }
    const { stream } = this.staging;
    // bodies go to disk as they come: a round of thousands of documents is not held in memory
    if (!stream.write(JSON.stringify(line) + "\n")) await new Promise<void>((r) => stream.once("drain", () => r()));
  }

  private isFinished(job: BatchJobRecord): boolean {
    return job.phase !== "creating" && FINISHED_PHASES.has(job.phase);
  }

  /** Every document is finished or waiting, and nothing new came for a moment: send the round. */
  private roundReady(): boolean {
    if (this.staged.size === 0) return false;
    if (Date.now() - this.lastStaged < this.o.settleMs) return false;
    return this.ended + this.blocked.size >= this.o.documents;
  }

  /** Polls and submits until stop(); resolves when stopped. */
  async run(): Promise<void> {
    const tick = Math.max(20, Math.min(250, this.o.poll.initialMs / 4, this.o.settleMs / 2));
    while (!this.stopped) {
      try {
        await this.pollDue();
        if (this.roundReady()) await this.submitRound();
      } catch (err) {
        if (this.o.signal.aborted) break;
        // refused key, no batch API, a service that keeps failing: every waiting document fails with it
        this.fail(err);
        break;
      }
      await sleep(tick, this.o.signal).catch(() => undefined);
    }
    await this.closeStaging();
  }

  stop(): void {
    this.stopped = true;
  }

  private async closeStaging(): Promise<string | null> {
    const s = this.staging;
    if (!s) return null;
    this.staging = null;
    await new Promise<void>((r) => s.stream.end(r));
    return s.path;
  }

  private async submitRound(): Promise<void> {
    const items = [...this.staged.values()];
    for (const i of items) this.submitting.add(i.customId);
    this.staged.clear();
    const stagingPath = (await this.closeStaging())!;
    const state = this.o.state.state;
    try {
      const admitted = this.admit(items);
      const round = state.round + 1;
      const keep = new Set(admitted.map((i) => i.customId));
      const path = join(this.o.workDir, `round-${round}.jsonl`);
      const bytes = await filterLines(stagingPath, path, keep);
      await rm(stagingPath, { force: true });
      if (admitted.length === 0) return;

      const fileId = await this.o.http.upload(await openAsBlob(path, { type: "application/jsonl" }), `longdoc-round-${round}.jsonl`);
      const record: BatchJobRecord = {
        round,
        fileId,
        jobId: null,
        customIds: admitted.map((i) => i.customId),
        phase: "creating",
        status: "",
        total: admitted.length,
        succeeded: 0,
        failed: 0,
        estimatedCostUSD: round6(admitted.reduce((s, i) => s + i.estimatedUSD, 0)),
        bytes,
        submittedAt: new Date().toISOString(),
      };
      state.round = round;
      state.jobs.push(record);
      for (const id of record.customIds) this.jobOf.set(id, record);
      // saved before the create: a crash from here on finds the file and looks for its job
      await this.o.state.save();
      await this.adoptOrCreate(record, false);
      await rm(path, { force: true });
      this.o.onEvent({
        type: "batch-round",
        round,
        jobId: record.jobId!,
        requests: admitted.length,
        documents: new Set(admitted.map((i) => i.document)).size,
        resubmitted: admitted.filter((i) => i.resubmission).length,
        bytes,
        estimatedCostUSD: record.estimatedCostUSD,
      });
      this.moveWaiting("staged", record.jobId!);
    } finally {
      for (const i of items) this.submitting.delete(i.customId);
    }
  }

  private moveWaiting(from: string, to: string): void {
    const docs = this.waitingOn.get(from);
    if (!docs) return;
    this.waitingOn.delete(from);
    this.waitingOn.set(to, docs);
  }

  /**
   * --max-cost: whole documents, in the order they asked, while what is spent, plus the estimate of
   * the jobs still running, plus theirs stays within the limit. The others' requests are refused.
   */
  private admit(items: Staged[]): Staged[] {
    const limit = this.o.maxCostUSD;
    if (limit === undefined) return items;
    let committed = this.spent;
    for (const job of this.o.state.state.jobs) if (!this.isFinished(job)) committed += job.estimatedCostUSD;
    const byDoc = new Map<string, Staged[]>();
    for (const i of items) byDoc.set(i.document, [...(byDoc.get(i.document) ?? []), i]);
    const admitted: Staged[] = [];
    const refused: string[] = [];
    for (const [doc, list] of byDoc) {
      const cost = list.reduce((s, i) => s + i.estimatedUSD, 0);
      if (committed + cost <= limit) {
        committed += cost;
        admitted.push(...list);
      } else refused.push(doc);
    }
    if (refused.length) {
      this.o.onEvent({ type: "batch-over-budget", documents: refused, limitUSD: limit, committedUSD: round6(committed) });
      const err = new BudgetRefusedError(
        `not sent: its requests would take the estimated batch spend past --max-cost $${limit} (committed $${committed.toFixed(4)})`,
      );
      this.wake(
        items.filter((i) => refused.includes(i.document)).map((i) => i.customId),
        err,
      );
    }
    return admitted;
  }

  /**
   * Creates the record's job; `lookFirst` (a record read back without a job id: the run stopped, or
   * the create's answer was lost, after the upload) first looks for a job made from its file.
   */
  private async adoptOrCreate(record: BatchJobRecord, lookFirst: boolean): Promise<void> {
    let job: JobView | undefined = lookFirst ? (await this.o.http.jobsForFile(record.fileId))[0] : undefined;
    if (!job) {
      try {
        job = await this.o.http.createJob(
          record.fileId,
          this.o.model,
          { longdoc_round: String(record.round), longdoc_requests: String(record.customIds.length) },
          this.o.timeoutHours,
        );
      } catch (err) {
        record.status = "lost";
        await this.o.state.save();
        throw err;
      }
    }
    this.update(record, job);
    await this.o.state.save();
  }

  private update(record: BatchJobRecord, job: JobView): boolean {
    const changed = record.status !== job.status || record.succeeded !== job.succeeded || record.failed !== job.failed;
    record.jobId = job.id;
    record.phase = job.phase;
    record.status = job.status;
    record.total = job.total || record.total;
    record.succeeded = job.succeeded;
    record.failed = job.failed;
    return changed;
  }

  private async pollDue(): Promise<void> {
    const now = Date.now();
    for (const record of this.o.state.state.jobs) {
      if (!record.jobId || record.resultsFile) continue;
      let schedule = this.nextPoll.get(record.jobId);
      if (!schedule) this.nextPoll.set(record.jobId, (schedule = { at: now, interval: this.o.poll.initialMs }));
      if (now < schedule.at && !this.isFinished(record)) continue;
      const job = this.isFinished(record) ? null : await this.o.http.getJob(record.jobId);
      if (job && this.update(record, job)) {
        await this.o.state.save();
        // a finished job is reported once, after its answers are in
        if (!this.isFinished(record)) this.emitJob(record);
      }
      if (this.isFinished(record)) {
        await this.collect(record);
        this.emitJob(record);
      } else {
        schedule.interval = Math.min(this.o.poll.maxMs, Math.round(schedule.interval * 1.5));
        schedule.at = Date.now() + schedule.interval;
      }
    }
  }

  private emitJob(record: BatchJobRecord): void {
    this.o.onEvent({
      type: "batch-job",
      round: record.round,
      jobId: record.jobId!,
      status: record.status,
      total: record.total,
      succeeded: record.succeeded,
      failed: record.failed,
      waitingDocuments: this.waitingOn.get(record.jobId!)?.size ?? 0,
      spentUSD: round6(this.spent),
    });
  }

  /** Downloads a finished job's output and error files at once (retention is not promised). */
  private async collect(record: BatchJobRecord): Promise<void> {
    const view = await this.o.http.getJob(record.jobId!);
    const parts: string[] = [];
    for (const file of [view.outputFile, view.errorFile]) if (file) parts.push(await this.o.http.download(file));
    const text = parts.map((p) => (p.endsWith("\n") || !p ? p : p + "\n")).join("");
    const path = join(this.o.workDir, `${record.jobId}.results.jsonl`);
    await writeFileAtomically(path, text);
    record.resultsFile = relative(this.o.out, path);
    record.finishedAt = new Date().toISOString();
    await this.ingest(record, text);
    await this.o.state.save();
    this.wake(record.customIds);
  }

  private async ingest(record: BatchJobRecord, text: string): Promise<void> {
    const latencyMs = record.finishedAt ? Date.parse(record.finishedAt) - Date.parse(record.submittedAt) : 0;
    for (const raw of text.split("\n")) {
      if (!raw.trim()) continue;
      let line: ResultLine;
      try {
        line = JSON.parse(raw) as ResultLine;
      } catch {
        continue; // a damaged line: its request counts as unanswered and is sent again once
      }
      if (typeof line.custom_id !== "string" || !record.customIds.includes(line.custom_id)) continue;
      this.results.set(line.custom_id, { line, latencyMs });
      const usage = (line.response?.body as { usage?: { prompt_tokens?: number; completion_tokens?: number } } | undefined)?.usage;
      if (usage && this.o.prices)
        this.spent +=
          ((usage.prompt_tokens ?? 0) * this.o.prices.inputPerM + (usage.completion_tokens ?? 0) * this.o.prices.outputPerM) / 1e6;
    }
  }
}

/** Copies the lines whose custom_id is kept; returns the bytes written. */
async function filterLines(from: string, to: string, keep: Set<string>): Promise<number> {
  const out = createWriteStream(to);
  let bytes = 0;
  const seen = new Set<string>();
  for await (const line of createInterface({ input: createReadStream(from), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const id = (JSON.parse(line) as { custom_id: string }).custom_id;
    // the same request staged twice (two identical documents) is sent once
    if (!keep.has(id) || seen.has(id)) continue;
    seen.add(id);
    const text = line + "\n";
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  return bytes;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;
