import type { ProviderName } from "../providers.js";
import type { ModelRequest } from "../types.js";
import type { ChatBody } from "./chat-body.js";
import { toMistralBody } from "./mistral.js";
import { toOpenAiBody } from "./openai.js";
import { toOpenRouterBody } from "./openrouter.js";

export type { ChatBody } from "./chat-body.js";

/** The exact chat.completions body a provider is sent for a request (also what --dry-run writes). */
export function toRequestBody(provider: ProviderName, req: ModelRequest): ChatBody {
  switch (provider) {
    case "mistral":
      return toMistralBody(req);
    case "openrouter":
      return toOpenRouterBody(req);
    case "openai":
    case "offline": // offline never sends; --dry-run shows the OpenAI-compatible form
      return toOpenAiBody(req);
  }
}
