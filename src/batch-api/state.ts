import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeJsonAtomically } from "../io/atomic.js";
import type { JobPhase } from "./wire.js";

/** One submitted job: one round's requests (one input file). */
export interface BatchJobRecord {
  round: number;
  /** the uploaded JSONL input file */
  fileId: string;
  /** null between the upload and the provider's answer to the create */
  jobId: string | null;
  customIds: string[];
  /** "creating" until the job exists; then the provider's status, in our words */
  phase: JobPhase | "creating";
  /** the provider's own status word */
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  /** input tokens as planned + full output reserve, at the batch price */
  estimatedCostUSD: number;
  /** bytes of the input file */
  bytes: number;
  submittedAt: string;
  finishedAt?: string;
  /** the job's output and error lines, downloaded at once (relative to OUT) */
  resultsFile?: string;
}

/** OUT/batch-state.json: what a rerun (on this machine or another) needs to resume. */
export interface BatchState {
  schemaVersion: 1;
  provider: string;
  baseUrl: string;
  model: string;
  /** the last round submitted */
  round: number;
  jobs: BatchJobRecord[];
  /** custom_id → times it was submitted again (after an expired or failed job, or a retryable line error) */
  resubmitted: Record<string, number>;
  updatedAt: string;
}

/** Loads and saves the state; every save is atomic and saves are written one at a time, in order. */
export class BatchStateFile {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    readonly state: BatchState,
  ) {}

  static async open(out: string, fileName: string, engine: { provider: string; baseUrl: string; model: string }): Promise<BatchStateFile> {
    const path = join(out, fileName);
    let text: string | undefined;
    try {
      text = await readFile(path, "utf8");
    } catch {
      /* first run */
    }
    if (text === undefined) {
      return new BatchStateFile(path, {
        schemaVersion: 1,
        ...engine,
        round: 0,
        jobs: [],
        resubmitted: {},
        updatedAt: new Date().toISOString(),
      });
    }
    let state: BatchState;
    try {
      state = JSON.parse(text) as BatchState;
      if (state.schemaVersion !== 1 || !Array.isArray(state.jobs)) throw new Error("not a longdoc batch state");
    } catch (err) {
      throw new InputError(`cannot resume: ${err instanceof Error ? err.message : String(err)} (move it away to start over)`, path);
    }
    if (state.provider !== engine.provider || state.baseUrl !== engine.baseUrl) {
      // its jobs live at another service: polling them here would fail or, worse, find someone else's
      throw new InputError(
        `cannot resume: its jobs were sent to ${state.provider} at ${state.baseUrl}, this run goes to ${engine.provider} at ${engine.baseUrl} (use another --out, or move the file away)`,
        path,
      );
    }
    state.resubmitted ??= {};
    return new BatchStateFile(path, state);
  }

  save(): Promise<void> {
    this.state.updatedAt = new Date().toISOString();
    const snapshot = structuredClone(this.state);
    this.writing = this.writing.catch(() => undefined).then(() => writeJsonAtomically(this.path, snapshot));
    return this.writing;
  }
}
