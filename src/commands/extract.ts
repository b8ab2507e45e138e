import { basename, extname, join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import type { CommandContext } from "../cli.js";
import { ExitCode } from "../errors.js";
import { extract, writeExtraction } from "../extract/index.js";

interface ExtractCliOptions {
  out?: string;
  pages?: string;
  password?: string;
  imageMaxSide?: number;
  json?: boolean;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

/** `longdoc extract <pdf>`: extraction only, no model (DESIGN.md §1–2). */
export function registerExtract(program: Command, ctx: CommandContext): void {
  program
    .command("extract")
    .description("extraction only, no model: document.json, document.md, figures/")
    .argument("<pdf>", "the PDF to read")
    .option("--out <dir>", "output folder (default ./longdoc-out/<name>/)")
    .option("--pages <range>", "pages to read, e.g. 1-20,35")
    .option("--password <pw>", "password of an encrypted PDF")
    .option("--image-max-side <px>", "longest side of figure images", positiveInt)
    .option("--json", "print the document model on stdout")
    .action(async (pdf: string, opts: ExtractCliOptions) => {
      const started = Date.now();
      const extraction = await extract(pdf, { pages: opts.pages, password: opts.password, imageMaxSide: opts.imageMaxSide });
      const outDir = resolve(opts.out ?? join("longdoc-out", basename(pdf, extname(pdf))));
      await writeExtraction(extraction, outDir);
      const doc = extraction.document;
      if (opts.json) {
        ctx.io.stdout.write(JSON.stringify(doc, null, 2) + "\n");
      } else {
        const blocks = doc.pages.flatMap((p) => p.blocks);
        const count = (t: string) => blocks.filter((b) => b.type === t).length;
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        ctx.io.stdout.write(
          `${pdf}: ${doc.pages.length} pages, ${count("heading")} headings, ${count("paragraph")} paragraphs, ` +
            `${count("figure")} figures, ${doc.warnings.length} warnings in ${seconds} s → ${outDir}\n`,
        );
        for (const w of doc.warnings.slice(0, 5)) ctx.io.stdout.write(`  warning: ${w}\n`);
        if (doc.warnings.length > 5) ctx.io.stdout.write(`  … ${doc.warnings.length - 5} more in document.json\n`);
      }
      ctx.setExitCode(ExitCode.ok);
    });
}
