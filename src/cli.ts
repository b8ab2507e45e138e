import { Command, CommanderError } from "commander";
import { ExitCode, exitCodeOf, formatError } from "./errors.js";
import { registerExtract } from "./commands/extract.js";
import { registerPlan } from "./commands/plan.js";
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
}

/** Each command's action stores its exit code here; main() returns it. */
export interface CommandContext {
  setExitCode(code: number): void;
  io: CliIO;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command()
    .name("longdoc")
    .description("Read long illustrated PDFs and have a long-context multimodal model analyse them")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => ctx.io.stdout.write(s), writeErr: (s) => ctx.io.stderr.write(s) });
  registerExtract(program, ctx);
  registerPlan(program, ctx);
  registerSummarize(program, ctx);
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
