/** summarize and figures into one folder: both results kept, the report shows both, `longdoc report` rebuilds it. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SummarySchema } from "../../src/model/summary.js";
import { runCli } from "../support/cli.js";
import { checkDocumentFolder, freshDir, readJson, samplePdf } from "../e2e/helpers.js";

describe("summarize then figures into one folder", () => {
  it("keeps both results and the report shows the figures' descriptions beside the summary", async () => {
    const out = freshDir("both-tasks/out");
    const dir = join(out, "bike-share-report");
    const a = await runCli(["summarize", samplePdf, "-o", out, "--provider", "offline"], { env: {} });
    expect(a.code, a.stderr).toBe(0);
    const summaryBefore = readFileSync(join(dir, "summary.json"), "utf8");
    // a hand edit of the summary, to see the figures run leaves it alone
    const edited = SummarySchema.parse(JSON.parse(summaryBefore));
    edited.summary = "An edited summary, kept across the figures run.";
    writeFileSync(join(dir, "summary.json"), JSON.stringify(edited));

    const b = await runCli(["figures", samplePdf, "-o", out, "--provider", "offline"], { env: {} });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toMatch(/figures\.md/);
    checkDocumentFolder(dir, { model: false, task: "summarize" });
    checkDocumentFolder(dir, { model: false, task: "figures" });
    expect(readJson<{ summary: string }>(join(dir, "summary.json")).summary).toBe(edited.summary);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain(edited.summary);

    // a description written into figures.json reaches the report after `longdoc report`
    const figures = SummarySchema.parse(readJson(join(dir, "figures.json")));
    figures.figures[0].description = "A bar chart of weekly rides, hand-described.";
    writeFileSync(join(dir, "figures.json"), JSON.stringify(figures));
    const r = await runCli(["report", out], { env: {} });
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(dir, "report.html"), "utf8");
    expect(html).toContain("hand-described");
    expect(html).toContain(edited.summary);
  });

  it("`longdoc report` on a folder with no result exits 2 naming it", async () => {
    const out = freshDir("report-none/out");
    const x = await runCli(["extract", samplePdf, "-o", join(out, "doc")], { env: {} });
    expect(x.code, x.stderr).toBe(0);
    const r = await runCli(["report", join(out, "doc")], { env: {} });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no result to report/);
    expect(existsSync(join(out, "doc", "report.html"))).toBe(false);
  });
});
