import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { CONFIG_ENV, CONFIG_KEYS, configFilePath, readUserConfig, type UserConfig } from "../config-file.js";
import { DEFAULT_OUT_DIR, DEFAULT_REQUESTS } from "../../defaults.js";
import { ExitCode } from "../../errors.js";
import { defaultCacheDir } from "../../llm/cache.js";
import { PROVIDER_PROFILES, providerFromEnvironment } from "../../llm/providers.js";

export interface ConfigValue {
  key: string;
  value: string;
  /** where it comes from: an environment variable, the config file, or the built-in default */
  source: string;
}

/** The defaults a run would start from (before its own flags), each with where it comes from. */
export function effectiveConfig(env: NodeJS.ProcessEnv = process.env): ConfigValue[] {
  const file = configFilePath(env);
  const config: UserConfig = readUserConfig(file);
  const builtin: Record<keyof UserConfig, string> = {
    provider: "",
    model: "mistral-small-2603",
    out: DEFAULT_OUT_DIR,
    requests: String(DEFAULT_REQUESTS),
  };
  const rows: ConfigValue[] = [];
  for (const key of CONFIG_KEYS) rows.push(valueOf(key));
  rows.push({ key: "cache", value: defaultCacheDir(env), source: "default (--cache-dir to change)" });
  return rows;

  function valueOf(key: keyof UserConfig): ConfigValue {
    const fromEnv = env[CONFIG_ENV[key]]?.trim();
    if (fromEnv) return { key, value: fromEnv, source: `environment (${CONFIG_ENV[key]})` };
    if (config[key] !== undefined) return { key, value: String(config[key]), source: "config file" };
    if (key === "provider") {
      const name = providerFromEnvironment(env);
      const why = {
        mistral: "MISTRAL_API_KEY is set",
        openrouter: "OPENROUTER_API_KEY is set",
        openai: "LONGDOC_BASE_URL is set",
        offline: "no provider key is set",
      }[name];
      return { key, value: name, source: `environment (${why})` };
    }
    if (key === "model") {
      // the default id depends on the provider (OpenRouter names it with its vendor prefix)
      const provider = rows.find((r) => r.key === "provider")?.value;
      const profile = provider && provider in PROVIDER_PROFILES ? PROVIDER_PROFILES[provider as keyof typeof PROVIDER_PROFILES] : undefined;
      return { key, value: profile?.model ?? builtin.model, source: "default" };
    }
    return { key, value: builtin[key], source: "default" };
  }
}

/** `longdoc config`: the defaults in effect and where each comes from. */
export function registerConfig(program: Command, ctx: CommandContext): void {
  program
    .command("config")
    .description("the defaults in effect and where each comes from (flags > environment > config file > built-in)")
    .option("--json", "print as JSON")
    .action((o: { json?: boolean }) => {
      const file = configFilePath(ctx.io.env);
      const rows = effectiveConfig(ctx.io.env);
      if (o.json) {
        ctx.io.stdout.write(JSON.stringify({ configFile: file, exists: existsSync(file), values: rows }, null, 2) + "\n");
      } else {
        const width = Math.max(...rows.map((r) => r.key.length), 8);
        const valueWidth = Math.max(...rows.map((r) => r.value.length));
        ctx.io.stdout.write(`config file: ${file}${existsSync(file) ? "" : " (none; create it to set defaults)"}\n`);
        for (const r of rows) ctx.io.stdout.write(`${r.key.padEnd(width)}  ${r.value.padEnd(valueWidth)}  ${r.source}\n`);
      }
      ctx.setExitCode(ExitCode.ok);
    });
}
