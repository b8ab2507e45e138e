import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { DocumentModelSchema, figureBlocks } from "../../src/model/document.js";
import { runCli } from "../support/cli.js";
import { corpusFile, hasCorpus, testOutDir } from "../support/paths.js";

describe.skipIf(!hasCorpus)("longdoc extract writes the document folder", () => {
  it("writes document.json (valid schema), document.md and every figure file it names", async () => {
    const out = testOutDir("extract-cli/amt");
    rmSync(out, { recursive: true, force: true });
    const r = await runCli(["extract", corpusFile("real/amt_handbook_sample.pdf"), "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/: 1 page, .* figures?, /);
    const doc = DocumentModelSchema.parse(JSON.parse(readFileSync(join(out, "document.json"), "utf8")));
    expect(doc.source.pages).toBe(1);
    expect(doc.source.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.source.encrypted).toBe(false);
    const md = readFileSync(join(out, "document.md"), "utf8");
    const figures = figureBlocks(doc);
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      expect(f.id).toMatch(/^p1-f\d+$/);
      expect(md).toContain(`![${f.id}](${f.file})`);
      const file = join(out, f.file);
      expect(existsSync(file)).toBe(true);
      const meta = await sharp(file).metadata();
      expect([meta.width, meta.height]).toEqual([f.width, f.height]);
      expect(Math.max(f.width, f.height)).toBeLessThanOrEqual(1540);
    }
    // figures stand between the paragraphs, in reading order
    const text = doc.pages[0].blocks.map((b) => b.type).join(",");
    expect(text).toMatch(/paragraph.*figure/);
  });

  it("--json prints the document model, --pages limits the pages", async () => {
    const out = testOutDir("extract-cli/tm");
    const r = await runCli(["extract", corpusFile("real/tracemonkey.pdf"), "--pages", "2-3", "--json", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const doc = DocumentModelSchema.parse(JSON.parse(r.stdout));
    expect(doc.pages.map((p) => p.number)).toEqual([2, 3]);
    expect(doc.source.pages).toBe(14);
  });

  it("a bad page range and a wrong password fail with one line and their exit codes", async () => {
    const bad = await runCli(["extract", corpusFile("real/tracemonkey.pdf"), "--pages", "30-40"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.stderr).toContain("tracemonkey.pdf");
    const wrong = await runCli(["extract", corpusFile("edge/password.pdf"), "--password", "not-it"]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/password\.pdf: .*password is wrong/);
  });
});
