/**
 * Bounded time: a page whose drawing never ends loses its figures, keeps its text and does not take
 * the document down; the document's own limit fails it with one line instead of hanging.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { formBombInTheMiddle } from "../../../scripts/fixtures/hostile.js";
import type { Truth } from "../../../scripts/fixtures/truth.js";
import { extract } from "../../../src/extract/index.js";
import { InputError } from "../../../src/errors.js";
import { repoRoot } from "../../support/paths.js";

const dir = join(repoRoot, "fixtures", "hostile");
const truthOf = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.truth.json`), "utf8")) as Truth;
const words = (s: string) => s.toLowerCase().match(/[a-z0-9]+/g) ?? [];
const pageWords = (blocks: Array<{ type: string }>) =>
  new Set(words(blocks.map((b) => ("text" in b ? String(b.text ?? "") : "")).join(" ")));

const tmp = mkdtempSync(join(tmpdir(), "longdoc-hostile-time-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function bombInTheMiddle(): string {
  const file = join(tmp, "bomb-in-the-middle.pdf");
  writeFileSync(file, formBombInTheMiddle());
  return file;
}

describe("bounded time", () => {
  it("cuts a page whose forms double 30 levels deep, keeping its text, with a warning naming the page", { timeout: 90_000 }, async () => {
    const { document, figures } = await extract(join(dir, "form-bomb.pdf"), { pageTimeoutMs: 2_000 });
    const got = pageWords(document.pages[0].blocks);
    for (const w of words(truthOf("form-bomb").paragraphs.join(" "))) expect(got).toContain(w);
    expect(document.warnings.join("\n")).toMatch(/page 1: the page took longer than 2 s.*figures are left out/);
    expect(figures.size).toBe(0);
  });

  it("goes on past the bad page: the pages after it are read by a fresh worker", { timeout: 90_000 }, async () => {
    const { document } = await extract(bombInTheMiddle(), { pageTimeoutMs: 2_000 });
    expect(document.pages).toHaveLength(3);
    for (const n of [1, 2, 3]) expect(pageWords(document.pages[n - 1].blocks)).toContain(String(n));
    expect(pageWords(document.pages[2].blocks)).toContain("hello");
    const warnings = document.warnings.join("\n");
    expect(warnings).toMatch(/page 2: /);
    expect(warnings).not.toMatch(/page [13]: /);
  });

  it("reads forms that call each other without hanging", { timeout: 60_000 }, async () => {
    const { document } = await extract(join(dir, "form-cycle.pdf"), { pageTimeoutMs: 2_000 });
    const got = pageWords(document.pages[0].blocks);
    for (const w of words(truthOf("form-cycle").paragraphs.join(" "))) expect(got).toContain(w);
  });

  it("fails the document with one line when its own limit passes before its pages are read", { timeout: 60_000 }, async () => {
    const err = await extract(join(dir, "form-bomb.pdf"), { timeoutMs: 1_500, pageTimeoutMs: 30_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    // (on a busy machine the limit can pass while the file is still being opened)
    expect((err as Error).message).toMatch(/form-bomb\.pdf: gave up after 2 s( with 0 of 1 pages read)? \(/);
    expect((err as Error).message).not.toContain("\n");
  });
});
