/**
 * The one internal request type every stage speaks. Provider adapters only translate it
 * to and from their wire format (DESIGN.md §4).
 */

export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image"; mime: "image/png" | "image/jpeg" | "image/webp"; data: Buffer; width: number; height: number };

export interface ModelRequest {
  /** stable id within a run, e.g. "r1", "reduce" (for logs and usage.json) */
  id: string;
  model: string;
  system: string;
  content: ContentPart[];
  maxOutputTokens: number;
  /** JSON Schema the answer must fill (structured output) */
  schema: { name: string; schema: Record<string, unknown> };
  reasoning: "none" | "high";
  /**
   * Earlier turns after the user content, e.g. the model's broken answer and a request to fix it
   * (the JSON repair). Absent for ordinary requests.
   */
  followUp?: { role: "assistant" | "user"; text: string }[];
}

export interface ModelAnswer {
  /** parsed and schema-checked by the caller; raw text kept for repair and debugging */
  text: string;
  finishReason: "stop" | "length" | "content_filter" | "tool_calls" | string;
  /** as the server reported it; for a cached answer, the original call's (that call cost nothing now) */
  usage: { promptTokens: number; completionTokens: number; costUSD?: number } | null;
  latencyMs: number;
  /** answered from the response cache: no request was sent */
  cached: boolean;
  attempts: number;
}

/** One HTTP attempt as sent: what came of it and whether the provider bills it (for usage.json). */
export interface AttemptRecord {
  /** the request id as sent ("r1", "r1-repair") */
  requestId: string;
  /** 1-based, within one send of that request */
  attempt: number;
  outcome:
    | "ok"
    | "truncated"
    | "empty"
    | "refused"
    | "provider-error"
    | "context-overflow"
    | "image-limit"
    | "rate-limited"
    | "http-error"
    | "timeout"
    | "connection";
  /** HTTP status; null when no response came (timeout before headers, connection failure) */
  status: number | null;
  /**
   * true: the provider reported usage (billed); false: rejected before any work (not billed);
   * "unknown": cut off or failed mid-way without usage (the provider may bill it).
   */
  billed: boolean | "unknown";
  promptTokens: number | null;
  completionTokens: number | null;
  /** cost the provider itself reported (OpenRouter usage.cost), USD */
  providerCostUSD?: number;
  latencyMs: number;
}
