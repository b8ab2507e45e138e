import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { ExitCode, exitCodeOf, formatError } from "../errors.js";
import { registerCache } from "./commands/cache.js";
import { registerConfig } from "./commands/config.js";
import { registerExtract } from "./commands/extract.js";
import { registerIndex } from "./commands/merge-index.js";
import { registerModels } from "./commands/models.js";
import { applyUserConfig } from "./options.js";
import { registerPlan } from "./commands/plan.js";
import { registerReport } from "./commands/report.js";
import { registerSummarize } from "./commands/summarize.js";
import { StopRequest } from "./stop.js";

/** What a CLI run writes to and reads from: the process's own streams and environment, or a caller's. */
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** provider keys, LONGDOC_BASE_URL, CI… are read here, never from process.env directly */
  env: NodeJS.ProcessEnv;
  /** stop requests (signals); in-process callers may trigger one with `stop.request()` */
  stop: StopRequest;
  /** where `-` reads a PDF from (default process.stdin) */
  stdin?: NodeJS.ReadableStream;
}

/** Each command's action stores its exit code here; main() returns it. */
export interface CommandContext {
  setExitCode(code: number): void;
  io: CliIO;
}

/** package.json sits two folders above this file, in src/cli/ and dist/cli/ alike. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

const GETTING_STARTED = `
Getting started:
  longdoc plan report.pdf                      what a run would send and cost (no key, no network)
  export MISTRAL_API_KEY=...                   or OPENROUTER_API_KEY, or LONGDOC_BASE_URL for a local server
  longdoc summarize report.pdf                 → longdoc-out/report/summary.md and report.html
  longdoc figures manual.pdf -o out            a description of every figure → out/manual/figures.md
  longdoc summarize papers/ --max-cost 2       a whole folder, with an index and a spending limit

Without a key, summarize runs an offline engine (no model) and says so.
Docs: docs/cli.md (commands, options, files), docs/library.md (the API).`;

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command()
    .name("longdoc")
    .description("Read long illustrated PDFs and have a long-context multimodal model analyse them")
    .version(packageVersion(), "-V, --version")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s) })
    .addHelpText("after", GETTING_STARTED)
    .hook("preAction", (_program, command) => applyUserConfig(command, ctx.io.env));
  registerSummarize(program, ctx);
  registerExtract(program, ctx);
  registerPlan(program, ctx);
  registerReport(program, ctx);
  registerIndex(program, ctx);
  registerModels(program, ctx);
  registerCache(program, ctx);
  registerConfig(program, ctx);
  return program;
}

/**
 * Runs the CLI on `args` (without node and the script) and resolves to the exit code; errors are
 * one line on stderr. Never exits the process, so a test or an embedding program can call it.
 */
export async function runCli(args: string[], io: Partial<CliIO> = {}): Promise<number> {
  const full: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    stop: io.stop ?? new StopRequest(),
    stdin: io.stdin,
  };
  let code: number = ExitCode.ok;
  const program = buildProgram({ setExitCode: (c) => (code = c), io: full });
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with 0; usage errors have already been printed by commander
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    if (!full.stop.signal.aborted) {
      full.stderr.write(`longdoc: ${formatError(err)}\n`);
      return exitCodeOf(err);
    }
  }
  // a stop ends the run with its signal's code (130 SIGINT, 143 SIGTERM, 129 SIGHUP)
  return full.stop.exitCode ?? code;
}

/** Runs the CLI with process.argv; resolves to the process exit code. */
export function main(argv: string[], io: Partial<CliIO> = {}): Promise<number> {
  return runCli(argv.slice(2), io);
}
