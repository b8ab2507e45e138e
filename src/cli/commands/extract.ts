import { basename, extname, join, resolve } from "node:path";
import type { Command } from "commander";
import { addTimeLimitOptions, timeLimitsMs, type TimeLimitCliOptions } from "../time-limits.js";
import type { CliIO, CommandContext } from "../program.js";
import { ExitCode } from "../../errors.js";
import { eachDocument, findDocuments } from "../documents.js";
import { plural } from "../../report/format.js";
import { addVerbosityOptions, configuredOut, intArg, outOption, verbosityOf } from "../options.js";
import { withStdinInput } from "../stdin.js";

interface ExtractCliOptions extends TimeLimitCliOptions {
  out?: string;
  pages?: string;
  password?: string;
  imageMaxSide?: number;
  json?: boolean;
  name?: string;
  quiet?: boolean;
  verbose?: boolean;
}

/** `longdoc extract <pdf|folder|glob>...`: extraction only, no model (DESIGN.md §1–2). */
export function registerExtract(program: Command, ctx: CommandContext): void {
  const cmd = program
    .command("extract")
    .description("extraction only, no model: document.json, document.md, figures/")
    .argument("<pdf|folder|glob...>", "PDF files, folders (searched recursively), globs, or - for standard input")
    .addOption(
      outOption(
        "output folder: the document's own folder for one PDF (default ./longdoc-out/<name>/, or under LONGDOC_OUT or the config file's out), else one subfolder per document",
      ),
    )
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password of an encrypted PDF")
    .option("--image-max-side <px>", "longest side of figure images", intArg)
    .option("--name <name>", "name of a PDF read from standard input (default stdin)")
    .option("--json", "print the document model on stdout (JSON lines for several documents)");
  addVerbosityOptions(addTimeLimitOptions(cmd)).action(async (inputs: string[], opts: ExtractCliOptions) => {
    ctx.setExitCode(await withStdinInput(inputs, opts.name, (paths) => extractAll(paths, opts, ctx.io), ctx.io.stdin));
  });
}

async function extractAll(inputs: string[], opts: ExtractCliOptions, io: CliIO): Promise<number> {
  const { extract, writeExtraction } = await import("../../extract/index.js");
  const verbosity = verbosityOf(opts);
  const say = (line: string) => {
    if (verbosity !== "quiet") io.stderr.write(line + "\n");
  };
  const docs = await findDocuments(inputs, io, verbosity === "quiet");
  if (!docs) return ExitCode.badInput;
  const { pdfs, single, folders } = docs;
  return eachDocument(pdfs, io, async (pdf) => {
    const started = Date.now();
    const outDir = single
      ? resolve(opts.out ?? join(configuredOut(io.env), basename(pdf, extname(pdf))))
      : resolve(opts.out ?? configuredOut(io.env), folders.get(pdf)!);
    const extraction = await extract(pdf, {
      pages: opts.pages,
      password: opts.password,
      imageMaxSide: opts.imageMaxSide,
      ...timeLimitsMs(opts),
    });
    await writeExtraction(extraction, outDir);
    const doc = extraction.document;
    if (opts.json) io.stdout.write(JSON.stringify(doc, null, single ? 2 : undefined) + "\n");
    const blocks = doc.pages.flatMap((p) => p.blocks);
    const count = (t: string) => blocks.filter((b) => b.type === t).length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const line =
      `${pdf}: ${plural(doc.pages.length, "page")}, ${plural(count("heading"), "heading")}, ${plural(count("paragraph"), "paragraph")}, ` +
      `${plural(count("figure"), "figure")}, ${plural(doc.warnings.length, "warning")} in ${seconds} s → ${outDir}`;
    // the summary line goes to stdout unless stdout carries JSON
    if (opts.json) say(line);
    else if (verbosity !== "quiet") io.stdout.write(line + "\n");
    const shown = verbosity === "verbose" ? doc.warnings : doc.warnings.slice(0, 5);
    for (const w of shown) say(`  warning: ${w}`);
    if (doc.warnings.length > shown.length) say(`  … ${doc.warnings.length - shown.length} more in document.json`);
  });
}
