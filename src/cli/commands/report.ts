import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../errors.js";
import { addVerbosityOptions, verbosityOf } from "../options.js";

/** `longdoc report <OUT/doc|OUT>`: rebuild report.html (and a batch's index.html) from the files on disk. */
export function registerReport(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("report")
    .description("rebuild report.html (and index.html of a batch folder) from the files on disk, e.g. after editing summary.json")
    .argument("<dir>", "a document folder (OUT/<name>) or a run's output folder (OUT)");
  addVerbosityOptions(cmd).action(async (dir: string, o: { quiet?: boolean; verbose?: boolean }) => {
    const { rebuildReports } = await import("../../report/folder.js");
    const done = await rebuildReports(dir);
    if (verbosityOf(o) !== "quiet") {
      for (const r of done.reports) ctx.io.stderr.write(`wrote ${r}\n`);
      if (done.index) ctx.io.stderr.write(`wrote ${done.index}\n`);
      for (const s of done.skipped) ctx.io.stderr.write(`note: ${s}: no summary.json or figures.json, no report\n`);
    }
    ctx.setExitCode(ExitCode.ok);
  });
}
