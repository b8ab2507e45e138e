/**
 * The transport of one model call: a streamed HTTP attempt through the openai client over undici,
 * cut by an idle timeout (any byte restarts it), a first-byte timeout and an overall cap. It only
 * reports what happened; the client decides what to do about it.
 */
import OpenAI, { APIConnectionError, APIError } from "openai";
import { Agent, fetch as undiciFetch } from "undici";
import type { ChatBody } from "./adapters/index.js";
import { emptyAccumulator, errorOfText, readChunk, readCompletion, type AnswerAccumulator, type ErrorInfo } from "./adapters/read.js";
import { scrubMessage } from "./errors.js";
import type { ProviderConfig } from "./providers.js";
import type { ModelRequest } from "./types.js";

const PROGRESS_EVERY_MS = 250;
/** before the response starts, silence may last this many idle timeouts */
export const FIRST_BYTE_FACTOR = 3;

/**
 * undici's own defaults cut a response after 300 s without headers or between body chunks; our
 * idle timeout and cap do that job, so they are off. One agent for the process (connection reuse).
 */
let agent: Agent | null = null;
function dispatcher(): Agent {
  agent ??= new Agent({ headersTimeout: 0, bodyTimeout: 0, keepAliveTimeout: 30_000 });
  return agent;
}

export interface AttemptLimits {
  /** a stream that sends no byte for this long is cut */
  idleMs: number;
  /** overall cap, however actively it streams */
  capMs: number;
  /** a streamed answer is arriving: content chunks so far (about one token each) */
  onProgress?: (e: { type: "progress"; id: string; tokens: number; thinking: boolean }) => void;
}

export type AttemptResult =
  | { kind: "answer"; acc: AnswerAccumulator; status: number }
  | { kind: "http"; status: number; info: ErrorInfo; headers: Headers }
  | { kind: "timeout"; why: "idle" | "first-byte" | "cap"; acc: AnswerAccumulator; responded: boolean }
  | { kind: "dropped"; message: string; acc: AnswerAccumulator; responded: boolean };

/** One streamed HTTP attempt through the openai client (its own retries off: the policy is ours). */
export async function streamAttempt(
  cfg: ProviderConfig,
  req: ModelRequest,
  body: ChatBody,
  signal: AbortSignal | undefined,
  limits: AttemptLimits,
): Promise<AttemptResult> {
  const { idleMs, capMs } = limits;
  const emit = (e: { type: "progress"; id: string; tokens: number; thinking: boolean }) => limits.onProgress?.(e);
  const ctl = new AbortController();
  const combined = signal ? AbortSignal.any([signal, ctl.signal]) : ctl.signal;
  let timedOut: "idle" | "first-byte" | "cap" | null = null;
  let responded = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const arm = (ms: number, why: "idle" | "first-byte") => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => {
      timedOut ??= why;
      ctl.abort(new Error(`${why} timeout`));
    }, ms);
  };
  const touch = () => arm(idleMs, "idle");
  const capTimer = setTimeout(() => {
    timedOut ??= "cap";
    ctl.abort(new Error("request cap"));
  }, capMs);
  let errorBody: string | null = null;
  let wholeBody: string | null = null;

  // Every byte restarts the idle timer (keep-alive comments included: the server is alive). Error
  // bodies are kept raw: the openai client drops shapes other than `{ error: {...} }`. A 200 that
  // is not an event stream (a server ignoring `stream`, or an error inside a 200) is read whole.
  const watchedFetch = async (input: unknown, init?: RequestInit): Promise<Response> => {
    const res = await undiciFetch(input as string, { ...(init as object), dispatcher: dispatcher() } as Parameters<typeof undiciFetch>[1]);
    responded = true;
    touch();
    const headers = res.headers as unknown as Headers;
    if (!res.ok) {
      errorBody = await res.text().catch(() => null);
      return new Response(errorBody, { status: res.status, statusText: res.statusText, headers });
    }
    if (!res.body) return new Response(null, { status: res.status, headers });
    const watched = (res.body as unknown as ReadableStream<Uint8Array>).pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, c) {
          touch();
          c.enqueue(chunk);
        },
      }),
    );
    if (!/text\/event-stream/i.test(res.headers.get("content-type") ?? "")) {
      wholeBody = await new Response(watched).text();
      return new Response("", { status: 200, headers: { "content-type": "text/event-stream" } });
    }
    return new Response(watched, { status: res.status, statusText: res.statusText, headers });
  };
  const client = new OpenAI({
    apiKey: cfg.apiKey() ?? "no-key", // local servers take any key; the client insists on one
    baseURL: cfg.baseUrl,
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: capMs + 60_000, // ours fire first
    fetch: watchedFetch as unknown as typeof fetch,
    logLevel: "off",
    defaultHeaders: cfg.name === "openrouter" ? { "X-Title": "longdoc" } : undefined,
  });
  const acc = emptyAccumulator();
  let lastProgress = 0;
  // a server may read a long prompt before it sends its first byte: that silence gets 3x the idle timeout
  arm(idleMs * FIRST_BYTE_FACTOR, "first-byte");
  try {
    const stream = await client.chat.completions.create(body as unknown as OpenAI.Chat.ChatCompletionCreateParamsStreaming, {
      signal: combined,
      maxRetries: 0,
    });
    try {
      for await (const chunk of stream) {
        const before = acc.deltas;
        readChunk(acc, chunk);
        const now = performance.now();
        if (acc.deltas !== before && now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          emit({ type: "progress", id: req.id, tokens: acc.deltas, thinking: acc.text === "" && acc.reasoningChars > 0 });
        }
      }
    } catch (err) {
      // an error event inside the stream (OpenRouter, OpenAI style): the openai client throws it
      if (err instanceof APIError && err.status === undefined) {
        acc.error ??= errorOfText(JSON.stringify({ error: err.error ?? { message: err.message } }), err.message);
      } else if (!(err instanceof SyntaxError)) {
        throw err;
      }
    }
    if (timedOut) return { kind: "timeout", why: timedOut, acc, responded };
    signal?.throwIfAborted();
    if (wholeBody !== null) {
      try {
        readCompletion(acc, JSON.parse(wholeBody));
      } catch {
        return { kind: "dropped", message: "unreadable response body", acc, responded };
      }
    }
    if (acc.error === null && acc.finishReason === null) {
      return { kind: "dropped", message: "the stream ended before the answer was complete", acc, responded };
    }
    return { kind: "answer", acc, status: 200 };
  } catch (err) {
    if (timedOut) return { kind: "timeout", why: timedOut, acc, responded };
    if (signal?.aborted) throw signal.reason ?? err;
    if (err instanceof APIError && typeof err.status === "number") {
      const info = errorOfText(errorBody, err.message.replace(/^\d{3}\s+/, ""));
      return { kind: "http", status: err.status, info, headers: (err.headers ?? new Headers()) as Headers };
    }
    if (err instanceof APIConnectionError || (err instanceof Error && /fetch failed|socket|ECONN|terminated/i.test(err.message))) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? err.message;
      return {
        kind: "dropped",
        message: `cannot reach ${shownEndpoint(cfg.baseUrl)} (${scrubMessage(cause, cfg.apiKey())})`,
        acc,
        responded,
      };
    }
    throw err;
  } finally {
    clearTimeout(idleTimer);
    clearTimeout(capTimer);
  }
}

/** The endpoint as an error message shows it: host and path, never userinfo or a query (they can hold secrets). */
function shownEndpoint(baseUrl: string): string {
  try {
    const u = new URL(baseUrl);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
  } catch {
    return "the server";
  }
}
