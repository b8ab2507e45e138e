import { describe, expect, it } from "vitest";
import { SummarySchema } from "../../src/model/summary.js";
import { finalizeSummary } from "../../src/pipeline/finalize.js";
import { sampleDocument } from "./doc-fixture.js";

const engine = { provider: "mistral", model: "mistral-small-2603", mode: "single" as const, requests: 1 };
const usage = { inputTokens: 100, outputTokens: 20, costUSD: 0.001 };

describe("finalizeSummary", () => {
  it("drops pages and figures that do not exist, and completes figures from the document", () => {
    const s = finalizeSummary({
      document: sampleDocument(),
      answer: {
        title: "Pump guide",
        summary: "About pumps.",
        keyPoints: [
          { text: "Check seals weekly", pages: [2, 9] },
          { text: "Lubricate bearings", pages: [3] },
        ],
        sections: [
          { title: "Seals", pages: [2], summary: "s" },
          { title: "Tail", pages: [4, 12], summary: "t" },
        ],
        figures: [
          { id: "p2-f1", description: "A cut through the seal." },
          { id: "p7-f3", description: "made up" },
        ],
      },
      sentFigureIds: new Set(["p2-f1", "p4-f1"]),
      engine,
      usage,
      warnings: [],
    });
    expect(() => SummarySchema.parse(s)).not.toThrow();
    expect(s.keyPoints).toEqual([
      { text: "Check seals weekly", pages: [2] },
      { text: "Lubricate bearings", pages: [3] },
    ]);
    expect(s.sections.map((x) => x.pages)).toEqual([
      [2, 2],
      [4, 4],
    ]);
    expect(s.figures.map((f) => f.id)).toEqual(["p2-f1", "p4-f1"]);
    expect(s.figures[0]).toMatchObject({ page: 2, file: "figures/p2-f1.png", description: "A cut through the seal." });
    expect(s.figures[0].caption).toMatch(/Cross-section/);
    expect(s.warnings.join("\n")).toMatch(/pages that do not exist.*9/);
    expect(s.warnings.join("\n")).toMatch(/do not exist \(dropped\): p7-f3/);
    expect(s.warnings.join("\n")).toMatch(/no description for figure\(s\): p4-f1/);
  });

  it("takes figure descriptions from map answers when the final answer lacks them", () => {
    const s = finalizeSummary({
      document: sampleDocument(),
      answer: { title: "T", summary: "S", figures: [] },
      partialFigures: [
        { id: "p2-f1", description: "seal" },
        { id: "p4-f1", description: "impeller" },
      ],
      sentFigureIds: new Set(["p2-f1", "p4-f1"]),
      engine,
      usage,
      warnings: [],
    });
    expect(s.figures.map((f) => f.description)).toEqual(["seal", "impeller"]);
    expect(s.warnings).toEqual([]);
    expect(s.keyPoints).toEqual([]);
  });
});
