/**
 * The fake server's provider batch endpoints: file upload (multipart, purpose=batch), batch jobs that
 * move through their statuses with delays, output and error files, cancel, and faults (a failed line,
 * an expired job). Two wire shapes, as documented by each provider:
 *  - mistral: POST /v1/files, /v1/batch/jobs {input_files, endpoint, model, metadata, timeout_hours},
 *    statuses QUEUED → RUNNING → SUCCESS | FAILED | TIMEOUT_EXCEEDED | CANCELLATION_REQUESTED → CANCELLED,
 *    counts total/completed/succeeded/failed_requests, output_file / error_file.
 *  - openai: POST /v1/files, /v1/batches {input_file_id, endpoint, completion_window: "24h", metadata},
 *    statuses validating → in_progress → finalizing → completed | failed | expired | cancelling → cancelled,
 *    request_counts {total, completed, failed}, output_file_id / error_file_id; input lines carry
 *    method and url.
 * Each line is answered by the chat endpoint of the same server (a loopback call marked as a batch
 * line, so it is not recorded as a live request): the same checks, answers and token counts.
 */
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type BatchFlavour = "mistral" | "openai";

/** A fault for one line of a job, matched by custom_id; used once. */
export interface LineFault {
  customId: RegExp;
  kind: "context-overflow" | "too-many-images" | "server-error";
}

export interface FakeBatchOptions {
  /** how long a new job stays queued, then running (defaults 300 ms, 300 ms) */
  queuedMs?: number;
  runningMs?: number;
}

export interface FakeBatchFile {
  id: string;
  purpose: string;
  filename: string;
  bytes: number;
  content: string;
}

export interface FakeBatchJob {
  id: string;
  inputFiles: string[];
  model: string | null;
  endpoint: string;
  metadata: Record<string, string> | null;
  /** seconds, as the API shows it */
  createdAt: number;
  createdMs: number;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  outputFile: string | null;
  errorFile: string | null;
  /** set by expireNextJob: only this many lines are answered, then the job times out */
  expireAfter?: number;
  cancelRequested?: boolean;
  finished: boolean;
}

/** What tests see and steer. */
export interface FakeBatchApi {
  files: Map<string, FakeBatchFile>;
  jobs: FakeBatchJob[];
  /** every batch API call, in order */
  calls: { method: string; path: string; status: number }[];
  /** custom_ids of every line uploaded, over all files (a request sent twice shows up twice) */
  uploadedCustomIds(): string[];
  failLine(fault: LineFault): void;
  /** the next job created ends TIMEOUT_EXCEEDED (openai: expired) after answering `answered` lines */
  expireNextJob(answered?: number): void;
}

export interface BatchRoutes {
  api: FakeBatchApi;
  /** true when the request was a batch route and has been answered */
  handle(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer, authorized: boolean): Promise<boolean>;
}

export interface BatchRouteContext {
  flavour: BatchFlavour;
  basePath: string;
  options: FakeBatchOptions;
  /** answers one chat.completions body as the live endpoint would; `fault` forces an error */
  chat(body: unknown, fault?: LineFault["kind"]): Promise<{ status: number; body: unknown }>;
  errorBody(status: number, message: string, type: string, code: string | number | null): unknown;
  sendJson(res: ServerResponse, status: number, value: unknown): void;
}

const MAX_TIMEOUT_HOURS = 168;

