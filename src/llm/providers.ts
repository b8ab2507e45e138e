import { InputError } from "../errors.js";
import { positiveInteger } from "../model/numbers.js";

/** Where requests go (DESIGN.md §1). `openai` = any OpenAI-compatible server (vLLM, Ollama, llama.cpp). */
export type ProviderName = "mistral" | "openrouter" | "openai" | "offline";
export const PROVIDER_NAMES: readonly ProviderName[] = ["mistral", "openrouter", "openai", "offline"];

export interface ProviderConfig {
  name: ProviderName;
  /** base URL including the API version path, e.g. https://api.mistral.ai/v1; "" for offline */
  baseUrl: string;
  model: string;
  /** images per request the endpoint accepts (profile default or --max-images) */
  maxImages: number;
  /** where the key came from, for messages ("MISTRAL_API_KEY"); never the key itself */
  keySource: string | null;
  /**
   * The key lives in a closure so that JSON.stringify, util.inspect, spreads and logs of the config
   * can never show it. Undefined for offline and for local servers that need none.
   */
  apiKey: () => string | undefined;
}

interface ProviderProfile {
  baseUrl: string;
  model: string;
  maxImages: number;
}

/** Defaults per provider. Some endpoints reject more than 8 images per request (DESIGN.md §4). */
export const PROVIDER_PROFILES: Record<Exclude<ProviderName, "offline">, ProviderProfile> = {
  mistral: { baseUrl: "https://api.mistral.ai/v1", model: "mistral-small-2603", maxImages: 8 },
  openrouter: { baseUrl: "https://openrouter.ai/api/v1", model: "mistralai/mistral-small-2603", maxImages: 8 },
  openai: { baseUrl: "", model: "mistral-small-2603", maxImages: 8 },
};

export interface ResolveProviderOptions {
  provider?: string;
  baseUrl?: string;
  model?: string;
  maxImages?: number;
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** The provider the environment's keys point to: MISTRAL_API_KEY, OPENROUTER_API_KEY, LONGDOC_BASE_URL, else offline. */
export function providerFromEnvironment(env: NodeJS.ProcessEnv): ProviderName {
  if (nonEmpty(env.MISTRAL_API_KEY)) return "mistral";
  if (nonEmpty(env.OPENROUTER_API_KEY)) return "openrouter";
  if (nonEmpty(env.LONGDOC_BASE_URL)) return "openai";
  return "offline";
}

/**
 * Pick the provider from flags, then the environment (DESIGN.md §1):
 * MISTRAL_API_KEY → mistral, OPENROUTER_API_KEY → openrouter, LONGDOC_BASE_URL → openai, none → offline.
 * A --base-url without --provider means an OpenAI-compatible server. Offline is returned without a
 * notice: the caller prints its one line.
 */
export function resolveProvider(opts: ResolveProviderOptions, env: NodeJS.ProcessEnv): ProviderConfig {
  const requested = nonEmpty(opts.provider)?.toLowerCase();
  if (requested !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(requested)) {
    throw new InputError(`unknown provider "${requested}" (expected ${PROVIDER_NAMES.join(", ")})`);
  }
  positiveInteger(opts.maxImages, "--max-images");
  const flagBaseUrl = nonEmpty(opts.baseUrl);
  let name: ProviderName;
  if (requested) name = requested as ProviderName;
  else if (flagBaseUrl) name = "openai";
  else name = providerFromEnvironment(env);

  if (name === "offline") {
    return makeConfig("offline", "", nonEmpty(opts.model) ?? PROVIDER_PROFILES.mistral.model, opts.maxImages ?? 8, null, undefined);
  }
  const profile = PROVIDER_PROFILES[name];
  let key: string | undefined;
  let keySource: string | null = null;
  let baseUrl = flagBaseUrl ?? profile.baseUrl;
  if (name === "mistral") {
    key = nonEmpty(env.MISTRAL_API_KEY);
    keySource = "MISTRAL_API_KEY";
  } else if (name === "openrouter") {
    key = nonEmpty(env.OPENROUTER_API_KEY);
    keySource = "OPENROUTER_API_KEY";
  } else {
    baseUrl = flagBaseUrl ?? nonEmpty(env.LONGDOC_BASE_URL) ?? "";
    if (!baseUrl) throw new InputError("provider openai needs --base-url or LONGDOC_BASE_URL (an OpenAI-compatible endpoint)");
    // local servers usually need no key, so a missing one is fine here
    if (nonEmpty(env.LONGDOC_API_KEY)) {
      key = nonEmpty(env.LONGDOC_API_KEY);
      keySource = "LONGDOC_API_KEY";
    } else if (nonEmpty(env.OPENAI_API_KEY)) {
      key = nonEmpty(env.OPENAI_API_KEY);
      keySource = "OPENAI_API_KEY";
    }
  }
  if (!key && name !== "openai") {
    throw new InputError(`provider ${name} needs an API key: set ${keySource}`);
  }
  try {
    new URL(baseUrl);
  } catch {
    throw new InputError(`invalid base URL "${baseUrl}"`);
  }
  return makeConfig(
    name,
    baseUrl.replace(/\/+$/, ""),
    nonEmpty(opts.model) ?? profile.model,
    opts.maxImages ?? profile.maxImages,
    keySource,
    key,
  );
}

function makeConfig(
  name: ProviderName,
  baseUrl: string,
  model: string,
  maxImages: number,
  keySource: string | null,
  key: string | undefined,
): ProviderConfig {
  return { name, baseUrl, model, maxImages, keySource, apiKey: () => key };
}
