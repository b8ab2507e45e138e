/**
 * `-` as an input: the PDF arrives on standard input. It is written to a private temporary folder
 * as `<name>.pdf` (name `stdin` unless --name), so everything downstream reads a file and the
 * output folder and the document's source path are named after it; the folder is removed afterwards.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { standIn } from "../io/stand-in-paths.js";

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** A name safe as a file name: no separators, no control characters. */
function safeStem(name: string): string {
  return (
    name
      .replace(/\.pdf$/i, "")
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, "_")
      .trim() || "stdin"
  );
}

/**
 * Runs `fn` with `-` in `inputs` replaced by the path of a temporary copy of standard input.
 * Only one `-` makes sense (there is one standard input).
 */
export async function withStdinInput<T>(
  inputs: string[],
  name: string | undefined,
  fn: (inputs: string[]) => Promise<T>,
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<T> {
  const dashes = inputs.filter((i) => i === "-").length;
  if (dashes === 0) return fn(inputs);
  if (dashes > 1) throw new InputError("`-` (standard input) can be given once");
  if ((stdin as NodeJS.ReadStream).isTTY)
    throw new InputError(
      "`-` reads a PDF from standard input, but standard input is a terminal (pipe a file in: longdoc extract - < file.pdf)",
    );
  const bytes = await readAll(stdin);
  if (bytes.length === 0) throw new InputError("standard input was empty, not a PDF", "-");
  const dir = await mkdtemp(join(tmpdir(), "longdoc-stdin-"));
  const file = `${safeStem(name ?? "stdin")}.pdf`;
  const path = join(dir, file);
  const release = standIn(path, file);
  try {
    await writeFile(path, bytes, { mode: 0o600 });
    return await fn(inputs.map((i) => (i === "-" ? path : i)));
  } finally {
    release();
    await rm(dir, { recursive: true, force: true });
  }
}
