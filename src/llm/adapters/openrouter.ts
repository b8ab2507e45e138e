import type { ModelRequest } from "../types.js";
import { buildChatBody, type BodyOptions, type ChatBody } from "./chat-body.js";

/** OpenRouter: OpenAI-style `{ url }` images, reasoning as `reasoning: { effort }` (DESIGN.md §4). */
export function toOpenRouterBody(req: ModelRequest, opts: BodyOptions = {}): ChatBody {
  const body = buildChatBody(req, "object", opts);
  // "none" must be said explicitly: OpenRouter otherwise applies the model's default
  body.reasoning = { effort: req.reasoning };
  // only hosts that honour every parameter (structured output, reasoning) may serve; without it
  // they are soft preferences a host may silently ignore
  body.provider = { require_parameters: true };
  return body;
}
