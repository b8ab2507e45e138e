import { describe, expect, it } from "vitest";
import { buildOfflineSummary } from "../../src/pipeline/offline.js";
import { pageRef, renderSummaryMarkdown } from "../../src/report/summary-markdown.js";
import { costOf, usageLine, usageReport, type RequestUsage } from "../../src/pipeline/usage.js";
import { finalizeSummary } from "../../src/pipeline/finalize.js";
import { sampleDocument } from "../pipeline/doc-fixture.js";

describe("summary.md", () => {
  it("writes page refs, sections and figures with their images inline", () => {
    const s = finalizeSummary({
      document: sampleDocument(),
      answer: {
        title: "Pump guide",
        summary: "About pumps.",
        keyPoints: [{ text: "Check seals weekly", pages: [5 - 2, 2] }],
        sections: [{ title: "Bearings", pages: [3, 4], summary: "How to keep bearings cool." }],
        figures: [{ id: "p2-f1", description: "A cut through the seal." }],
      },
      sentFigureIds: new Set(["p2-f1"]),
      engine: { provider: "mistral", model: "m", mode: "single", requests: 1 },
      usage: { inputTokens: 1, outputTokens: 1, costUSD: 0 },
      warnings: [],
    });
    const md = renderSummaryMarkdown(s);
    expect(md).toMatch(/^# Pump guide\n/);
    expect(md).toContain("- Check seals weekly (p. 2, 3)");
    expect(md).toContain("### Bearings (pp. 3–4)");
    expect(md).toContain("![p2-f1](figures/p2-f1.png)");
    expect(md).toContain("A cut through the seal.");
    expect(md).toContain("*Figure 1: Cross-section of the pump seal*");
  });

  it("says plainly when the offline engine wrote it", () => {
    const md = renderSummaryMarkdown(buildOfflineSummary(sampleDocument()));
    expect(md).toMatch(/Offline engine \(no model was used/);
    expect(md).toMatch(/offline engine does not look at images/);
    expect(pageRef([4, 4, 1])).toBe("(p. 1, 4)");
  });
});

describe("usage", () => {
  const base: Omit<RequestUsage, "id" | "promptTokens" | "estimatedInputTokens" | "cached" | "costUSD"> = {
    kind: "map",
    pages: [1, 2],
    outputTokens: 100,
    images: 1,
    latencyMs: 10,
    attempts: 1,
    repaired: false,
    status: "ok",
    calls: [],
    unknownCalls: 0,
  };
  it("totals what was spent and reports actual/estimate", () => {
    const prices = { input: 0.15, output: 0.6 };
    const r = usageReport("mistral", "m", prices, [
      { ...base, id: "r1", estimatedInputTokens: 1000, promptTokens: 900, cached: false, costUSD: costOf(900, 100, prices) },
      { ...base, id: "r2", estimatedInputTokens: 1000, promptTokens: 1100, cached: true, costUSD: 0 },
    ]);
    expect(r.totals.actualToEstimateRatio).toBe(1);
    expect(r.totals.inputTokens).toBe(900);
    expect(r.totals.cachedRequests).toBe(1);
    expect(r.totals.costUSD).toBeCloseTo((900 * 0.15 + 100 * 0.6) / 1e6, 9);
    expect(usageLine(r)).toMatch(/2 requests \(1 from cache, not paid\).*actual\/estimate 1\.000/);
  });
});
