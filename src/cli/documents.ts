/**
 * The documents of a per-document command (extract, plan): one PDF named on its own, or what the
 * folders and globs hold; each is handled in turn, and a bad one costs one line, not the run.
 */
import { shownPath } from "../io/stand-in-paths.js";
import type { CliIO } from "./program.js";
import { ExitCode, exitCodeOf, formatError } from "../errors.js";

export interface Documents {
  pdfs: string[];
  /** one PDF named on its own (it keeps its own exit code and output folder rules) */
  single: boolean;
  /** output folder name of each PDF, unique over the run */
  folders: Map<string, string>;
}

/** Resolves the inputs; null, after one line on stderr, when they hold no PDF. */
export async function findDocuments(inputs: string[], io: CliIO, quiet: boolean): Promise<Documents | null> {
  const { isBatchInput } = await import("./batch-command.js");
  const { findPdfs, assignOutputFolders } = await import("../batch/discover.js");
  const single = !(await isBatchInput(inputs));
  const { pdfs, skipped } = single ? { pdfs: inputs, skipped: [] } : await findPdfs(inputs);
  if (!quiet) for (const k of skipped) io.stderr.write(`note: skipped ${k.path}: ${k.reason}\n`);
  if (pdfs.length === 0) {
    io.stderr.write(`longdoc: no PDF found in ${inputs.join(", ")}\n`);
    return null;
  }
  return { pdfs, single, folders: assignOutputFolders(pdfs) };
}

/**
 * Runs `fn` on each PDF in turn. A failure is one line naming the file and the others go on; one
 * document named on its own keeps its own exit code (2 unreadable, 3 encrypted), several give 1.
 */
export async function eachDocument(pdfs: string[], io: CliIO, fn: (pdf: string) => Promise<void>): Promise<number> {
  const codes: number[] = [];
  for (const pdf of pdfs) {
    try {
      await fn(pdf);
      codes.push(ExitCode.ok);
    } catch (err) {
      const line = formatError(err);
      const name = shownPath(pdf);
      io.stderr.write(`longdoc: ${line.includes(name) ? line : `${name}: ${line}`}\n`);
      codes.push(exitCodeOf(err));
    }
  }
  if (codes.every((c) => c === ExitCode.ok)) return ExitCode.ok;
  return pdfs.length === 1 ? codes[0] : ExitCode.someFailed;
}
