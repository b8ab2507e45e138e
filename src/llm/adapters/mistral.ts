import type { ModelRequest } from "../types.js";
import { buildChatBody, type BodyOptions, type ChatBody } from "./chat-body.js";

/** Mistral's API: image_url as a plain data-URL string, `reasoning_effort` (DESIGN.md §4). */
export function toMistralBody(req: ModelRequest, opts: BodyOptions = {}): ChatBody {
  const body = buildChatBody(req, "string", opts);
  body.reasoning_effort = req.reasoning;
  return body;
}
