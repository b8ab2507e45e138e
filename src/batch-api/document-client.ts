import { createHash } from "node:crypto";
import type { ModelProfile } from "../budget/profiles.js";
import { estimateTextTokens, imageTokens } from "../budget/tokens.js";
import { requestCacheKey, toRequestBody, type ChatBody } from "../llm/adapters/index.js";
import type { ResponseCache } from "../llm/cache.js";
import { answerJson, PAID_CALLS_PER_REQUEST, type CallOptions, type JsonResult, type Sent, type Validate } from "../llm/client.js";
import { ContextOverflowError, OutputTruncatedError, ProviderError, scrubMessage, TooManyImagesError } from "../llm/errors.js";
import type { ProviderConfig } from "../llm/providers.js";
import type { AttemptRecord, ModelRequest } from "../llm/types.js";
import type { JsonModelClient } from "../pipeline/execute.js";
import type { BatchCoordinator } from "./coordinator.js";
import { lineError } from "./results.js";
import type { BatchWire } from "./wire.js";

/** The chat body of a request as a batch line carries it: the provider adapter's body, not streamed. */
export function batchRequestBody(cfg: ProviderConfig, req: ModelRequest): ChatBody {
  return toRequestBody(cfg.name, req, { stream: false });
}

/**
 * A request's custom_id: the source's sha256, the plan version, the request id and the body's own
 * hash. A rerun of the same plan finds the same ids (and the answers already paid for); a re-plan
 * gets new ids even where a request's body comes out the same, so it is really sent again; the body
 * hash keeps a changed option (prompt, schema, reserve) from reusing an answer to another body.
 */
export function customIdFor(sourceSha256: string, planVersion: number, requestId: string, body: unknown): string {
  const bodyHash = createHash("sha256").update(JSON.stringify(body)).digest("hex").slice(0, 12);
  return `${sourceSha256.slice(0, 16)}-p${planVersion}-${requestId.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 40)}-${bodyHash}`;
}

export interface DocumentClientOptions {
  cfg: ProviderConfig;
  wire: BatchWire;
  coordinator: BatchCoordinator;
  profile: ModelProfile;
  prices: { inputPerM: number; outputPerM: number } | null;
  cache: ResponseCache | null;
  document: string;
  sha256: string;
}

/**
 * One document's model client in a --batch-api run: the same contract as the live client's
 * callJson (answers checked against the schema, one repair, truncation and the error taxonomy),
 * but each call is a line of the next batch round rather than an HTTP request.
 */
export function batchDocumentClient(opts: DocumentClientOptions): JsonModelClient {
  const label = `${opts.cfg.name} batch`;
  // The plan version: the planner re-plans exactly when an answer says the request was too large
  // for the context or had too many images, so counting those errors numbers the plans; answers are
  // replayed in the same way on a rerun, so the count comes out the same.
  let planVersion = 1;

  async function ask(req: ModelRequest, o: CallOptions): Promise<Sent> {
    const body = batchRequestBody(opts.cfg, req);
    const key = requestCacheKey(opts.cfg.name, opts.cfg.baseUrl, req);
    const hit = await opts.cache?.get(key);
    if (hit) return { answer: { ...hit, cached: true, attempts: 0 }, key };
    // the paid-call budget of the planned request holds across rounds as it does across live retries
    const budget = o.budget ?? { paid: 0, max: PAID_CALLS_PER_REQUEST };
    if (budget.paid >= budget.max)
      throw new ProviderError(
        `${label}: request ${req.id} stopped after ${budget.paid} paid calls (the most one planned request may cost)`,
      );
    const customId = customIdFor(opts.sha256, planVersion, req.id, body);
    const outcome = await opts.coordinator.answer(opts.document, customId, () => opts.wire.inputLine(customId, body), estimateUSD(req));
    const usage = outcome.kind === "answer" ? outcome.answer.usage : null;
    const record: AttemptRecord = {
      requestId: req.id,
      attempt: 1,
      outcome: "ok",
      status: outcome.kind === "answer" ? 200 : outcome.status,
      // an error line carries no usage: the service did no billed work for it
      billed: usage !== null,
      promptTokens: usage?.promptTokens ?? null,
      completionTokens: usage?.completionTokens ?? null,
      latencyMs: outcome.kind === "answer" ? outcome.answer.latencyMs : 0,
    };
    if (record.billed) budget.paid++;
    if (outcome.kind === "error") {
      const at = {
        provider: opts.cfg.name,
        model: req.model,
        reasoning: req.reasoning,
        scrub: (m: string) => scrubMessage(m, opts.cfg.apiKey()),
      };
      const err = lineError(at, req.id, outcome.status, outcome.message);
      record.outcome =
        err instanceof ContextOverflowError ? "context-overflow" : err instanceof TooManyImagesError ? "image-limit" : "http-error";
      o.onAttempt?.(record);
      if (err instanceof ContextOverflowError || err instanceof TooManyImagesError) planVersion++;
      throw err;
    }
    if (outcome.answer.finishReason === "length") {
      o.onAttempt?.({ ...record, outcome: "truncated" });
      throw new OutputTruncatedError(
        `${label}: request ${req.id} answer cut off at max_tokens ${req.maxOutputTokens} (finish_reason "length")`,
        outcome.answer.text,
        req.maxOutputTokens,
      );
    }
    o.onAttempt?.(record);
    return { answer: outcome.answer, key };
  }

  /** Upper bound, as plans count it: the prompt as estimated plus the full output reserve. */
  function estimateUSD(req: ModelRequest): number {
    if (!opts.prices) return 0;
    let input = estimateTextTokens(req.system, opts.profile);
    for (const part of req.content)
      input += part.type === "text" ? estimateTextTokens(part.text, opts.profile) : imageTokens(part.width, part.height, opts.profile);
    for (const turn of req.followUp ?? []) input += estimateTextTokens(turn.text, opts.profile);
    return (input * opts.prices.inputPerM + req.maxOutputTokens * opts.prices.outputPerM) / 1e6;
  }

  // the repair is a request of the next round
  const callJson = <T>(req: ModelRequest, validate: Validate<T>, o: CallOptions = {}): Promise<JsonResult<T>> =>
    answerJson(req, validate, { ask: (r) => ask(r, o), cache: opts.cache, label });

  return { callJson };
}
