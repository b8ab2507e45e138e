import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planDocument, type PlanOptions } from "../../src/plan/index.js";
import { resolveProfile } from "../../src/budget/profiles.js";
import type { DocumentModel } from "../../src/model/document.js";
import { testOutDir } from "../support/paths.js";
import { syntheticDoc, type SyntheticOptions } from "./synthetic.js";
import { checkPlanInvariants, requestText } from "./invariants.js";

process.env.LONGDOC_PROFILES = join(testOutDir("plan-planner"), "absent.json");

function opts(over: { window?: number; maxImages?: number; reserve?: number } = {}): PlanOptions {
  const profile = resolveProfile({ contextWindow: over.window, maxImages: over.maxImages });
  return { task: "summarize", profile, provider: "mistral", outputReserve: over.reserve ?? 8192 };
}

function planOf(doc: DocumentModel, o: PlanOptions) {
  const plan = planDocument(doc, o);
  checkPlanInvariants(doc, plan, o.profile);
  return plan;
}

describe("planDocument on synthetic documents of many sizes", () => {
  const cases: Array<[string, SyntheticOptions, { window?: number; maxImages?: number }]> = [
    ["1 page, no figures", { pages: 1, paragraphsPerPage: 2 }, {}],
    ["empty pages", { pages: 3, paragraphsPerPage: 0 }, {}],
    ["40 pages with figures", { pages: 40, paragraphsPerPage: 5, figureEvery: 2, sectionEvery: 10 }, {}],
    ["300 pages, 42 figures", { pages: 300, paragraphsPerPage: 6, figureEvery: 7, sectionEvery: 20 }, {}],
    ["900 pages", { pages: 900, paragraphsPerPage: 6, figureEvery: 7, sectionEvery: 20 }, {}],
    ["2000 pages, no sections", { pages: 2000, paragraphsPerPage: 5, figureEvery: 11 }, {}],
    [
      "small window, many figures",
      { pages: 120, paragraphsPerPage: 3, figureEvery: 1, figuresPerPage: 2, sectionEvery: 15 },
      { window: 40_000 },
    ],
    ["small window, cap 2", { pages: 60, paragraphsPerPage: 4, figureEvery: 1, sectionEvery: 6 }, { window: 30_000, maxImages: 2 }],
  ];
  for (const [name, doc, o] of cases) {
    it(name, () => {
      const plan = planOf(syntheticDoc(doc), opts(o));
      expect(plan.requests.length).toBeGreaterThan(0);
    });
  }

  it("keeps a document that fits in one request, and splits one just over into two maps", () => {
    const o = opts({ window: 50_000, reserve: 4096 });
    const limit = 50_000 - 4096;
    // find the largest page count whose single request fits (text only, so size grows with pages)
    const sizeOf = (pages: number) => syntheticDoc({ pages, paragraphsPerPage: 4, sectionEvery: 5 });
    let lo = 1;
    let hi = 200;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (planDocument(sizeOf(mid), o).mode === "single") lo = mid;
      else hi = mid - 1;
    }
    const under = planOf(sizeOf(lo), o);
    expect(under.mode).toBe("single");
    expect(under.requests[0]!.totalTokens).toBeGreaterThan(limit * 0.95);
    const over = planOf(sizeOf(lo + 1), o);
    expect(over.mode).toBe("map-reduce");
    expect(over.requests.filter((r) => r.kind === "map")).toHaveLength(2);
  });

  it("shrinks images before splitting, never below the floor", () => {
    // 30 big figures at 1540 px cost ~90k tokens; the window allows them only when smaller
    const doc = syntheticDoc({ pages: 30, paragraphsPerPage: 2, figureEvery: 1, figureSizes: [[1540, 1540]] });
    const o = opts({ window: 80_000, maxImages: 500 });
    const plan = planOf(doc, o);
    expect(plan.mode).toBe("single");
    expect(plan.imageMaxSide).toBeLessThan(1540);
    expect(plan.imageMaxSide).toBeGreaterThanOrEqual(768);
    for (const p of plan.requests[0]!.parts)
      if (p.type === "image") expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(plan.imageMaxSide);
    const tooMany = planOf(syntheticDoc({ pages: 160, paragraphsPerPage: 2, figureEvery: 1, figureSizes: [[1540, 1540]] }), o);
    expect(tooMany.mode).toBe("map-reduce");
    expect(tooMany.imageMaxSide).toBeGreaterThanOrEqual(768);
  });

  it("tiles small figures into labelled sheets so a document over the image cap stays one request", () => {
    const doc = syntheticDoc({
      pages: 20,
      paragraphsPerPage: 2,
      figureEvery: 1,
      figuresPerPage: 2,
      figureSizes: [
        [300, 200],
        [420, 300],
        [1200, 900],
      ],
    });
    const plan = planOf(doc, opts({ maxImages: 8 }));
    expect(plan.mode).toBe("single");
    const r = plan.requests[0]!;
    expect(r.figureIds).toHaveLength(40);
    expect(r.images).toBeLessThanOrEqual(8);
    const sheets = r.parts.filter((p) => p.type === "sheet");
    expect(sheets.length).toBeGreaterThan(0);
    for (const s of sheets) {
      if (s.type !== "sheet") continue;
      expect(Math.max(s.width, s.height)).toBeLessThanOrEqual(1540);
      for (const c of s.cells) {
        expect(c.x + c.width).toBeLessThanOrEqual(s.width);
        expect(c.y + c.height).toBeLessThanOrEqual(s.height);
        expect(c.y).toBeGreaterThanOrEqual(s.labelHeight);
        expect(requestText(r)).toContain(`Figure ${c.figureId} (page`);
      }
      expect(requestText(r)).toContain(`Sheet ${s.sheetId} tiles ${s.cells.length} figures`);
    }
  });

  it("splits a paragraph bigger than the window at sentence boundaries", () => {
    const doc = syntheticDoc({ pages: 3, paragraphsPerPage: 2, hugeParagraphSentences: 3000 });
    const plan = planOf(doc, opts({ window: 16_384, reserve: 2048 }));
    expect(plan.mode).toBe("map-reduce");
    const pieces = plan.requests.filter((r) => requestText(r).includes("."));
    expect(pieces.length).toBeGreaterThan(2);
  });

  it("builds a tree of reduces when the partials do not fit one window", () => {
    const doc = syntheticDoc({ pages: 120, paragraphsPerPage: 4, sectionEvery: 10 });
    const plan = planOf(doc, opts({ window: 24_000, reserve: 6000 }));
    const reduces = plan.requests.filter((r) => r.kind === "reduce");
    expect(reduces.length).toBeGreaterThan(1);
    expect(reduces.at(-1)!.pages).toEqual([1, 120]);
  });

  it("cuts at section starts when that keeps the fewest chunks", () => {
    const doc = syntheticDoc({ pages: 200, paragraphsPerPage: 4, sectionEvery: 5 });
    const plan = planOf(doc, opts({ window: 40_000 }));
    const maps = plan.requests.filter((r) => r.kind === "map");
    expect(maps.length).toBeGreaterThan(1);
    for (const m of maps.slice(1)) expect((m.pages[0] - 1) % 5).toBe(0);
  });

  it("is deterministic", () => {
    const make = () => syntheticDoc({ pages: 150, paragraphsPerPage: 5, figureEvery: 3, sectionEvery: 12, seed: 42 });
    const o = opts({ window: 64_000 });
    expect(planDocument(make(), o)).toEqual(planDocument(make(), o));
  });

  it("counts the user's prompt and the task in the system message", () => {
    const doc = syntheticDoc({ pages: 2, paragraphsPerPage: 1 });
    const base = planDocument(doc, opts());
    const prompted = planDocument(doc, { ...opts(), userPrompt: "Focus on safety warnings and torque values." });
    expect(prompted.requests[0]!.system).toContain("Focus on safety warnings");
    expect(prompted.requests[0]!.textTokens).toBeGreaterThan(base.requests[0]!.textTokens);
    const figures = planDocument(doc, { ...opts(), task: "figures" });
    expect(figures.requests[0]!.system).not.toBe(base.requests[0]!.system);
  });
});
