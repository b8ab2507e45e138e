/**
 * Reading what a provider sends back: streamed chunks, whole completions and error bodies, in each
 * provider's shape, into one internal form. The client decides what to do with it (outcome.ts).
 *
 * Shapes handled (from the providers' docs and servers):
 * - Mistral: `delta.content` is a string, or with reasoning a list of chunks
 *   (`{type:"thinking", thinking:[{type:"text",text}]}` then `{type:"text",text}`); finish reasons
 *   stop | length | model_length | error | tool_calls; errors flat `{object:"error", message, type, code}`
 *   or `{detail: ...}` (422).
 * - OpenRouter: SSE keep-alive comments (`: OPENROUTER PROCESSING`, skipped by the SSE parser), errors
 *   as `{error:{code,message,metadata}}`, also inside a 200 (whole body, a mid-stream data event, or
 *   `choices[0].error` with finish_reason "error"); `delta.reasoning`; `usage.cost` in USD.
 * - vLLM: mid-stream `{object:"error", message, type, code}`; `delta.reasoning_content`.
 * - llama.cpp: `{error:{code, message, type:"exceed_context_size_error", n_prompt_tokens, n_ctx}}`.
 * - OpenAI style: `delta.refusal`, finish_reason "content_filter".
 */

export interface AnswerUsage {
  promptTokens: number;
  completionTokens: number;
  /** what the provider says the call cost (OpenRouter `usage.cost`), USD */
  costUSD?: number;
}

/** An error body (HTTP error, or an error inside a 200), whatever the provider's shape. */
export interface ErrorInfo {
  message: string;
  /** the error's own code: an HTTP-like number (OpenRouter, llama.cpp) or a string */
  code?: string | number;
  type?: string;
  /** llama.cpp names the numbers of a context overflow */
  promptTokens?: number;
  contextTokens?: number;
}

export interface AnswerAccumulator {
  text: string;
  /** characters of thinking received (never part of the answer) */
  reasoningChars: number;
  refusal: string;
  finishReason: string | null;
  usage: AnswerUsage | null;
  error: ErrorInfo | null;
  /** content chunks received: the progress display's token count */
  deltas: number;
}

export function emptyAccumulator(): AnswerAccumulator {
  return { text: "", reasoningChars: 0, refusal: "", finishReason: null, usage: null, error: null, deltas: 0 };
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

/** Text and thinking of a content value: a string, or Mistral's list of typed chunks. */
function splitContent(content: unknown): { text: string; thinking: number } {
  if (typeof content === "string") return { text: content, thinking: 0 };
  if (!Array.isArray(content)) return { text: "", thinking: 0 };
  let text = "";
  let thinking = 0;
  for (const c of content) {
    if (!isObj(c)) continue;
    if (c.type === "text" && typeof c.text === "string") text += c.text;
    else if (c.type === "thinking") thinking += JSON.stringify(c.thinking ?? "").length;
  }
  return { text, thinking };
}

function readUsage(u: unknown): AnswerUsage | null {
  if (!isObj(u)) return null;
  const prompt = Number(u.prompt_tokens);
  const completion = Number(u.completion_tokens);
  if (!Number.isFinite(prompt) && !Number.isFinite(completion)) return null;
  const usage: AnswerUsage = {
    promptTokens: Number.isFinite(prompt) ? prompt : 0,
    completionTokens: Number.isFinite(completion) ? completion : 0,
  };
  if (typeof u.cost === "number" && Number.isFinite(u.cost)) usage.costUSD = u.cost;
  return usage;
}

/** The error object of a body, whatever its shape; null when the body is not an error. */
export function errorOf(body: unknown): ErrorInfo | null {
  if (!isObj(body)) return null;
  const e = body.error;
  if (isObj(e)) {
    const message = typeof e.message === "string" ? e.message : JSON.stringify(e);
    const info: ErrorInfo = {
      message,
      code: (e.code as string | number | undefined) ?? undefined,
      type: typeof e.type === "string" ? e.type : undefined,
    };
    if (typeof e.n_prompt_tokens === "number") info.promptTokens = e.n_prompt_tokens;
    if (typeof e.n_ctx === "number") info.contextTokens = e.n_ctx;
    // OpenRouter wraps the host's own error in metadata.raw; its message says more
    const raw = isObj(e.metadata) ? e.metadata.raw : undefined;
    if (typeof raw === "string" && raw && !message.includes(raw)) info.message = `${message}: ${raw.slice(0, 300)}`;
    return info;
  }
  if (typeof e === "string") return { message: e };
  if (body.object === "error" && typeof body.message === "string") {
    return {
      message: body.message,
      code: (body.code as string | number | undefined) ?? undefined,
      type: typeof body.type === "string" ? body.type : undefined,
    };
  }
  if (body.detail !== undefined && !("choices" in body)) {
    return { message: typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail) };
  }
  return null;
}

/** An error body as text (an HTTP error); falls back to the raw text when it is not JSON. */
export function errorOfText(raw: string | null, fallback: string): ErrorInfo {
  if (raw) {
    try {
      const info = errorOf(JSON.parse(raw));
      if (info) return info;
    } catch {
      /* not JSON: a proxy's HTML page, say */
    }
    return {
      message:
        raw
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim()
          .slice(0, 300) || fallback,
    };
  }
  return { message: fallback };
}

/** One streamed chunk (already parsed from its SSE `data:` line). */
export function readChunk(acc: AnswerAccumulator, chunk: unknown): void {
  if (!isObj(chunk)) return;
  const err = errorOf(chunk);
  if (err) acc.error ??= err;
  const usage = readUsage(chunk.usage);
  if (usage) acc.usage = usage;
  const choice = Array.isArray(chunk.choices) ? chunk.choices[0] : undefined;
  if (!isObj(choice)) return;
  if (isObj(choice.error)) acc.error ??= errorOf({ error: choice.error });
  const delta = isObj(choice.delta) ? choice.delta : isObj(choice.message) ? choice.message : undefined;
  if (delta) {
    const { text, thinking } = splitContent(delta.content);
    acc.text += text;
    acc.reasoningChars += thinking;
    for (const k of ["reasoning", "reasoning_content"]) if (typeof delta[k] === "string") acc.reasoningChars += (delta[k] as string).length;
    if (typeof delta.refusal === "string") acc.refusal += delta.refusal;
    if (text || thinking || delta.reasoning || delta.reasoning_content) acc.deltas++;
  }
  if (typeof choice.finish_reason === "string" && choice.finish_reason) acc.finishReason = choice.finish_reason;
}

/** A whole (non-streamed) completion: a server that ignored `stream`, or an error inside a 200. */
export function readCompletion(acc: AnswerAccumulator, body: unknown): void {
  readChunk(acc, body);
}
