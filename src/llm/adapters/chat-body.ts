import type { ContentPart, ModelRequest } from "../types.js";

/** The chat.completions body as it goes on the wire (the part all three providers share). */
export interface ChatBody {
  model: string;
  messages: ChatMessage[];
  max_tokens: number;
  temperature: number;
  response_format: {
    type: "json_schema";
    json_schema: { name: string; schema: Record<string, unknown>; strict: true };
  };
  [extra: string]: unknown;
}

export type ChatContentPart = { type: "text"; text: string } | { type: "image_url"; image_url: string | { url: string } };

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string | ChatContentPart[];
}

export type ImageUrlForm = "string" | "object";

export function dataUrl(part: Extract<ContentPart, { type: "image" }>): string {
  return `data:${part.mime};base64,${part.data.toString("base64")}`;
}

/** Structured-output names must be short identifiers on every provider. */
function schemaName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64) || "result";
}

/** How the body is sent: streamed (the default for live calls) or whole (batch files). */
export interface BodyOptions {
  /** `stream: true` with usage in the last chunk (default true); false for batch jobs */
  stream?: boolean;
}

/** Mistral's model card: 0.7 with reasoning; 0 otherwise, so summaries are reproducible and cacheable. */
export function temperatureFor(reasoning: ModelRequest["reasoning"]): number {
  return reasoning === "high" ? 0.7 : 0;
}

/** Translate the internal request; `imageForm` is the one thing the providers disagree on in the messages. */
export function buildChatBody(req: ModelRequest, imageForm: ImageUrlForm, opts: BodyOptions = {}): ChatBody {
  const parts: ChatContentPart[] = req.content.map((p) => {
    if (p.type === "text") return { type: "text", text: p.text };
    const url = dataUrl(p);
    return { type: "image_url", image_url: imageForm === "string" ? url : { url } };
  });
  const messages: ChatMessage[] = [];
  if (req.system) messages.push({ role: "system", content: req.system });
  messages.push({ role: "user", content: parts });
  for (const turn of req.followUp ?? []) messages.push({ role: turn.role, content: turn.text });
  const body: ChatBody = {
    model: req.model,
    messages,
    max_tokens: req.maxOutputTokens,
    temperature: temperatureFor(req.reasoning),
    response_format: {
      type: "json_schema",
      json_schema: { name: schemaName(req.schema.name), schema: req.schema.schema, strict: true },
    },
  };
  if (opts.stream ?? true) {
    body.stream = true;
    // usage arrives in a last chunk with no choices; without it a streamed call could not be billed
    body.stream_options = { include_usage: true };
  }
  return body;
}
