import type { ModelRequest } from "../types.js";
import { buildChatBody, type BodyOptions, type ChatBody } from "./chat-body.js";

/**
 * Any OpenAI-compatible server (vLLM, Ollama, llama.cpp): `{ url }` images. Reasoning is sent only
 * when asked for, because many local servers reject parameters they do not know.
 */
export function toOpenAiBody(req: ModelRequest, opts: BodyOptions = {}): ChatBody {
  const body = buildChatBody(req, "object", opts);
  if (req.reasoning !== "none") body.reasoning_effort = req.reasoning;
  return body;
}