export function createBatchRoutes(ctx: BatchRouteContext): BatchRoutes {
  const files = new Map<string, FakeBatchFile>();
  const jobs: FakeBatchJob[] = [];
  const calls: FakeBatchApi["calls"] = [];
  const lineFaults: LineFault[] = [];
  let expireNext: number | undefined;
  let counter = 0;
  const queuedMs = ctx.options.queuedMs ?? 300;
  const runningMs = ctx.options.runningMs ?? 300;
  const mistral = ctx.flavour === "mistral";
  const newId = (kind: string) => {
    const hex = createHash("sha256").update(`${kind}-${++counter}-${process.hrtime.bigint()}`).digest("hex");
    // Mistral ids are UUIDs; OpenAI's are prefixed
    return mistral
      ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
      : `${kind === "file" ? "file" : "batch"}_${hex.slice(0, 24)}`;
  };

  const api: FakeBatchApi = {
    files,
    jobs,
    calls,
    uploadedCustomIds() {
      const ids: string[] = [];
      for (const f of files.values()) {
        if (f.purpose !== "batch") continue;
        for (const line of f.content.split("\n")) if (line.trim()) ids.push(String(JSON.parse(line).custom_id));
      }
      return ids;
    },
    failLine: (f) => lineFaults.push(f),
    expireNextJob: (answered = 0) => {
      expireNext = answered;
    },
  };

  const fail = (res: ServerResponse, status: number, message: string, type = "invalid_request_error") =>
    ctx.sendJson(res, status, ctx.errorBody(status, message, type, null));

  function view(job: FakeBatchJob): unknown {
    if (mistral) {
      return {
        id: job.id,
        object: "batch",
        input_files: job.inputFiles,
        metadata: job.metadata,
        endpoint: job.endpoint,
        model: job.model,
        output_file: job.outputFile,
        error_file: job.errorFile,
        errors: [],
        status: job.status,
        created_at: job.createdAt,
        total_requests: job.total,
        completed_requests: job.succeeded + job.failed,
        succeeded_requests: job.succeeded,
        failed_requests: job.failed,
        started_at: job.status === "QUEUED" ? null : job.createdAt,
        completed_at: job.finished ? Math.floor(Date.now() / 1000) : null,
      };
    }
    return {
      id: job.id,
      object: "batch",
      endpoint: job.endpoint,
      errors: null,
      input_file_id: job.inputFiles[0],
      completion_window: "24h",
      status: job.status,
      output_file_id: job.outputFile,
      error_file_id: job.errorFile,
      created_at: job.createdAt,
      request_counts: { total: job.total, completed: job.succeeded, failed: job.failed },
      metadata: job.metadata,
    };
  }

  function inputLines(job: FakeBatchJob): { custom_id: string; body: unknown }[] {
    return job.inputFiles.flatMap((id) =>
      files
        .get(id)!
        .content.split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l)),
    );
  }

  function storeFile(content: string, filename: string, purpose: string): string {
    const id = newId("file");
    files.set(id, { id, purpose, filename, bytes: Buffer.byteLength(content), content });
    return id;
  }

  /** Runs the job's lines (all, or up to an expiry) and writes its output and error files. */
  async function finish(job: FakeBatchJob, final: "done" | "cancelled"): Promise<void> {
    job.finished = true;
    const out: string[] = [];
    const errors: string[] = [];
    const lines = final === "cancelled" ? [] : inputLines(job);
    const answered = job.expireAfter ?? lines.length;
    for (const [i, line] of lines.entries()) {
      const lineId = `batch-${job.id.slice(0, 8)}-${i}`;
      if (i >= answered) {
        // OpenAI lists unfinished requests of an expired batch in the error file; Mistral leaves them out
        if (!mistral) {
          errors.push(
            JSON.stringify({
              id: lineId,
              custom_id: line.custom_id,
              response: null,
              error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
            }),
          );
          job.failed++;
        }
        continue;
      }
      const fi = lineFaults.findIndex((f) => f.customId.test(line.custom_id));
      const fault = fi >= 0 ? lineFaults.splice(fi, 1)[0]!.kind : undefined;
      const answer = await ctx.chat(line.body, fault);
      const record = { id: lineId, custom_id: line.custom_id, response: { status_code: answer.status, body: answer.body }, error: null };
      if (answer.status === 200) {
        out.push(JSON.stringify(record));
        job.succeeded++;
      } else {
        errors.push(JSON.stringify(record));
        job.failed++;
      }
    }
    if (out.length) job.outputFile = storeFile(out.join("\n") + "\n", `${job.id}.jsonl`, mistral ? "batch_result" : "batch_output");
    if (errors.length)
      job.errorFile = storeFile(errors.join("\n") + "\n", `${job.id}_error.jsonl`, mistral ? "batch_error" : "batch_output");
    if (final === "cancelled") job.status = mistral ? "CANCELLED" : "cancelled";
    else if (job.expireAfter !== undefined) job.status = mistral ? "TIMEOUT_EXCEEDED" : "expired";
    else job.status = mistral ? "SUCCESS" : "completed";
  }

  /** The status a job has by now: queued, then running, then finished (answered once). */
  async function advance(job: FakeBatchJob): Promise<void> {
    if (job.finished) return;
    if (job.cancelRequested) {
      // one poll sees the request, the next the cancelled job
      if (job.status === (mistral ? "CANCELLATION_REQUESTED" : "cancelling")) await finish(job, "cancelled");
      else job.status = mistral ? "CANCELLATION_REQUESTED" : "cancelling";
      return;
    }
    const age = Date.now() - job.createdMs;
    if (age < queuedMs) job.status = mistral ? "QUEUED" : "validating";
    else if (age < queuedMs + runningMs) job.status = mistral ? "RUNNING" : "in_progress";
    else await finish(job, "done");
  }

  async function readMultipart(req: IncomingMessage, body: Buffer): Promise<FormData> {
    const request = new Request("http://fake/upload", {
      method: "POST",
      headers: { "content-type": String(req.headers["content-type"] ?? "") },
      body: new Uint8Array(body),
    });
    return request.formData();
  }

  async function route(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): Promise<boolean> {
    const method = req.method ?? "GET";
    const base = ctx.basePath;
    const jobsPath = mistral ? `${base}/batch/jobs` : `${base}/batches`;

    if (method === "POST" && path === `${base}/files`) {
      let form: FormData;
      try {
        form = await readMultipart(req, body);
      } catch {
        fail(res, 400, "expected multipart/form-data with a file and a purpose");
        return true;
      }
      const purpose = form.get("purpose");
      const file = form.get("file");
      if (purpose !== "batch" && purpose !== "fine-tune" && purpose !== "ocr") {
        fail(res, 422, `purpose must be batch, fine-tune or ocr (got ${String(purpose)})`);
        return true;
      }
      if (!file || typeof file === "string") {
        fail(res, 422, "file is required");
        return true;
      }
      const content = await file.text();
      // each line must be a request object, as the provider validates it
      for (const [i, line] of content.split("\n").entries()) {
        if (!line.trim()) continue;
        let parsed: any;
        try {
          parsed = JSON.parse(line);
        } catch {
          fail(res, 422, `line ${i + 1} is not valid JSON`);
          return true;
        }
        if (typeof parsed?.custom_id !== "string" || !parsed.body || typeof parsed.body !== "object") {
          fail(res, 422, `line ${i + 1}: custom_id and body are required`);
          return true;
        }
        if (!mistral && (parsed.method !== "POST" || parsed.url !== "/v1/chat/completions")) {
          fail(res, 400, `line ${i + 1}: method must be POST and url /v1/chat/completions`);
          return true;
        }
      }
      const id = storeFile(content, file.name || "batch.jsonl", String(purpose));
      const f = files.get(id)!;
      ctx.sendJson(res, 200, {
        id,
        object: "file",
        bytes: f.bytes,
        created_at: Math.floor(Date.now() / 1000),
        filename: f.filename,
        purpose: f.purpose,
        ...(mistral
          ? { sample_type: "batch_request", num_lines: content.split("\n").filter((l) => l.trim()).length, source: "upload" }
          : { status: "processed" }),
      });
      return true;
    }

    const content = new RegExp(`^${base}/files/([^/]+)/content$`).exec(path);
    if (method === "GET" && content) {
      const f = files.get(content[1]!);
      if (!f) {
        fail(res, 404, `file ${content[1]} not found`, "not_found");
        return true;
      }
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": Buffer.byteLength(f.content) });
      res.end(f.content);
      return true;
    }

    if (method === "POST" && path === jobsPath) {
      let input: any;
      try {
        input = JSON.parse(body.toString("utf8"));
      } catch {
        fail(res, 400, "body is not JSON");
        return true;
      }
      const fileIds: string[] = mistral
        ? Array.isArray(input?.input_files)
          ? input.input_files
          : []
        : input?.input_file_id
          ? [input.input_file_id]
          : [];
      if (mistral && Array.isArray(input?.requests)) {
        // inline requests: stored as a file of their own, as if uploaded
        const jsonl = input.requests.map((r: unknown) => JSON.stringify(r)).join("\n") + "\n";
        fileIds.push(storeFile(jsonl, "inline.jsonl", "batch"));
      }
      if (fileIds.length === 0 || fileIds.some((id) => !files.has(id))) {
        fail(res, mistral ? 422 : 400, "input files not found");
        return true;
      }
      if (input.endpoint !== "/v1/chat/completions") {
        fail(res, mistral ? 422 : 400, `unsupported endpoint ${String(input.endpoint)}`);
        return true;
      }
      if (mistral) {
        if (typeof input.model !== "string" || !input.model) {
          fail(res, 422, "model is required for chat completion batch jobs");
          return true;
        }
        const hours = input.timeout_hours ?? 24;
        if (!Number.isInteger(hours) || hours < 1 || hours > MAX_TIMEOUT_HOURS) {
          fail(res, 422, `timeout_hours must be between 1 and ${MAX_TIMEOUT_HOURS}`);
          return true;
        }
      } else if (input.completion_window !== "24h") {
        fail(res, 400, "completion_window must be 24h");
        return true;
      }
      const now = Date.now();
      const job: FakeBatchJob = {
        id: newId("job"),
        inputFiles: fileIds,
        model: input.model ?? null,
        endpoint: input.endpoint,
        metadata: input.metadata ?? null,
        createdAt: Math.floor(now / 1000),
        createdMs: now,
        status: mistral ? "QUEUED" : "validating",
        total: 0,
        succeeded: 0,
        failed: 0,
        outputFile: null,
        errorFile: null,
        finished: false,
      };
      job.total = inputLines(job).length;
      if (expireNext !== undefined) {
        job.expireAfter = expireNext;
        expireNext = undefined;
      }
      jobs.push(job);
      ctx.sendJson(res, 200, view(job));
      return true;
    }

    if (method === "GET" && path === jobsPath) {
      const data = [];
      for (const job of jobs) {
        await advance(job);
        data.push(view(job));
      }
      ctx.sendJson(res, 200, mistral ? { object: "list", data, total: data.length } : { object: "list", data, has_more: false });
      return true;
    }

    const one = new RegExp(`^${jobsPath}/([^/]+)(/cancel)?$`).exec(path);
    if (one && ((method === "GET" && !one[2]) || (method === "POST" && one[2]))) {
      const job = jobs.find((j) => j.id === one[1]);
      if (!job) {
        fail(res, 404, `batch job ${one[1]} not found`, "not_found");
        return true;
      }
      if (one[2] && !job.finished) job.cancelRequested = true;
      await advance(job);
      ctx.sendJson(res, 200, view(job));
      return true;
    }
    return false;
  }

  return {
    api,
    async handle(req, res, path, body, authorized) {
      const isBatchPath =
        path.startsWith(`${ctx.basePath}/files`) || path.startsWith(mistral ? `${ctx.basePath}/batch/` : `${ctx.basePath}/batches`);
      if (!isBatchPath) return false;
      const entry = { method: req.method ?? "", path, status: 0 };
      calls.push(entry);
      if (!authorized) {
        entry.status = 401;
        ctx.sendJson(res, 401, ctx.errorBody(401, "Unauthorized", "authentication_error", null));
        return true;
      }
      const handled = await route(req, res, path, body);
      entry.status = res.statusCode;
      return handled;
    },
  };
}
