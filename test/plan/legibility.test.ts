import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planDocument, type PlanOptions } from "../../src/plan/index.js";
import { resolveProfile, type ModelProfile } from "../../src/budget/profiles.js";
import type { DocumentModel } from "../../src/model/document.js";
import { chooseTiling, fitsImageCap, emptyGridCounts, type SizedFigure } from "../../src/plan/sheets.js";
import { testOutDir } from "../support/paths.js";
import { rng, syntheticDoc } from "./synthetic.js";
import { checkPlanInvariants } from "./invariants.js";

process.env.LONGDOC_PROFILES = join(testOutDir("plan-legibility"), "absent.json");

function opts(over: { window?: number; maxImages?: number; legibleTextPx?: number } = {}): PlanOptions {
  const base = resolveProfile({ contextWindow: over.window, maxImages: over.maxImages });
  const profile: ModelProfile = over.legibleTextPx ? { ...base, image: { ...base.image, legibleTextPx: over.legibleTextPx } } : base;
  return { task: "summarize", profile, provider: "mistral", outputReserve: 8192 };
}

function planOf(doc: DocumentModel, o: PlanOptions) {
  const plan = planDocument(doc, o);
  checkPlanInvariants(doc, plan, o.profile);
  return plan;
}

const maps = (plan: ReturnType<typeof planDocument>) => plan.requests.filter((r) => r.kind !== "reduce");

