/**
 * A fake OpenAI-compatible chat.completions server: the project's stand-in for the remote model
 * service (Mistral's API, OpenRouter, or a vLLM/Ollama server). Real HTTP on 127.0.0.1, checks each
 * request the way the real service would, answers deterministically with schema-valid JSON, and
 * injects faults on demand. It never makes outbound requests.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import sharp from "sharp";
import { createBatchRoutes, type BatchRoutes, type FakeBatchApi, type FakeBatchOptions } from "./fake-server/batch.js";
import { contextFromText, fillSchema } from "./fake-server/filler.js";
import { countTextTokens, imageTokens, TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, truncateToTokens } from "./fake-server/tokens.js";

/**
 * Provider personalities: each answers with its provider's chunk shapes, error bodies and finish
 * reasons. "openai" is a generic OpenAI-compatible server; "vllm" and "llamacpp" are the
 * self-hosted servers with their own error shapes.
 */
export type Flavour = "mistral" | "openai" | "openrouter" | "vllm" | "llamacpp";

export type Fault =
  /** 429 with Retry-After (seconds, or an HTTP date string); null = no Retry-After at all */
  | { kind: "rate-limit"; retryAfter?: number | string | null; headers?: Record<string, string> }
  /** 5xx (default 500) */
  | { kind: "server-error"; status?: 500 | 502 | 503 | 504 }
  /** no answer for `ms` then a normal one; without ms, never answers. afterHeaders: send headers and half a body first */
  | { kind: "stall"; ms?: number; afterHeaders?: boolean }
  /** 200 whose content is not valid JSON */
  | { kind: "invalid-json" }
  /** 200 whose content is cut off, finish_reason "length" */
  | { kind: "truncated" }
  /** 400 context-length error, whatever the request size */
  | { kind: "context-overflow" }
  /** 400 image-limit error naming `limit` (default: the server's maxImages) */
  | { kind: "too-many-images"; limit?: number }
  | { kind: "unauthorized" }
  /** 429 about exhausted credit: not a rate limit */
  | { kind: "quota" }
  /** the connection is dropped without an answer (a reset) */
  | { kind: "reset" }
  /** streamed: half the answer, then nothing for `ms` (default: never), then the connection ends */
  | { kind: "stall-mid-stream"; ms?: number }
  /** nothing (no headers) for `ms`, then a normal answer; openrouter sends keep-alive comments meanwhile */
  | { kind: "slow-first-byte"; ms: number }
  /** a normal answer streamed in `chunks` pieces, `everyMs` apart (a long answer that keeps coming) */
  | { kind: "slow-stream"; chunks: number; everyMs: number }
  /** an error inside an HTTP 200, in the personality's shape; midStream: after part of the answer */
  | { kind: "error-in-200"; code?: number; midStream?: boolean }
  /** the model declines: finish_reason content_filter (openai style: a refusal delta) */
  | { kind: "refusal" }
  /** 200, finish_reason stop, no content */
  | { kind: "empty" }
  /** truncated with reasoning only: thinking used the whole budget */
  | { kind: "truncated-thinking" }
  /** Mistral's finish_reason "model_length" */
  | { kind: "model-length" }
  /** 413 request too large */
  | { kind: "too-large" }
  /** OpenRouter 404: no host honours every parameter (provider.require_parameters) */
  | { kind: "no-host" };

export interface RecordedRequest {
  method: string;
  path: string;
  /** request headers without Authorization */
  headers: Record<string, string | string[] | undefined>;
  /** whether the bearer key matched */
  authorized: boolean;
  body: any;
  rawBody: string;
  /** status the server answered with; 0 while pending or when it never answered */
  status: number;
  /** the server's own prompt token count (when the body got that far) */
  promptTokens?: number;
  completionTokens?: number;
  images: { mime: string; width: number; height: number; tokens: number }[];
  fault?: Fault["kind"];
  /** error message sent back, if any */
  error?: string;
  /** what the server billed and reported in `usage` (absent: nothing reported) */
  billed?: { promptTokens: number; completionTokens: number; costUSD: number };
  /** whether the answer was streamed (SSE) */
  streamed?: boolean;
}

