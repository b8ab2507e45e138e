/**
 * Corpus check that extraction keeps the text pdftotext finds: its lines of six or more words must
 * be found in document.md (compared on letters and digits only, so spacing and line breaks do
 * not count). Skips with a notice without the corpus or without pdftotext.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { extract, renderDocumentMarkdown } from "../../../src/extract/index.js";
import { corpusFile, hasCorpus } from "../../support/paths.js";

function hasPdftotext(): boolean {
  try {
    execFileSync("pdftotext", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const withTool = hasPdftotext();
if (!withTool) console.warn("[longdoc tests] pdftotext not installed: the text-kept corpus test is skipped");

const letters = (s: string) =>
  s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");

function keptShare(pdfPath: string, markdown: string): { kept: number; total: number; missing: string[] } {
  const reference = execFileSync("pdftotext", [pdfPath, "-"], { maxBuffer: 1 << 28 }).toString();
  const lines = reference
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.split(/\s+/).length >= 6);
  const haystack = letters(markdown);
  const missing = lines.filter((l) => !haystack.includes(letters(l)));
  return { kept: lines.length - missing.length, total: lines.length, missing };
}

describe.skipIf(!hasCorpus || !withTool)("text kept against pdftotext", () => {
  it("failure-after-repair.pdf: document.md keeps at least 97% of pdftotext's lines of 6+ words", async () => {
    const path = corpusFile("real/failure-after-repair.pdf");
    const { document } = await extract(path, { render: false });
    const { kept, total, missing } = keptShare(path, renderDocumentMarkdown(document));
    expect(total).toBeGreaterThan(1000);
    expect(kept / total, `missing e.g.: ${missing.slice(0, 5).join(" / ")}`).toBeGreaterThanOrEqual(0.97);
  }, 120_000);
});
