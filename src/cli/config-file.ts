/**
 * The user's defaults file (config.json in the user config folder, e.g. ~/.config/longdoc/):
 * provider, model, out, requests. Precedence, highest first: a flag, the environment
 * (LONGDOC_PROVIDER, LONGDOC_MODEL, LONGDOC_OUT, LONGDOC_REQUESTS), this file, the built-in default.
 * A provider key in the environment (MISTRAL_API_KEY, ...) only picks a provider when none of
 * these names one.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import envPaths from "env-paths";
import { InputError } from "../errors.js";
import { isPositiveInteger } from "../model/numbers.js";
import { PROVIDER_NAMES } from "../llm/providers.js";

export interface UserConfig {
  /** mistral, openrouter, openai or offline */
  provider?: string;
  /** model id or alias */
  model?: string;
  /** output folder */
  out?: string;
  /** model requests in flight */
  requests?: number;
}

export const CONFIG_KEYS = ["provider", "model", "out", "requests"] as const satisfies readonly (keyof UserConfig)[];

/** Environment variable for each config key. */
export const CONFIG_ENV: Record<keyof UserConfig, string> = {
  provider: "LONGDOC_PROVIDER",
  model: "LONGDOC_MODEL",
  out: "LONGDOC_OUT",
  requests: "LONGDOC_REQUESTS",
};

/** LONGDOC_CONFIG, else config.json in the user config folder. */
export function configFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.LONGDOC_CONFIG || join(envPaths("longdoc", { suffix: "" }).config, "config.json");
}

/** The file's values, checked; {} when there is no file. A broken file is an error (exit 2), not ignored. */
export function readUserConfig(path = configFilePath()): UserConfig {
  if (!existsSync(path)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new InputError(`config file is not valid JSON (${(err as Error).message})`, path);
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new InputError("config file must hold one JSON object", path);
  const raw = json as Record<string, unknown>;
  const unknown = Object.keys(raw).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new InputError(`config file: unknown key ${unknown.map((k) => `"${k}"`).join(", ")} (known: ${CONFIG_KEYS.join(", ")})`, path);
  const config: UserConfig = {};
  for (const key of ["provider", "model", "out"] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== "string" || !raw[key]) throw new InputError(`config file: "${key}" must be a non-empty string`, path);
    config[key] = raw[key];
  }
  if (config.provider !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(config.provider)) {
    throw new InputError(`config file: unknown provider "${config.provider}" (expected ${PROVIDER_NAMES.join(", ")})`, path);
  }
  if (raw.requests !== undefined) {
    if (!isPositiveInteger(raw.requests)) throw new InputError('config file: "requests" must be a whole number ≥ 1', path);
    config.requests = raw.requests;
  }
  return config;
}
