import { InputError, ProviderRefusedError } from "../errors.js";
import { ProviderError, scrubMessage } from "../llm/errors.js";
import type { ProviderConfig } from "../llm/providers.js";
import { parseRetryAfter, RETRYABLE_STATUSES, retryDelayMs, sleep } from "../llm/retry.js";
import type { BatchWire, JobView } from "./wire.js";

const MAX_RETRIES = 4;
const TIMEOUT_MS = 300_000;

/**
 * The batch API's control calls (upload, create, poll, download, cancel) for one provider. A
 * connection failure, 429 or 5xx is retried with backoff; none of these calls is paid, and a
 * retried create is checked against the job list first so it never makes a second job.
 */
export class BatchHttp {
  constructor(
    private readonly cfg: ProviderConfig,
    readonly wire: BatchWire,
    private readonly signal?: AbortSignal,
  ) {}

  /** Uploads a JSONL input file (purpose=batch); `file` may be backed by a file on disk (openAsBlob). */
  async upload(file: Blob, filename: string): Promise<string> {
    const json = await this.send("POST", "/files", () => {
      const form = new FormData();
      form.set("purpose", "batch");
      form.set("file", file, filename);
      return form;
    });
    const id = (json as { id?: unknown })?.id;
    if (typeof id !== "string" || !id) throw new ProviderError(`${this.cfg.name}: file upload answered no file id`);
    return id;
  }

  async createJob(fileId: string, model: string, metadata: Record<string, string>, timeoutHours: number): Promise<JobView> {
    const body = this.wire.createBody(fileId, model, metadata, timeoutHours);
    // not retried here: a create whose answer was lost may have made the job; the caller looks for
    // it in the job list (jobsForFile) before creating again
    return this.wire.parseJob(await this.send("POST", this.wire.jobsPath, () => JSON.stringify(body), "json", 0));
  }

  async getJob(id: string): Promise<JobView> {
    return this.wire.parseJob(await this.send("GET", `${this.wire.jobsPath}/${encodeURIComponent(id)}`));
  }

  /** Jobs made from this input file (a create whose answer was lost still shows up here). */
  async jobsForFile(fileId: string): Promise<JobView[]> {
    const json = await this.send("GET", this.wire.jobsPath);
    return this.wire
      .listed(json)
      .map((j) => this.wire.parseJob(j))
      .filter((j) => j.inputFiles.includes(fileId));
  }

  async cancel(id: string): Promise<JobView> {
    return this.wire.parseJob(await this.send("POST", `${this.wire.jobsPath}/${encodeURIComponent(id)}/cancel`));
  }

  async download(fileId: string): Promise<string> {
    return (await this.send("GET", `/files/${encodeURIComponent(fileId)}/content`, undefined, "text")) as string;
  }

  private async send(
    method: "GET" | "POST",
    path: string,
    body?: () => string | FormData,
    as: "json" | "text" = "json",
    maxRetries = MAX_RETRIES,
  ): Promise<unknown> {
    const url = `${this.cfg.baseUrl}${path}`;
    const key = this.cfg.apiKey();
    let last!: string;
    for (let attempt = 1; ; attempt++) {
      this.signal?.throwIfAborted();
      const payload = body?.();
      const headers: Record<string, string> = { accept: "application/json" };
      if (key) headers.authorization = `Bearer ${key}`;
      if (typeof payload === "string") headers["content-type"] = "application/json";
      let retryAfter: number | null = null;
      try {
        const timeout = AbortSignal.timeout(TIMEOUT_MS);
        const res = await fetch(url, {
          method,
          headers,
          body: payload,
          signal: this.signal ? AbortSignal.any([this.signal, timeout]) : timeout,
        });
        const text = await res.text();
        if (res.ok) {
          if (as === "text") return text;
          try {
            return JSON.parse(text);
          } catch {
            last = `${method} ${path}: unreadable answer`;
          }
        } else {
          const message = scrubMessage(errorMessage(text), key);
          if (res.status === 401 || res.status === 403) {
            throw new ProviderRefusedError(
              `${this.cfg.name}: ${method} ${path} refused (HTTP ${res.status}): ${message}${this.cfg.keySource ? `; check ${this.cfg.keySource}` : ""}`,
            );
          }
          if ((res.status === 404 || res.status === 405) && (path === "/files" || path === this.wire.jobsPath)) {
            throw new InputError(
              `--batch-api: this ${this.cfg.name} endpoint has no batch API (${method} ${path}: HTTP ${res.status}); it is not supported by this provider`,
            );
          }
          if (!RETRYABLE_STATUSES.has(res.status))
            throw new ProviderError(`${this.cfg.name}: ${method} ${path} failed (HTTP ${res.status}): ${message}`, res.status);
          last = `HTTP ${res.status}: ${message.slice(0, 160)}`;
          retryAfter = parseRetryAfter(res.headers);
        }
      } catch (err) {
        if (err instanceof ProviderError || err instanceof InputError || err instanceof ProviderRefusedError) throw err;
        if (this.signal?.aborted) throw this.signal.reason ?? err;
        last = `connection failed: ${scrubMessage(err instanceof Error ? err.message : String(err), key)}`;
      }
      if (attempt > maxRetries) throw new ProviderError(`${this.cfg.name}: ${method} ${path} failed after ${attempt} attempts: ${last}`);
      await sleep(retryDelayMs(attempt, retryAfter), this.signal);
    }
  }
}

/** The message of a provider error body: Mistral's are flat, OpenAI-style ones nest under "error". */
export function errorMessage(text: string): string {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j.error as Record<string, unknown> | string | undefined;
    const m =
      (typeof e === "string" ? e : (e?.message as string | undefined)) ??
      (j.message as string | undefined) ??
      (j.detail as string | undefined);
    if (typeof m === "string" && m) return m;
    if (m !== undefined) return JSON.stringify(m);
  } catch {
    /* not JSON: the text itself */
  }
  return text.slice(0, 300);
}
