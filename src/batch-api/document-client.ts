import { createHash } from "node:crypto";
import type { ModelProfile } from "../budget/profiles.js";
import { estimateTextTokens, imageTokens } from "../budget/tokens.js";
import { toRequestBody } from "../llm/adapters/index.js";
import { cacheKey, type ResponseCache } from "../llm/cache.js";
import { checkJson, repairRequest, type JsonResult, type Validate } from "../llm/client.js";
import { ContextOverflowError, InvalidAnswerError, OutputTruncatedError, TooManyImagesError } from "../llm/errors.js";
import type { ProviderConfig } from "../llm/providers.js";
import type { ModelAnswer, ModelRequest } from "../llm/types.js";
import type { JsonModelClient } from "../summary/execute.js";
import type { BatchCoordinator } from "./coordinator.js";
import { lineError } from "./results.js";
import type { BatchWire } from "./wire.js";

/**
 * The chat body of a request as a batch line carries it: the provider adapter's body, without
 * streaming (a batch answer is one JSON document). The one place batch bodies are built.
 */
export function batchRequestBody(cfg: ProviderConfig, req: ModelRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { ...toRequestBody(cfg.name, req) };
  delete body.stream;
  delete body.stream_options;
  return body;
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
export function batchDocumentClient(o: DocumentClientOptions): JsonModelClient {
  const label = `${o.cfg.name} batch`;
  // The plan version: the planner re-plans exactly when an answer says the request was too large
  // for the context or had too many images, so counting those errors numbers the plans; answers are
  // replayed in the same way on a rerun, so the count comes out the same.
  let planVersion = 1;

  async function ask(req: ModelRequest): Promise<{ answer: ModelAnswer; key: string }> {
    const body = batchRequestBody(o.cfg, req);
    const key = cacheKey(o.cfg.name, o.cfg.baseUrl, body);
    const hit = await o.cache?.get(key);
    if (hit) return { answer: { ...hit, cached: true, attempts: 0 }, key };
    const customId = customIdFor(o.sha256, planVersion, req.id, body);
    const outcome = await o.coordinator.answer(o.document, customId, () => o.wire.inputLine(customId, body), estimateUSD(req));
    if (outcome.kind === "error") {
      const err = lineError(o.cfg.name, req.id, outcome.status, outcome.message, o.cfg.apiKey());
      if (err instanceof ContextOverflowError || err instanceof TooManyImagesError) planVersion++;
      throw err;
    }
    if (outcome.answer.finishReason === "length") {
      throw new OutputTruncatedError(
        `${label}: request ${req.id} answer cut off at max_tokens ${req.maxOutputTokens} (finish_reason "length")`,
        outcome.answer.text,
        req.maxOutputTokens,
      );
    }
    return { answer: outcome.answer, key };
  }

  /** Upper bound, as plans count it: the prompt as estimated plus the full output reserve. */
  function estimateUSD(req: ModelRequest): number {
    if (!o.prices) return 0;
    let input = estimateTextTokens(req.system, o.profile);
    for (const part of req.content) input += part.type === "text" ? estimateTextTokens(part.text, o.profile) : imageTokens(part.width, part.height, o.profile);
    for (const turn of req.followUp ?? []) input += estimateTextTokens(turn.text, o.profile);
    return (input * o.prices.inputPerM + req.maxOutputTokens * o.prices.outputPerM) / 1e6;
  }

  async function callJson<T>(req: ModelRequest, validate: Validate<T>): Promise<JsonResult<T>> {
    const first = await ask(req);
    const firstCheck = checkJson(first.answer.text, validate);
    if (firstCheck.ok) {
      if (o.cache && !first.answer.cached) await o.cache.set(first.key, first.answer);
      return { value: firstCheck.value, answer: first.answer, repaired: false, answers: [first.answer] };
    }
    // the repair is a request of the next round
    const second = await ask(repairRequest(req, first.answer.text, firstCheck.error));
    const secondCheck = checkJson(second.answer.text, validate);
    if (!secondCheck.ok) {
      throw new InvalidAnswerError(`${label}: request ${req.id} answered JSON that does not fit the schema, also after one repair: ${secondCheck.error}`, second.answer.text);
    }
    if (o.cache) {
      if (!first.answer.cached) await o.cache.set(first.key, first.answer);
      if (!second.answer.cached) await o.cache.set(second.key, second.answer);
    }
    return { value: secondCheck.value, answer: second.answer, repaired: true, answers: [first.answer, second.answer] };
  }

  return { callJson };
}
