/** No provider configured: the offline engine writes the same files without a model (DESIGN.md §6). */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { corpusFile, hasCorpus } from "../support/paths.js";
import { checkDocumentFolder, freshDir, readJson, samplePdf } from "./helpers.js";

describe("offline engine from the CLI", () => {
  it("writes an offline summary with a one-line notice when no key is set", async () => {
    const out = freshDir("offline/out");
    const r = await runCli(["summarize", samplePdf, "--out", out], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const notices = r.stderr.split("\n").filter((l) => /no provider configured/.test(l));
    expect(notices).toHaveLength(1);
    const dir = join(out, "bike-share-report");
    const { summary, document, markdown } = checkDocumentFolder(dir, { model: false });
    expect(summary.engine).toEqual({ provider: "offline", model: "none", mode: "offline", requests: 0 });
    expect(summary.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUSD: 0 });
    // never pretends: no figure description, and the markdown says no model was used
    expect(summary.figures.length).toBeGreaterThan(0);
    expect(summary.figures.every((f) => f.description === "")).toBe(true);
    expect(markdown).toMatch(/no model was used/);
    // the title and sections come from the document's headings
    const headings = document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "heading").map((b) => (b as { text: string }).text));
    expect(headings).toContain(summary.title);
    expect(summary.sections.length).toBeGreaterThan(1);
    for (const s of summary.sections) expect(headings).toContain(s.title);
    // key points and summary are sentences of the document itself
    const text = document.pages
      .flatMap((p) => p.blocks.map((b) => ("text" in b ? b.text : "")))
      .join(" ")
      .replace(/\s+/g, " ");
    expect(summary.keyPoints.length).toBeGreaterThan(2);
    for (const k of summary.keyPoints) expect(text).toContain(k.text);
    // plan.json still says what a model run would cost
    expect(readJson<{ requests: unknown[] }>(join(dir, "plan.json")).requests.length).toBe(1);
  });

  it("an unreadable file exits 2 with one line naming it", async () => {
    const out = freshDir("offline-bad/out");
    const bad = join(out, "not-a-pdf.pdf");
    writeFileSync(bad, "this is not a PDF\n");
    const r = await runCli(["summarize", bad, "--out", out, "--provider", "offline"], { env: {} });
    expect(r.code).toBe(2);
    const last = r.stderr.trim().split("\n").at(-1)!;
    expect(last).toContain("not-a-pdf.pdf");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, "not-a-pdf", "summary.json"))).toBe(false);
  });

  it("one failed document of several exits 1 and the others are still written", async () => {
    const out = freshDir("offline-mixed/out");
    const bad = join(out, "broken.pdf");
    writeFileSync(bad, "%PDF-1.4 truncated");
    const r = await runCli(["summarize", bad, samplePdf, "--out", out, "--provider", "offline"], { env: {} });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.pdf/);
    checkDocumentFolder(join(out, "bike-share-report"), { model: false });
  });

  it.skipIf(!hasCorpus)("an encrypted PDF without its password exits 3", async () => {
    const out = freshDir("offline-encrypted/out");
    const r = await runCli(["summarize", corpusFile("edge/password.pdf"), "--out", out], { env: {} });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/password\.pdf/);
  });
});
