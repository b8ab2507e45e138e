import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/errors.js";
import { resolveProvider } from "../../src/llm/providers.js";

const secret = "sk-provider-secret-42";

describe("resolveProvider", () => {
  it("follows DESIGN §1 environment defaults in order", () => {
    expect(resolveProvider({}, { MISTRAL_API_KEY: secret, OPENROUTER_API_KEY: "x", LONGDOC_BASE_URL: "http://h/v1" }).name).toBe("mistral");
    expect(resolveProvider({}, { OPENROUTER_API_KEY: secret, LONGDOC_BASE_URL: "http://h/v1" }).name).toBe("openrouter");
    expect(resolveProvider({}, { LONGDOC_BASE_URL: "http://h:8000/v1" }).name).toBe("openai");
    expect(resolveProvider({}, {}).name).toBe("offline");
    expect(resolveProvider({}, { MISTRAL_API_KEY: "  " }).name).toBe("offline");
  });

  it("gives each provider its base URL, model and key", () => {
    const m = resolveProvider({}, { MISTRAL_API_KEY: secret });
    expect([m.baseUrl, m.model, m.apiKey(), m.keySource]).toEqual([
      "https://api.mistral.ai/v1",
      "mistral-small-2603",
      secret,
      "MISTRAL_API_KEY",
    ]);
    const o = resolveProvider({}, { OPENROUTER_API_KEY: secret });
    expect([o.baseUrl, o.model]).toEqual(["https://openrouter.ai/api/v1", "mistralai/mistral-small-2603"]);
    const l = resolveProvider({}, { LONGDOC_BASE_URL: "http://localhost:8000/v1/", OPENAI_API_KEY: "k2" });
    expect([l.baseUrl, l.apiKey(), l.keySource]).toEqual(["http://localhost:8000/v1", "k2", "OPENAI_API_KEY"]);
    expect(resolveProvider({}, { LONGDOC_BASE_URL: "http://h/v1", OPENAI_API_KEY: "k2", LONGDOC_API_KEY: "k1" }).apiKey()).toBe("k1");
    expect(resolveProvider({}, { LONGDOC_BASE_URL: "http://h/v1" }).apiKey()).toBeUndefined();
  });

  it("flags win over the environment", () => {
    const env = { MISTRAL_API_KEY: secret, OPENROUTER_API_KEY: "or" };
    expect(resolveProvider({ provider: "openrouter" }, env).name).toBe("openrouter");
    expect(resolveProvider({ provider: "offline" }, env).name).toBe("offline");
    const viaUrl = resolveProvider({ baseUrl: "http://127.0.0.1:9/v1" }, env);
    expect([viaUrl.name, viaUrl.baseUrl]).toEqual(["openai", "http://127.0.0.1:9/v1"]);
    const mistralElsewhere = resolveProvider({ provider: "mistral", baseUrl: "http://proxy/v1", model: "m2", maxImages: 3 }, env);
    expect([mistralElsewhere.baseUrl, mistralElsewhere.model, mistralElsewhere.maxImages]).toEqual(["http://proxy/v1", "m2", 3]);
  });

  it("refuses bad choices with one-line input errors", () => {
    expect(() => resolveProvider({ provider: "claude" }, {})).toThrow(InputError);
    expect(() => resolveProvider({ provider: "mistral" }, {})).toThrow(/MISTRAL_API_KEY/);
    expect(() => resolveProvider({ provider: "openai" }, {})).toThrow(/--base-url/);
    expect(() => resolveProvider({ baseUrl: "not a url" }, {})).toThrow(/invalid base URL/);
    expect(() => resolveProvider({ maxImages: 0 }, {})).toThrow(/max-images/);
  });

  it("never shows the key when the config is printed, serialised or spread", () => {
    const cfg = resolveProvider({}, { MISTRAL_API_KEY: secret });
    expect(JSON.stringify(cfg)).not.toContain(secret);
    expect(inspect(cfg, { depth: 5, showHidden: true })).not.toContain(secret);
    expect(String(Object.values({ ...cfg }))).not.toContain(secret);
    expect({ ...cfg }.apiKey()).toBe(secret); // still usable after a spread
  });
});
