/**
 * The option vocabulary every command shares: the same flag, the same short form, the same
 * parsing and the same environment variable wherever it appears (DESIGN.md §1).
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import { CONFIG_ENV, CONFIG_KEYS, configFilePath, readUserConfig } from "./config-file.js";
import { DEFAULT_OUT_DIR } from "../defaults.js";
import { isPositiveInteger } from "../model/numbers.js";
import { PROVIDER_NAMES } from "../llm/providers.js";

/** commander parser: a whole number ≥ 1 */
export function intArg(value: string): number {
  const n = Number(value);
  if (!isPositiveInteger(n)) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

/** commander parser: a number ≥ 0 (dollars, seconds) */
export function nonNegativeNumberArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === "") throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

/** commander parser: a number > 0 (seconds) */
export function positiveNumberArg(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || value.trim() === "") throw new InvalidArgumentError("expected a number > 0");
  return n;
}

/** commander parser: an amount of dollars ≥ 0 */
export const usdArg = nonNegativeNumberArg;

export type Verbosity = "quiet" | "normal" | "verbose";

export function verbosityOf(o: { quiet?: boolean; verbose?: boolean }): Verbosity {
  return o.quiet ? "quiet" : o.verbose ? "verbose" : "normal";
}

/** -o, --out; `configured` = the environment and the config file may set it (where it names the parent of the document folders) */
export function outOption(description: string, opts: { default?: string; configured?: boolean } = {}): Option {
  const opt = new Option("-o, --out <dir>", description);
  if (opts.configured) opt.env(CONFIG_ENV.out);
  return opts.default === undefined ? opt : opt.default(opts.default);
}

/** The parent folder of document folders when -o is not given: LONGDOC_OUT, the config file, else ./longdoc-out. */
export function configuredOut(env: NodeJS.ProcessEnv): string {
  return env[CONFIG_ENV.out]?.trim() || readUserConfig(configFilePath(env)).out || DEFAULT_OUT_DIR;
}

export function modelOption(): Option {
  return new Option("-m, --model <id>", "model id or alias (default mistral-small-2603; see `longdoc models`)").env(CONFIG_ENV.model);
}

export function providerOption(description: string): Option {
  return new Option("--provider <name>", description).choices([...PROVIDER_NAMES]).env(CONFIG_ENV.provider);
}

/** -q / -v: less or more on stderr; errors and the closing line are always shown. */
export function addVerbosityOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("-q, --quiet", "only errors and the closing line on stderr").conflicts("verbose"))
    .addOption(new Option("-v, --verbose", "a line for every request and retry on stderr"));
}

/**
 * Before a command runs: the run's environment (LONGDOC_MODEL, …), then the user's config file,
 * fill the options no flag set. commander reads process.env itself; the run's own environment is
 * applied here too, so an in-process run with another environment sees the same precedence.
 */
export function applyUserConfig(cmd: Command, env: NodeJS.ProcessEnv): void {
  const unset = (key: string) => {
    const source = cmd.getOptionValueSource(key);
    return source === undefined || source === "default";
  };
  for (const opt of cmd.options) {
    const key = opt.attributeName();
    const raw = opt.envVar ? env[opt.envVar] : undefined;
    if (raw !== undefined && unset(key))
      cmd.setOptionValueWithSource(key, opt.parseArg ? opt.parseArg(raw, undefined as never) : raw, "env");
  }
  // only options that also read the environment take the file's value (plan's -o, say, does not)
  const names = new Set(cmd.options.filter((o) => o.envVar !== undefined).map((o) => o.attributeName()));
  const wanted = CONFIG_KEYS.filter((k) => names.has(k));
  if (wanted.length === 0) return;
  const config = readUserConfig(configFilePath(env));
  for (const key of wanted) {
    if (config[key] !== undefined && unset(key)) cmd.setOptionValueWithSource(key, config[key], "config");
  }
}
