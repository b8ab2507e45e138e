import { Command, CommanderError } from "commander";
import { ExitCode, exitCodeOf, formatError } from "./errors.js";
import { registerExtract } from "./commands/extract.js";
import { registerIndex } from "./commands/merge-index.js";
import { registerPlan } from "./commands/plan.js";
import { registerSummarize } from "./commands/summarize.js";

/** Each command's action stores its exit code here; main() returns it. */
export interface CommandContext {
  setExitCode(code: number): void;
}

export function buildProgram(ctx: CommandContext): Command {
  const program = new Command()
    .name("longdoc")
    .description("Read long illustrated PDFs and have a long-context multimodal model analyse them")
    .version("0.1.0")
    .exitOverride()
    .showHelpAfterError(false);
  registerExtract(program, ctx);
  registerPlan(program, ctx);
  registerSummarize(program, ctx);
  registerIndex(program, ctx);
  return program;
}

/** Runs the CLI and resolves to the process exit code; errors are one line on stderr. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram({ setExitCode: (c) => (code = c) });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit with 0; usage errors have already been printed by commander
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    process.stderr.write(`longdoc: ${formatError(err)}\n`);
    return exitCodeOf(err);
  }
}
