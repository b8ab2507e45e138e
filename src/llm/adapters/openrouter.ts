import type { ModelRequest } from "../types.js";
import { buildChatBody, type ChatBody } from "./chat-body.js";

/** OpenRouter: OpenAI-style `{ url }` images, reasoning as `reasoning: { effort }` (DESIGN.md §4). */
export function toOpenRouterBody(req: ModelRequest): ChatBody {
  const body = buildChatBody(req, "object");
  // "none" must be said explicitly: OpenRouter otherwise applies the model's default
  body.reasoning = { effort: req.reasoning };
  return body;
}
