import { describe, expect, it } from "vitest";
import { lineError, lineOutcome } from "../../src/batch-api/results.js";
import { batchWireFor } from "../../src/batch-api/wire.js";
import { ProviderRefusedError } from "../../src/errors.js";
import { ContextOverflowError, ProviderError, scrubMessage, TooManyImagesError } from "../../src/llm/errors.js";

describe("batch result lines", () => {
  it("reads a Mistral answer with reasoning chunks as the text chunks only, with its usage", () => {
    const out = lineOutcome(
      {
        custom_id: "x",
        response: {
          status_code: 200,
          body: {
            choices: [
              {
                message: {
                  content: [
                    { type: "thinking", thinking: [{ type: "text", text: "hmm" }] },
                    { type: "text", text: '{"a":1}' },
                  ],
                },
                finish_reason: "stop",
              },
            ],
            usage: { prompt_tokens: 120, completion_tokens: 7 },
          },
        },
        error: null,
      },
      1500,
    );
    expect(out).toEqual({
      kind: "answer",
      answer: {
        text: '{"a":1}',
        finishReason: "stop",
        usage: { promptTokens: 120, completionTokens: 7 },
        latencyMs: 1500,
        cached: false,
        attempts: 1,
      },
    });
  });

  it("maps error lines to the live path's errors, and says which are worth sending again", () => {
    const at = (key?: string) => ({
      provider: "mistral",
      model: "mistral-small-2603",
      reasoning: "none",
      scrub: (m: string) => scrubMessage(m, key),
    });
    const context = lineOutcome(
      {
        custom_id: "x",
        response: {
          status_code: 400,
          body: {
            object: "error",
            message: "Prompt contains 270000 tokens and 0 draft tokens, too large for model with 262144 maximum context length",
            type: "invalid_request_error",
          },
        },
        error: null,
      },
      0,
    );
    expect(context).toMatchObject({ kind: "error", status: 400, retryable: false });
    const err = lineError(at(), "r1", 400, (context as { message: string }).message);
    expect(err).toBeInstanceOf(ContextOverflowError);
    expect((err as ContextOverflowError).limitTokens).toBe(262144);

    expect(lineError(at(), "r1", 400, "Too many images in request. Max is 8, got 9.")).toBeInstanceOf(TooManyImagesError);
    expect(lineError(at(), "r1", 401, "Unauthorized")).toBeInstanceOf(ProviderRefusedError);
    expect(lineError(at(), "r1", 500, "boom")).toBeInstanceOf(ProviderError);
    // a key inside a message never reaches the error
    expect(lineError(at("sk-secret-123"), "r1", 500, "bad key sk-secret-123").message).not.toContain("sk-secret-123");

    // an error inside a 200 (OpenRouter's shape) is an error line with its own code, not an empty answer
    const inBand = lineOutcome(
      {
        custom_id: "x",
        response: { status_code: 200, body: { error: { code: 429, message: "Rate limit exceeded upstream" } } },
        error: null,
      },
      0,
    );
    expect(inBand).toMatchObject({ kind: "error", status: 429, retryable: true });

    const overloaded = lineOutcome({ custom_id: "x", response: { status_code: 503, body: { message: "overloaded" } }, error: null }, 0);
    expect(overloaded).toMatchObject({ kind: "error", retryable: true });
    const quota = lineOutcome(
      {
        custom_id: "x",
        response: { status_code: 429, body: { message: "You have exceeded your monthly quota: insufficient credit" } },
        error: null,
      },
      0,
    );
    expect(quota).toMatchObject({ kind: "error", retryable: false });
    // OpenAI lists the requests an expired batch never ran in its error file
    const expired = lineOutcome(
      {
        custom_id: "x",
        response: null,
        error: { code: "batch_expired", message: "This request could not be executed before the completion window expired." },
      },
      0,
    );
    expect(expired).toMatchObject({ kind: "error", status: null, retryable: true });
  });

  it("reads both providers' jobs into one view", () => {
    const mistral = batchWireFor("mistral")!.parseJob({
      id: "j1",
      status: "TIMEOUT_EXCEEDED",
      input_files: ["f1"],
      total_requests: 10,
      succeeded_requests: 6,
      failed_requests: 1,
      output_file: "o1",
      error_file: null,
    });
    expect(mistral).toEqual({
      id: "j1",
      status: "TIMEOUT_EXCEEDED",
      phase: "expired",
      inputFiles: ["f1"],
      total: 10,
      succeeded: 6,
      failed: 1,
      outputFile: "o1",
      errorFile: null,
    });
    const openai = batchWireFor("openai")!.parseJob({
      id: "b1",
      status: "finalizing",
      input_file_id: "f2",
      request_counts: { total: 3, completed: 2, failed: 1 },
      output_file_id: null,
      error_file_id: "e2",
    });
    expect(openai).toMatchObject({ phase: "running", inputFiles: ["f2"], total: 3, succeeded: 2, failed: 1, errorFile: "e2" });
    expect(batchWireFor("openai")!.inputLine("c1", { model: "m" })).toEqual({
      custom_id: "c1",
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "m" },
    });
    expect(batchWireFor("mistral")!.inputLine("c1", { model: "m" })).toEqual({ custom_id: "c1", body: { model: "m" } });
    expect(batchWireFor("openrouter")).toBeNull();
  });
});
