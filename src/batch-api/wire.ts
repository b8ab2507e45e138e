/**
 * The two batch APIs longdoc speaks, as each provider documents them. Everything that differs
 * between them lives here: paths, the input line, the job body, the job's fields and statuses.
 *  - Mistral: POST /v1/files (purpose=batch), POST /v1/batch/jobs {input_files, endpoint, model,
 *    metadata, timeout_hours}, GET /v1/batch/jobs/{id}, POST /v1/batch/jobs/{id}/cancel; statuses
 *    QUEUED, RUNNING, SUCCESS, FAILED, TIMEOUT_EXCEEDED, CANCELLATION_REQUESTED, CANCELLED.
 *  - OpenAI-style servers: POST /v1/files, POST /v1/batches {input_file_id, endpoint,
 *    completion_window: "24h", metadata}, GET /v1/batches/{id}, POST /v1/batches/{id}/cancel;
 *    statuses validating, in_progress, finalizing, completed, failed, expired, cancelling, cancelled.
 * Result lines have one shape on both: {custom_id, response: {status_code, body} | null, error}.
 */
import type { ProviderName } from "../llm/providers.js";

/** Where a job is, in our words. */
export type JobPhase = "queued" | "running" | "succeeded" | "failed" | "expired" | "cancelling" | "cancelled";

export const FINISHED_PHASES: ReadonlySet<JobPhase> = new Set(["succeeded", "failed", "expired", "cancelled"]);

export interface JobView {
  id: string;
  /** the provider's own status word, for messages */
  status: string;
  phase: JobPhase;
  inputFiles: string[];
  total: number;
  succeeded: number;
  failed: number;
  outputFile: string | null;
  errorFile: string | null;
}

export interface BatchWire {
  provider: "mistral" | "openai";
  /** path of the jobs collection under the base URL */
  jobsPath: string;
  /** one JSONL line of the input file */
  inputLine(customId: string, body: unknown): unknown;
  createBody(fileId: string, model: string, metadata: Record<string, string>, timeoutHours: number): unknown;
  parseJob(json: unknown): JobView;
  /** the jobs in a list answer */
  listed(json: unknown): unknown[];
}

const MISTRAL_PHASES: Record<string, JobPhase> = {
  QUEUED: "queued",
  RUNNING: "running",
  SUCCESS: "succeeded",
  FAILED: "failed",
  TIMEOUT_EXCEEDED: "expired",
  CANCELLATION_REQUESTED: "cancelling",
  CANCELLED: "cancelled",
};

const OPENAI_PHASES: Record<string, JobPhase> = {
  validating: "queued",
  in_progress: "running",
  finalizing: "running",
  completed: "succeeded",
  failed: "failed",
  expired: "expired",
  cancelling: "cancelling",
  cancelled: "cancelled",
};

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function phaseOf(table: Record<string, JobPhase>, status: unknown): JobPhase {
  const phase = typeof status === "string" ? table[status] : undefined;
  // an unknown status word is treated as still running: polling goes on rather than losing the job
  return phase ?? "running";
}

const mistral: BatchWire = {
  provider: "mistral",
  jobsPath: "/batch/jobs",
  inputLine: (custom_id, body) => ({ custom_id, body }),
  createBody: (fileId, model, metadata, timeoutHours) => ({
    input_files: [fileId],
    endpoint: "/v1/chat/completions",
    model,
    metadata,
    timeout_hours: timeoutHours,
  }),
  parseJob(json) {
    const j = (json ?? {}) as Record<string, unknown>;
    return {
      id: String(j.id ?? ""),
      status: String(j.status ?? ""),
      phase: phaseOf(MISTRAL_PHASES, j.status),
      inputFiles: Array.isArray(j.input_files) ? j.input_files.map(String) : [],
      total: num(j.total_requests),
      succeeded: num(j.succeeded_requests),
      failed: num(j.failed_requests),
      outputFile: str(j.output_file),
      errorFile: str(j.error_file),
    };
  },
  listed: (json) => (json as { data?: unknown[] })?.data ?? [],
};

const openai: BatchWire = {
  provider: "openai",
  jobsPath: "/batches",
  inputLine: (custom_id, body) => ({ custom_id, method: "POST", url: "/v1/chat/completions", body }),
  createBody: (fileId, _model, metadata) => ({
    input_file_id: fileId,
    endpoint: "/v1/chat/completions",
    // the only window OpenAI's API accepts; the model is named in each line's body
    completion_window: "24h",
    metadata,
  }),
  parseJob(json) {
    const j = (json ?? {}) as Record<string, unknown>;
    const counts = (j.request_counts ?? {}) as Record<string, unknown>;
    return {
      id: String(j.id ?? ""),
      status: String(j.status ?? ""),
      phase: phaseOf(OPENAI_PHASES, j.status),
      inputFiles: str(j.input_file_id) ? [String(j.input_file_id)] : [],
      total: num(counts.total),
      succeeded: num(counts.completed),
      failed: num(counts.failed),
      outputFile: str(j.output_file_id),
      errorFile: str(j.error_file_id),
    };
  },
  listed: (json) => (json as { data?: unknown[] })?.data ?? [],
};

/** The batch API of a provider; null for the ones without one (OpenRouter, offline). */
export function batchWireFor(provider: ProviderName): BatchWire | null {
  if (provider === "mistral") return mistral;
  if (provider === "openai") return openai;
  return null;
}
