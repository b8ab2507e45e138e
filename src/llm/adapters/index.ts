import { cacheKey } from "../cache.js";
import type { ProviderName } from "../providers.js";
import type { ModelRequest } from "../types.js";
import type { BodyOptions, ChatBody } from "./chat-body.js";
import { toMistralBody } from "./mistral.js";
import { toOpenAiBody } from "./openai.js";
import { toOpenRouterBody } from "./openrouter.js";

export type { BodyOptions, ChatBody } from "./chat-body.js";
export { temperatureFor } from "./chat-body.js";

/**
 * The exact chat.completions body a provider is sent for a request: the one builder behind the
 * body sent, the body --dry-run writes, batch files (`stream: false`) and the cache key.
 */
export function toRequestBody(provider: ProviderName, req: ModelRequest, opts: BodyOptions = {}): ChatBody {
  switch (provider) {
    case "mistral":
      return toMistralBody(req, opts);
    case "openrouter":
      return toOpenRouterBody(req, opts);
    case "openai":
    case "offline": // offline never sends; --dry-run shows the OpenAI-compatible form
      return toOpenAiBody(req, opts);
  }
}

/**
 * Cache key of a request: its body as built for sending, without the transport fields (`stream`,
 * `stream_options`), so a streamed answer and a batch answer of the same request share one entry.
 */
export function requestCacheKey(provider: ProviderName, baseUrl: string, req: ModelRequest): string {
  return cacheKey(provider, baseUrl, toRequestBody(provider, req, { stream: false }));
}
