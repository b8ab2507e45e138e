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

export type Flavour = "mistral" | "openai" | "openrouter";

export type Fault =
  /** 429 with Retry-After (seconds, or an HTTP date string) */
  | { kind: "rate-limit"; retryAfter?: number | string }
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
  | { kind: "reset" };

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
}

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
    sendJson(res, f.status, errorBody(f.status, f.message, f.type, f.code), headers);
  }

  function contextMessage(prompt: number, maxTokens: number): string {
    const total = prompt + maxTokens;
    if (flavour === "mistral") return `Prompt contains ${total} tokens and 0 draft tokens, too large for model with ${window} maximum context length`;
    if (flavour === "openrouter")
      return `This endpoint's maximum context length is ${window} tokens. However, you requested about ${total} tokens (${prompt} of text input, ${maxTokens} in the output). Please reduce the length of either one, or use the "middle-out" transform to compress your prompt automatically.`;
    return `This model's maximum context length is ${window} tokens. However, you requested ${total} tokens (${prompt} in the messages, ${maxTokens} in the completion). Please reduce the length of the messages or completion.`;
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
    if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)) throw badShape("max_tokens must be a positive integer");
    const rf = body.response_format;
    if (!rf || rf.type !== "json_schema" || !rf.json_schema || typeof rf.json_schema.name !== "string" || typeof rf.json_schema.schema !== "object") {
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
    if (promptTokens + maxTokens > window) throw new HttpFailure(400, contextMessage(promptTokens, maxTokens), "invalid_request_error", "context_length_exceeded");
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
    const fault: Fault | undefined = batchLine === undefined ? faults.shift() : batchLine ? { kind: batchLine as "context-overflow" } : undefined;
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
      const ra = fault.retryAfter ?? 1;
      return fail(res, rec, new HttpFailure(429, "Requests rate limit exceeded", "rate_limited", "1300"), { "retry-after": String(ra) });
    }
    if (fault?.kind === "quota") {
      return fail(res, rec, new HttpFailure(429, "You have exceeded your monthly quota: insufficient credit", "insufficient_quota", "insufficient_quota"));
    }
    if (fault?.kind === "server-error") {
      const status = fault.status ?? 500;
      return fail(res, rec, new HttpFailure(status, status === 503 ? "Service unavailable, model overloaded" : "Internal server error", "server_error"));
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
      return fail(res, rec, new HttpFailure(400, contextMessage(window + 1000, checked.maxTokens), "invalid_request_error", "context_length_exceeded"));
    }
    if (fault?.kind === "too-many-images") {
      const limit = fault.limit ?? maxImages;
      return fail(res, rec, new HttpFailure(400, imagesMessage(Math.max(rec.images.length, limit + 1), limit)));
    }

    const full = JSON.stringify(fillSchema(checked.schema, contextFromText(checked.text)), null, 1);
    let content = full;
    let finish = "stop";
    let completionTokens = countTextTokens(full);
    if (fault?.kind === "invalid-json") {
      content = "Here is the summary you asked for: " + full.slice(0, Math.floor(full.length / 2)) + ",}";
      completionTokens = countTextTokens(content);
    } else if (fault?.kind === "truncated" || completionTokens > checked.maxTokens) {
      // a real server stops at max_tokens and says so
      const n = fault?.kind === "truncated" ? Math.min(checked.maxTokens, Math.max(1, Math.floor(completionTokens / 2))) : checked.maxTokens;
      content = truncateToTokens(full, n);
      completionTokens = countTextTokens(content);
      finish = "length";
    }
    if (opts.latency) {
      const l = opts.latency;
      const ms = l.overheadMs + (checked.promptTokens / l.prefillTokensPerSec) * 1000 + (completionTokens / l.outputTokensPerSec) * 1000;
      await wait(Math.min(l.maxDelayMs ?? 20_000, Math.max(0, ms)));
    }
    rec.status = 200;
    rec.completionTokens = completionTokens;
    sendJson(res, 200, completion(rec.body, content, finish, checked.promptTokens, completionTokens));
  }

  let port = 0;
  const batchRoutes: BatchRoutes | null =
    flavour === "openrouter"
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
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