/** The fake's price for `usage.cost` (OpenRouter personality), USD per million tokens. */
export const FAKE_PRICES = { input: 0.15, output: 0.6 };

export interface LatencyModel {
  prefillTokensPerSec: number;
  outputTokensPerSec: number;
  overheadMs: number;
  /** upper bound on any one simulated delay (default 20 s) */
  maxDelayMs?: number;
}

export interface FakeServerOptions {
  flavour?: Flavour;
  /** context window: prompt + max_tokens must fit (default 262144) */
  window?: number;
  /** images per request (default 8) */
  maxImages?: number;
  /** required bearer key (default "fake-key-for-tests"); null accepts any or none, like a local server */
  apiKey?: string | null;
  latency?: LatencyModel;
  /** model ids accepted; default any non-empty id */
  models?: string[];
  /** the batch endpoints' job delays (mistral and openai flavours; openrouter has no batch API) */
  batch?: FakeBatchOptions;
}

export interface FakeServer {
  /** base URL including the API path (/v1, or /api/v1 for openrouter) */
  url: string;
  flavour: Flavour;
  apiKey: string | null;
  requests: RecordedRequest[];
  /** queue faults for the next requests, one fault per request, in order */
  inject(fault: Fault | Fault[]): void;
  /** faults still queued */
  pendingFaults(): number;
  /** files and batch jobs (null for openrouter, which has no batch API) */
  batch: FakeBatchApi | null;
  close(): Promise<void>;
}