describe("the legibility floor in planning", () => {
  it("sends 23 page scans whole, one image each, in the fewest requests the image cap allows", () => {
    // TAMReview's shape: A4 pages rendered at 1089×1540, text assumed at body size (~1010 px floor)
    const doc = syntheticDoc({
      pages: 23,
      paragraphsPerPage: 1,
      figureEvery: 1,
      figureSizes: [[1089, 1540]],
      figureKind: "page-scan",
      minTextPx: 1011,
    });
    const plan = planOf(doc, opts({ maxImages: 8 }));
    const content = maps(plan);
    expect(content).toHaveLength(3);
    for (const r of content) {
      expect(r.parts.some((p) => p.type === "sheet")).toBe(false);
      expect(r.tiles).toBe(0);
      for (const p of r.parts) if (p.type === "image") expect(Math.max(p.width, p.height)).toBeGreaterThanOrEqual(1200);
      expect(r.smallestTextPx).toBeGreaterThanOrEqual(12);
    }
    // pages stay in reading order across the requests
    expect(content.map((r) => r.pages[0])).toEqual([...content.map((r) => r.pages[0])].sort((a, b) => a - b));
  });

  it("never tiles a page scan, even one without measured text", () => {
    const doc = syntheticDoc({ pages: 12, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[600, 800]], figureKind: "page-scan" });
    const plan = planOf(doc, opts({ maxImages: 8 }));
    expect(maps(plan)).toHaveLength(2);
    for (const r of maps(plan)) expect(r.tiles).toBe(0);
  });

  it("still tiles photos without text while text-dense figures go alone", () => {
    const photos = syntheticDoc({ pages: 24, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[400, 300]] });
    const dense = syntheticDoc({ pages: 4, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[1540, 1100]], minTextPx: 1400, seed: 3 });
    // the dense figures on pages 25-28 after the photos
    const doc: DocumentModel = {
      ...photos,
      pages: [
        ...photos.pages,
        ...dense.pages.map((p) => ({
          ...p,
          number: p.number + 24,
          blocks: p.blocks.map((b) =>
            b.type === "figure" ? { ...b, id: `p${p.number + 24}-f1` } : { ...b, text: b.text.replace("[[b ", "[[b d") },
          ),
        })),
      ],
      source: { ...photos.source, pages: 28 },
    };
    const plan = planOf(doc, opts({ maxImages: 8 }));
    expect(plan.mode).toBe("single");
    const r = plan.requests[0]!;
    // 4 alone + 23 photos in 3×3 sheets + 1 photo alone = 8 images
    expect(r.tiles).toBe(23);
    const alone = r.parts.filter((p) => p.type === "image").map((p) => (p.type === "image" ? p.figureId : ""));
    expect(alone).toEqual(expect.arrayContaining(["p25-f1", "p26-f1", "p27-f1", "p28-f1"]));
    expect(r.smallestTextPx).toBeGreaterThanOrEqual(12);
  });

  it("tiles figures with small labels only into grids whose cells keep them legible", () => {
    // a 2×2 cell (≈742 px) holds a 600 px floor; a 3×3 cell (≈485 px) would not
    const doc = syntheticDoc({ pages: 30, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[900, 700]], minTextPx: 600 });
    const plan = planOf(doc, opts({ maxImages: 8 }));
    expect(plan.mode).toBe("single");
    const sheets = plan.requests[0]!.parts.filter((p) => p.type === "sheet");
    expect(sheets.length).toBeGreaterThan(0);
    for (const s of sheets) if (s.type === "sheet") expect(s.cells.length).toBeLessThanOrEqual(4);
    // without the floor the same figures share 3×3 or 4×4 sheets
    const loose = planOf(
      syntheticDoc({ pages: 30, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[900, 700]] }),
      opts({ maxImages: 4 }),
    );
    expect(loose.requests[0]!.parts.some((p) => p.type === "sheet" && p.cells.length > 4)).toBe(true);
  });

  it("does not shrink a figure below its floor when the window forces smaller images", () => {
    const doc = syntheticDoc({ pages: 40, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[1540, 1540]], minTextPx: 1300 });
    const plan = planOf(doc, opts({ window: 100_000, maxImages: 500 }));
    for (const r of maps(plan))
      for (const p of r.parts) if (p.type === "image") expect(Math.max(p.width, p.height)).toBeGreaterThanOrEqual(1300);
    // figures without text may shrink to fit the same window in fewer requests
    const photos = planOf(
      syntheticDoc({ pages: 40, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[1540, 1540]] }),
      opts({ window: 100_000, maxImages: 500 }),
    );
    expect(maps(photos).length).toBeLessThan(maps(plan).length);
  });

  it("takes the legible text height from the profile", () => {
    const doc = syntheticDoc({ pages: 30, paragraphsPerPage: 1, figureEvery: 1, figureSizes: [[900, 700]], minTextPx: 300 });
    const at12 = planOf(doc, opts({ maxImages: 8 }));
    expect(maps(at12)).toHaveLength(1);
    // at 36 px the floor is 900 px: no sheet cell holds it, so 30 figures need 4 requests of ≤ 8
    const at36 = planOf(doc, opts({ maxImages: 8, legibleTextPx: 36 }));
    expect(maps(at36)).toHaveLength(4);
    for (const r of maps(at36)) expect(r.tiles).toBe(0);
  });

  it("fitsImageCap agrees with chooseTiling", () => {
    const r = rng(11);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(r() * 40);
      const cap = 1 + Math.floor(r() * 10);
      const figures: SizedFigure[] = Array.from({ length: n }, (_, i) => ({
        id: `f${i}`,
        width: 100 + Math.floor(r() * 1400),
        height: 100 + Math.floor(r() * 1400),
        maxGrid: [0, 2, 3, 4][Math.floor(r() * 4)]!,
      }));
      const counts = emptyGridCounts();
      for (const f of figures) counts[f.maxGrid!]! += 1;
      const tiling = chooseTiling(figures, cap);
      expect(fitsImageCap(counts, cap), `n=${n} cap=${cap}`).toBe(tiling !== undefined);
      if (tiling) {
        const byId = new Map(figures.map((f) => [f.id, f]));
        for (const g of tiling.groups) for (const id of g) expect(byId.get(id)!.maxGrid).toBeGreaterThanOrEqual(tiling.grid);
      }
    }
  });
});
