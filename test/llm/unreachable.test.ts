/** A server nobody answers at: the error says which address was tried (never a key or a query string). */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { createModelClient } from "../../src/llm/client.js";
import { ProviderError } from "../../src/llm/errors.js";
import { resolveProvider } from "../../src/llm/providers.js";
import { fastRetry, sampleRequest } from "./helpers.js";

/** A port that was free a moment ago: nothing listens there. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe("unreachable server", () => {
  it("names the URL it could not reach", async () => {
    const port = await closedPort();
    const provider = resolveProvider(
      { provider: "openai", baseUrl: `http://127.0.0.1:${port}/v1?token=secret-query` },
      { LONGDOC_API_KEY: "sk-unreachable-123" },
    );
    const client = createModelClient(provider, { cacheDir: false, maxRetries: 1, backoff: fastRetry, timeoutMs: 10_000 });
    const err = await client.call(await sampleRequest({ content: [{ type: "text", text: "hi" }], maxOutputTokens: 50 })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain(`cannot reach http://127.0.0.1:${port}/v1`);
    expect(err.message).not.toContain("secret-query");
    expect(err.message).not.toContain("sk-unreachable-123");
  });
});