const DEFAULT_KEY = "fake-key-for-tests";
/** marks the loopback call that answers one line of a batch job; its value is the line's fault, if any */
const BATCH_LINE_HEADER = "x-fake-batch-line";

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = "invalid_request_error",
    readonly code: string | number | null = null,
  ) {
    super(message);
  }
}

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
  const flavour = opts.flavour ?? "mistral";
  const window = opts.window ?? 262_144;
  const maxImages = opts.maxImages ?? 8;
  const apiKey = opts.apiKey === undefined ? DEFAULT_KEY : opts.apiKey;
  const basePath = flavour === "openrouter" ? "/api/v1" : "/v1";
  const OPEN_STREAMS = new Set<ServerResponse>();
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function errorBody(status: number, message: string, type: string, code: string | number | null): unknown {
    // Mistral answers errors flat; OpenAI-style servers and OpenRouter nest them under "error"
    if (flavour === "mistral") return { object: "error", message, type, param: null, code: code ?? String(status) };
    if (flavour === "openrouter") return { error: { message, code: status, metadata: { provider_name: "Mistral" } } };
    if (flavour === "vllm") return { object: "error", message, type, param: null, code: status };
    if (flavour === "llamacpp") return { error: { code: status, message, type } };
    return { error: { message, type, param: null, code } };
  }

  function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
    if (res.destroyed) return;
    const text = JSON.stringify(value);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  function fail(res: ServerResponse, rec: RecordedRequest, f: HttpFailure, headers: Record<string, string> = {}) {
    rec.status = f.status;
    rec.error = f.message;
    const body = errorBody(f.status, f.message, f.type, f.code) as { error?: Record<string, unknown> };
    const extra = (f as { extra?: Record<string, unknown> }).extra;
    if (extra && body.error) Object.assign(body.error, extra);
    sendJson(res, f.status, body, headers);
  }

  function contextMessage(prompt: number, maxTokens: number): string {
    const total = prompt + maxTokens;
    if (flavour === "llamacpp") return `the request exceeds the available context size, try increasing it`;
    if (flavour === "mistral")
      return `Prompt contains ${total} tokens and 0 draft tokens, too large for model with ${window} maximum context length`;
    if (flavour === "openrouter")
      return `This endpoint's maximum context length is ${window} tokens. However, you requested about ${total} tokens (${prompt} of text input, ${maxTokens} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`;
    return `This model's maximum context length is ${window} tokens. However, you requested ${total} tokens (${prompt} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
  }

  function contextFailure(prompt: number, maxTokens: number): HttpFailure {
    if (flavour === "llamacpp") {
      const f = new HttpFailure(400, contextMessage(prompt, maxTokens), "exceed_context_size_error", 400);
      Object.assign(f, { extra: { n_prompt_tokens: prompt, n_ctx: window } });
      return f;
    }
    return new HttpFailure(400, contextMessage(prompt, maxTokens), "invalid_request_error", "context_length_exceeded");
  }

  function imagesMessage(count: number, limit: number): string {
    if (flavour === "mistral") return `Too many images in request. Max is ${limit}, got ${count}.`;
    return `At most ${limit} image(s) may be provided in one request. You provided ${count}.`;
  }

  /** Check the body as the service would; returns what the answer needs. */
  async function inspect(body: any, rec: RecordedRequest) {
    const badShape = (m: string) => new HttpFailure(flavour === "mistral" ? 422 : 400, m);
    if (!body || typeof body !== "object" || Array.isArray(body)) throw badShape("Request body must be a JSON object");
    if (typeof body.model !== "string" || !body.model) throw badShape("Field 'model' is required");
    if (opts.models && !opts.models.includes(body.model)) throw new HttpFailure(400, `Invalid model: ${body.model}`, "invalid_model");
    if (!Array.isArray(body.messages) || body.messages.length === 0) throw badShape("Field 'messages' must be a non-empty array");
    if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1))
      throw badShape("max_tokens must be a positive integer");
    const rf = body.response_format;
    if (
      !rf ||
      rf.type !== "json_schema" ||
      !rf.json_schema ||
      typeof rf.json_schema.name !== "string" ||
      typeof rf.json_schema.schema !== "object"
    ) {
      throw new HttpFailure(400, "response_format { type: 'json_schema', json_schema: { name, schema } } is required by this test server");
    }
    let promptTokens = TOKENS_PER_REPLY;
    const texts: string[] = [];
    for (const [i, m] of (body.messages as any[]).entries()) {
      if (!m || !["system", "user", "assistant"].includes(m.role)) throw badShape(`messages[${i}].role must be system, user or assistant`);
      promptTokens += TOKENS_PER_MESSAGE;
      if (typeof m.content === "string") {
        promptTokens += countTextTokens(m.content);
        if (m.role !== "assistant") texts.push(m.content);
        continue;
      }
      if (!Array.isArray(m.content)) throw badShape(`messages[${i}].content must be a string or an array of parts`);
      for (const [j, part] of (m.content as any[]).entries()) {
        const where = `messages[${i}].content[${j}]`;
        if (part?.type === "text") {
          if (typeof part.text !== "string") throw badShape(`${where}.text must be a string`);
          promptTokens += countTextTokens(part.text);
          if (m.role !== "assistant") texts.push(part.text);
        } else if (part?.type === "image_url") {
          if (m.role !== "user") throw badShape(`${where}: images are only allowed in user messages`);
          const url = imageUrlOf(part.image_url, where);
          const img = await decodeDataUrl(url, where);
          const tokens = imageTokens(img.width, img.height);
          rec.images.push({ ...img, tokens });
          promptTokens += tokens;
        } else {
          throw badShape(`${where}.type must be "text" or "image_url"`);
        }
      }
    }
    rec.promptTokens = promptTokens;
    if (rec.images.length > maxImages) throw new HttpFailure(400, imagesMessage(rec.images.length, maxImages));
    const maxTokens: number = body.max_tokens ?? Math.max(1, window - promptTokens);
    if (promptTokens + maxTokens > window) throw contextFailure(promptTokens, maxTokens);
    return { promptTokens, maxTokens, schema: rf.json_schema.schema as Record<string, unknown>, text: texts.join("\n") };
  }

  function imageUrlOf(v: unknown, where: string): string {
    // the one wire difference the adapters exist for (DESIGN.md §4)
    if (flavour === "mistral") {
      if (typeof v !== "string") throw new HttpFailure(422, `${where}.image_url: Input should be a valid string (data URL)`);
      return v;
    }
    if (!v || typeof v !== "object" || typeof (v as { url?: unknown }).url !== "string") {
      throw new HttpFailure(400, `${where}.image_url must be an object { url }`);
    }
    return (v as { url: string }).url;
  }

  async function decodeDataUrl(url: string, where: string) {
    const m = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/=\s]+)$/.exec(url);
    if (!m) throw new HttpFailure(400, `${where}: image must be a base64 data URL of a PNG, JPEG or WebP image`);
    const data = Buffer.from(m[2], "base64");
    let meta: sharp.Metadata;
    try {
      meta = await sharp(data).metadata();
    } catch {
      throw new HttpFailure(400, `${where}: the image data could not be decoded`);
    }
    const format = meta.format === "jpg" ? "jpeg" : meta.format;
    if (`image/${format}` !== m[1]) throw new HttpFailure(400, `${where}: the data is ${format}, not ${m[1]}`);
    if (!meta.width || !meta.height) throw new HttpFailure(400, `${where}: image has no size`);
    return { mime: m[1], width: meta.width, height: meta.height };
  }

  function completion(body: any, content: string, finish: string, promptTokens: number, completionTokens: number) {
    return {
      id: "chatcmpl-" + createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 24),
      object: "chat.completion",
      created: 1_700_000_000,
      model: body.model,
      choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: finish }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "/").split("?")[0];
    const { authorization, [BATCH_LINE_HEADER]: batchLine, ...headers } = req.headers;
    const rec: RecordedRequest = {
      method: req.method ?? "",
      path,
      headers,
      authorized: apiKey === null || authorization === `Bearer ${apiKey}`,
      body: undefined,
      rawBody,
      status: 0,
      images: [],
    };

    if (batchRoutes && (await batchRoutes.handle(req, res, path, Buffer.concat(chunks), rec.authorized))) return;
    if (req.method === "GET" && path === `${basePath}/models`) {
      if (!rec.authorized) return sendJson(res, 401, errorBody(401, "Unauthorized", "authentication_error", null));
      return sendJson(res, 200, { object: "list", data: (opts.models ?? ["mistral-small-2603"]).map((id) => ({ id, object: "model" })) });
    }
    if (req.method !== "POST" || path !== `${basePath}/chat/completions`) {
      return sendJson(res, 404, errorBody(404, `No route for ${req.method} ${path}`, "not_found", null));
    }
    // a batch job's line, answered through this endpoint: not a live request, and only its own fault
    if (batchLine === undefined) requests.push(rec);
    try {
      rec.body = JSON.parse(rawBody);
    } catch {
      /* checked below, after auth, like a real gateway */
    }
    const fault: Fault | undefined =
      batchLine === undefined ? faults.shift() : batchLine ? { kind: batchLine as "context-overflow" } : undefined;
    if (fault) rec.fault = fault.kind;

    if (!rec.authorized || fault?.kind === "unauthorized") {
      const msg = flavour === "openrouter" ? "No auth credentials found" : "Unauthorized";
      return fail(res, rec, new HttpFailure(401, msg, "authentication_error", "invalid_api_key"));
    }
    if (fault?.kind === "reset") {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === "rate-limit") {
      const ra = fault.retryAfter === undefined ? 1 : fault.retryAfter;
      const headers = { ...(ra === null ? {} : { "retry-after": String(ra) }), ...(fault.headers ?? {}) };
      return fail(res, rec, new HttpFailure(429, "Requests rate limit exceeded", "rate_limited", "1300"), headers);
    }
    if (fault?.kind === "too-large") {
      return fail(
        res,
        rec,
        new HttpFailure(413, `Request Entity Too Large: body of ${rawBody.length} bytes exceeds the limit`, "request_too_large"),
      );
    }
    if (fault?.kind === "no-host") {
      return fail(
        res,
        rec,
        new HttpFailure(
          404,
          "No endpoints found that can handle the requested parameters. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection",
          "not_found",
        ),
      );
    }
    if (fault?.kind === "quota") {
      return fail(
        res,
        rec,
        new HttpFailure(429, "You have exceeded your monthly quota: insufficient credit", "insufficient_quota", "insufficient_quota"),
      );
    }
    if (fault?.kind === "server-error") {
      const status = fault.status ?? 500;
      return fail(
        res,
        rec,
        new HttpFailure(status, status === 503 ? "Service unavailable, model overloaded" : "Internal server error", "server_error"),
      );
    }
    if (fault?.kind === "stall") {
      if (fault.afterHeaders) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"id":"chatcmpl-stalled","object":"chat.completion","choices":[');
      }
      if (fault.ms === undefined) return; // never answers; close() ends the socket
      await wait(fault.ms);
      if (closing || res.destroyed || fault.afterHeaders) {
        res.end();
        return;
      }
    }
    if (rec.body === undefined) return fail(res, rec, new HttpFailure(400, "Request body is not valid JSON"));

    let checked: Awaited<ReturnType<typeof inspect>>;
    try {
      checked = await inspect(rec.body, rec);
    } catch (e) {
      if (e instanceof HttpFailure) return fail(res, rec, e);
      throw e;
    }
    if (fault?.kind === "context-overflow") {
      return fail(
        res,
        rec,
        new HttpFailure(400, contextMessage(window + 1000, checked.maxTokens), "invalid_request_error", "context_length_exceeded"),
      );
    }
    if (fault?.kind === "too-many-images") {
      const limit = fault.limit ?? maxImages;
      return fail(res, rec, new HttpFailure(400, imagesMessage(Math.max(rec.images.length, limit + 1), limit)));
    }
    const streamed = rec.body.stream === true;
    rec.streamed = streamed;
    const reasoning = rec.body.reasoning_effort === "high" || rec.body.reasoning?.effort === "high";

    const full = JSON.stringify(fillSchema(checked.schema, contextFromText(checked.text)), null, 1);
    let content = full;
    let finish = "stop";
    let completionTokens = countTextTokens(full);
    let thinking = reasoning ? "Let me read the pages and the figures first, then fill the schema." : "";
    let refusal = "";
    if (fault?.kind === "invalid-json") {
      content = "Here is the summary you asked for: " + full.slice(0, Math.floor(full.length / 2)) + ",}";
      completionTokens = countTextTokens(content);
    } else if (fault?.kind === "empty") {
      content = "";
      completionTokens = 1;
    } else if (fault?.kind === "refusal") {
      content = "";
      refusal = "I can't help with summarising this document.";
      completionTokens = countTextTokens(refusal);
      finish = "content_filter";
    } else if (fault?.kind === "truncated-thinking") {
      content = "";
      thinking = "Let me think about every page. ".repeat(Math.ceil(checked.maxTokens / 6));
      thinking = truncateToTokens(thinking, checked.maxTokens);
      completionTokens = checked.maxTokens;
      finish = "length";
    } else if (fault?.kind === "model-length") {
      content = truncateToTokens(full, Math.max(1, Math.floor(completionTokens / 3)));
      completionTokens = countTextTokens(content);
      finish = "model_length";
    } else if (fault?.kind === "truncated" || completionTokens > checked.maxTokens) {
      // a real server stops at max_tokens and says so
      const n =
        fault?.kind === "truncated" ? Math.min(checked.maxTokens, Math.max(1, Math.floor(completionTokens / 2))) : checked.maxTokens;
      content = truncateToTokens(full, n);
      completionTokens = countTextTokens(content);
      finish = "length";
    }
    if (thinking && fault?.kind !== "truncated-thinking") completionTokens += countTextTokens(thinking);
    if (opts.latency) {
      const l = opts.latency;
      const ms = l.overheadMs + (checked.promptTokens / l.prefillTokensPerSec) * 1000 + (completionTokens / l.outputTokensPerSec) * 1000;
      await wait(Math.min(l.maxDelayMs ?? 20_000, Math.max(0, ms)));
    }
    rec.status = 200;
    rec.completionTokens = completionTokens;
    const answer: Answer = { content, thinking, refusal, finish, promptTokens: checked.promptTokens, completionTokens };
    if (!streamed) {
      if (fault?.kind === "error-in-200") {
        // OpenRouter: an error after the model started, as the whole 200 body
        rec.error = "provider error in 200";
        return sendJson(res, 200, inBandError(fault.code ?? 502));
      }
      bill(rec, answer);
      return sendJson(res, 200, completion(rec.body, content, finish, checked.promptTokens, completionTokens));
    }
    await stream(res, rec, answer, fault);
  }

  interface Answer {
    content: string;
    thinking: string;
    refusal: string;
    finish: string;
    promptTokens: number;
    completionTokens: number;
  }

  function usageOf(a: Answer) {
    const costUSD = (a.promptTokens * FAKE_PRICES.input + a.completionTokens * FAKE_PRICES.output) / 1e6;
    const u: Record<string, number> = {
      prompt_tokens: a.promptTokens,
      completion_tokens: a.completionTokens,
      total_tokens: a.promptTokens + a.completionTokens,
    };
    if (flavour === "openrouter") u.cost = costUSD;
    return u;
  }

  function bill(rec: RecordedRequest, a: Answer) {
    rec.billed = {
      promptTokens: a.promptTokens,
      completionTokens: a.completionTokens,
      costUSD: (a.promptTokens * FAKE_PRICES.input + a.completionTokens * FAKE_PRICES.output) / 1e6,
    };
  }

  function inBandError(code: number) {
    const message = code === 429 ? "Rate limit exceeded upstream" : "Provider returned error: upstream connection reset";
    if (flavour === "vllm" || flavour === "mistral") return { object: "error", message, type: "server_error", code };
    return { error: { code, message, metadata: { provider_name: "Mistral" } } };
  }

  /** Server-sent events in the personality's chunk shapes, with usage on every billed answer. */
  async function stream(res: ServerResponse, rec: RecordedRequest, a: Answer, fault: Fault | undefined) {
    const base = {
      id: "chatcmpl-" + createHash("sha256").update(rec.rawBody).digest("hex").slice(0, 24),
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: rec.body.model,
    };
    const send = (data: unknown) => !res.destroyed && res.write(`data: ${JSON.stringify(data)}\n\n`);
    const delta = (d: Record<string, unknown>, finish: string | null = null) =>
      send({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] });
    const headers = () => {
      if (!res.headersSent)
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    };
    OPEN_STREAMS.add(res);
    res.on("close", () => OPEN_STREAMS.delete(res));
    if (fault?.kind === "slow-first-byte") {
      if (flavour === "openrouter") {
        // OpenRouter answers at once and keeps the connection alive with comments while the host works
        headers();
        const until = Date.now() + fault.ms;
        while (Date.now() < until && !closing && !res.destroyed) {
          res.write(": OPENROUTER PROCESSING\n\n");
          await wait(Math.min(100, Math.max(1, until - Date.now())));
        }
      } else {
        await wait(fault.ms);
      }
    }
    if (closing || res.destroyed) return;
    headers();
    const pieces = fault?.kind === "slow-stream" ? fault.chunks : Math.min(12, Math.max(1, Math.ceil(a.content.length / 400)));
    const size = Math.max(1, Math.ceil(a.content.length / pieces));
    const parts: string[] = [];
    for (let i = 0; i < a.content.length; i += size) parts.push(a.content.slice(i, i + size));
    if (parts.length === 0) parts.push("");
    delta({ role: "assistant", content: "" });
    if (a.thinking) {
      // Mistral: a list of typed chunks; OpenRouter: delta.reasoning; vLLM and others: reasoning_content
      if (flavour === "mistral") delta({ content: [{ type: "thinking", thinking: [{ type: "text", text: a.thinking }] }] });
      else if (flavour === "openrouter") delta({ content: "", reasoning: a.thinking });
      else delta({ content: "", reasoning_content: a.thinking });
    }
    if (a.refusal) {
      if (flavour === "mistral" || flavour === "openrouter") delta({ content: a.refusal }, null);
      else delta({ content: null, refusal: a.refusal });
    }
    for (const [i, p] of parts.entries()) {
      if (closing || res.destroyed) return;
      if (fault?.kind === "stall-mid-stream" && i === Math.floor(parts.length / 2)) {
        if (fault.ms === undefined) return; // holds the connection; close() or the client ends it
        await wait(fault.ms);
        res.end();
        return;
      }
      if (fault?.kind === "error-in-200" && fault.midStream && i === Math.floor(parts.length / 2)) {
        rec.error = "provider error mid-stream";
        const err = inBandError(fault.code ?? 502);
        if (flavour === "openrouter") send({ ...base, ...err, choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }] });
        else if (flavour === "mistral") delta({ content: "" }, "error");
        else send(err);
        res.write("data: [DONE]\n\n");
        res.end();
        return;
      }
      if (a.thinking && flavour === "mistral") delta({ content: [{ type: "text", text: p }] });
      else delta({ content: p });
      if (fault?.kind === "slow-stream") await wait(fault.everyMs);
    }
    if (fault?.kind === "error-in-200" && !fault.midStream) {
      rec.error = "provider error in 200";
      const err = inBandError(fault.code ?? 502);
      if (flavour === "mistral") delta({ content: "" }, "error");
      else send({ ...base, ...err, choices: [{ index: 0, delta: { content: "" }, finish_reason: "error" }] });
      res.end("data: [DONE]\n\n");
      return;
    }
    const finishOnWire = a.finish === "content_filter" && flavour !== "mistral" && flavour !== "openrouter" ? "stop" : a.finish;
    bill(rec, a);
    if (flavour === "mistral") {
      // Mistral puts usage on the last chunk, beside finish_reason
      send({ ...base, choices: [{ index: 0, delta: { content: "" }, finish_reason: finishOnWire }], usage: usageOf(a) });
    } else {
      delta({}, finishOnWire);
      if (rec.body.stream_options?.include_usage) send({ ...base, choices: [], usage: usageOf(a) });
      else rec.billed = undefined;
    }
    res.end("data: [DONE]\n\n");
  }

  let port = 0;
  // Mistral and OpenAI-style services have a batch API; OpenRouter, vLLM's and llama.cpp's servers do not
  const batchRoutes: BatchRoutes | null =
    flavour !== "mistral" && flavour !== "openai"
      ? null
      : createBatchRoutes({
          flavour,
          basePath,
          options: opts.batch ?? {},
          errorBody,
          sendJson,
          async chat(body, fault) {
            const r = await fetch(`http://127.0.0.1:${port}${basePath}/chat/completions`, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                [BATCH_LINE_HEADER]: fault ?? "",
                ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
              },
              body: JSON.stringify(body),
            });
            return { status: r.status, body: await r.json() };
          },
        });

  // load the tokenizer now (seconds, blocking): loaded lazily it would stall the first request
  // and make a client in the same process time out
  countTextTokens("warm up");
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, errorBody(500, `fake server bug: ${String(err)}`, "server_error", null));
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    flavour,
    apiKey,
    requests,
    inject(f) {
      faults.push(...(Array.isArray(f) ? f : [f]));
    },
    pendingFaults: () => faults.length,
    batch: batchRoutes?.api ?? null,
    async close() {
      closing = true;
      for (const r of OPEN_STREAMS) r.destroy();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
