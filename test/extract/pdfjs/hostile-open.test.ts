/**
 * Files pdf.js refuses at first but a reader can open (recover.ts): the empty owner password,
 * attachments alone encrypted, a trailer without /Root. Each must open with all its text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Truth } from "../../../scripts/fixtures/truth.js";
import { extract } from "../../../src/extract/index.js";
import { EncryptedError } from "../../../src/errors.js";
import { repoRoot } from "../../support/paths.js";

const dir = join(repoRoot, "fixtures", "hostile");
const truthOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.truth.json`), "utf8")) as Truth;
const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];

async function textOf(name: string) {
  const { document } = await extract(join(dir, `${name}.pdf`), { render: false });
  const text = document.pages.flatMap((p) => p.blocks.map((b) => ("text" in b ? (b.text ?? "") : ""))).join(" ");
  return { document, words: new Set(words(text)) };
}

describe("opening what can be opened", () => {
  it("tries the empty owner password before asking for one", async () => {
    const { document, words: got } = await textOf("empty-owner-password");
    expect(document.source.encrypted).toBe(true);
    for (const w of words(truthOf("empty-owner-password").paragraphs.join(" "))) expect(got).toContain(w);
  });

  it("still refuses the empty owner password's file when a wrong password is given", async () => {
    await expect(extract(join(dir, "empty-owner-password.pdf"), { render: false, password: "wrong" })).rejects.toBeInstanceOf(
      EncryptedError,
    );
  });

  it("opens a file whose attachments alone are encrypted, with a warning", async () => {
    const { document, words: got } = await textOf("attachment-encrypted");
    expect(document.source.encrypted).toBe(true);
    expect(document.warnings.join("\n")).toMatch(/attachments are encrypted.*skipped/);
    for (const w of words(truthOf("attachment-encrypted").paragraphs.join(" "))) expect(got).toContain(w);
  });

  it("rebuilds a trailer without /Root from the catalog it finds", async () => {
    const truth = truthOf("broken-trailer");
    const { document, words: got } = await textOf("broken-trailer");
    expect(document.pages).toHaveLength(truth.pages);
    expect(document.warnings.join("\n")).toMatch(/trailer was broken/);
    for (const w of words(truth.paragraphs.join(" "))) expect(got).toContain(w);
    // each page keeps its own text, in order
    document.pages.forEach((p, i) => expect(JSON.stringify(p.blocks)).toContain(`Page ${i + 1} of a file`));
  });
});
