import { describe, expect, it } from "vitest";
import { SummarySchema } from "../../src/model/summary.js";
import { buildOfflineSummary } from "../../src/pipeline/offline.js";
import { sampleDocument } from "./doc-fixture.js";

describe("offline engine", () => {
  const doc = sampleDocument();
  const s = buildOfflineSummary(doc);

  it("writes a valid summary that says no model was used", () => {
    expect(() => SummarySchema.parse(s)).not.toThrow();
    expect(s.engine.mode).toBe("offline");
    expect(s.engine.requests).toBe(0);
    expect(s.usage).toEqual({ inputTokens: 0, outputTokens: 0, costUSD: 0 });
  });

  it("takes the title from the first heading when the metadata title is junk", () => {
    expect(s.title).toBe("Centrifugal Pump Maintenance Guide");
  });

  it("builds sections from the repeated heading level with page ranges", () => {
    expect(s.sections.map((x) => x.title)).toEqual(["Introduction", "Bearings", "Impellers"]);
    expect(s.sections.map((x) => x.pages)).toEqual([
      [1, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(s.sections[1].summary).toMatch(/^Bearings carry the pump shaft\./);
  });

  it("lists every figure with its caption and no invented description", () => {
    expect(s.figures.map((f) => [f.id, f.page, f.file])).toEqual([
      ["p2-f1", 2, "figures/p2-f1.png"],
      ["p4-f1", 4, "figures/p4-f1.png"],
    ]);
    expect(s.figures[0].caption).toMatch(/Cross-section/);
    expect(s.figures.every((f) => f.description === "")).toBe(true);
  });

  it("extracts key points from the text, with pages that exist", () => {
    expect(s.keyPoints.length).toBeGreaterThan(0);
    const text = doc.pages.flatMap((p) => p.blocks.map((b) => ("text" in b ? b.text : ""))).join(" ");
    for (const k of s.keyPoints) {
      expect(text).toContain(k.text);
      expect(k.pages.every((p) => p >= 1 && p <= 4)).toBe(true);
    }
    // summary is the lead, key points do not repeat it
    expect(s.summary).toMatch(/^Centrifugal pumps move water/);
    expect(s.keyPoints.some((k) => s.summary.includes(k.text))).toBe(false);
  });

  it("falls back to page groups when there are no headings or outline", () => {
    const bare = sampleDocument();
    for (const p of bare.pages) p.blocks = p.blocks.filter((b) => b.type !== "heading");
    const r = buildOfflineSummary(bare);
    expect(r.sections).toHaveLength(1);
    expect(r.sections[0].pages).toEqual([1, 4]);
    expect(r.title).toBe("pumps");
  });

  it("uses the outline's top level when there is one", () => {
    const d = sampleDocument();
    d.outline = [
      { title: "Introduction", page: 1, level: 1 },
      { title: "Bearings", page: 3, level: 1 },
      { title: "Lubrication", page: 3, level: 2 },
    ];
    const r = buildOfflineSummary(d);
    expect(r.sections.map((x) => [x.title, x.pages])).toEqual([
      ["Introduction", [1, 2]],
      ["Bearings", [3, 4]],
    ]);
  });

  it("skips table-of-contents lines and repeated passages", () => {
    const d = sampleDocument();
    const toc = Array.from({ length: 12 }, (_, i) => `Chapter ${i + 1} about pumps and seals ........ ${i * 7 + 3}`).join(" ");
    d.pages[0].blocks.splice(1, 0, { type: "paragraph", text: toc });
    const quote = "From the pump handbook by the chief engineer of the plant, third edition, page twelve.";
    d.pages[2].blocks.push({ type: "paragraph", text: quote }, { type: "paragraph", text: quote });
    const r = buildOfflineSummary(d);
    expect(r.summary).toMatch(/^Centrifugal pumps move water/);
    expect(r.summary).not.toMatch(/\.{4}/);
    expect(r.keyPoints.filter((k) => k.text === quote).length).toBeLessThanOrEqual(1);
    expect(r.keyPoints.some((k) => /\.{4}/.test(k.text))).toBe(false);
  });
});
