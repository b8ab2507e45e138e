/** The planner over real extractions: the project's fixtures and (when present) the corpus. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extract } from "../../src/extract/index.js";
import { planDocument } from "../../src/plan/index.js";
import { planToJson } from "../../src/plan/json.js";
import { resolveProfile } from "../../src/budget/profiles.js";
import { figureBlocks } from "../../src/model/document.js";
import { figureContent } from "../../src/plan/figure-content.js";
import { corpusFile, hasCorpus, repoRoot, testOutDir } from "../support/paths.js";
import { runCli } from "../support/cli.js";
import { checkPlanInvariants } from "./invariants.js";

process.env.LONGDOC_PROFILES = join(testOutDir("plan-documents"), "absent.json");
const profile = resolveProfile({});
const options = { task: "summarize" as const, profile, provider: "mistral", outputReserve: 8192 };

const fixtureDir = join(repoRoot, "fixtures");
const fixtures = [
  ...readdirSync(fixtureDir)
    .filter((f) => f.endsWith(".pdf"))
    .map((f) => join(fixtureDir, f)),
  ...readdirSync(join(fixtureDir, "sample"))
    .filter((f) => f.endsWith(".pdf"))
    .map((f) => join(fixtureDir, "sample", f)),
];

describe("planning the project's fixtures", () => {
  for (const file of fixtures) {
    it(file.slice(repoRoot.length + 1), async () => {
      const { document } = await extract(file, { render: false });
      const plan = planDocument(document, options);
      checkPlanInvariants(document, plan, profile);
      // small documents fit, so they are never split; with a tiny window they are, still correctly
      expect(plan.mode).toBe("single");
      const tiny = resolveProfile({ contextWindow: 6000, maxImages: 2 });
      const split = planDocument(document, { ...options, profile: tiny, outputReserve: 1024 });
      checkPlanInvariants(document, split, tiny);
    });
  }
});

describe("planning a scanned document (fixtures/scanned-pages.pdf)", () => {
  it("sends every page as its own image, never tiled, splitting when the image cap is lower than the pages", async () => {
    const { document } = await extract(join(fixtureDir, "scanned-pages.pdf"), { render: false });
    const scans = figureBlocks(document);
    expect(scans.map((f) => f.kind)).toEqual(new Array(6).fill("page-scan"));
    for (const cap of [8, 4, 2]) {
      const capped = resolveProfile({ maxImages: cap });
      const plan = planDocument(document, { ...options, profile: capped });
      checkPlanInvariants(document, plan, capped);
      const content = plan.requests.filter((r) => r.kind !== "reduce");
      expect(content, `cap ${cap}`).toHaveLength(Math.ceil(6 / cap));
      for (const r of content) {
        expect(r.parts.some((p) => p.type === "sheet")).toBe(false);
        // sent as extracted: never shrunk, since the scan is already below its legibility floor
        for (const p of r.parts) if (p.type === "image") expect([p.width, p.height]).toEqual([scans[0]!.width, scans[0]!.height]);
      }
    }
  });
});

describe.skipIf(!hasCorpus)("planning the real corpus", () => {
  it("tracemonkey.pdf is one request with all its figures", async () => {
    const { document } = await extract(corpusFile("real/tracemonkey.pdf"), { render: false });
    const plan = planDocument(document, options);
    checkPlanInvariants(document, plan, profile);
    expect(plan.mode).toBe("single");
    expect(plan.requests).toHaveLength(1);
    expect(plan.requests[0]!.figureIds).toEqual(
      figureBlocks(document)
        .filter((f) => figureContent(f) !== "text")
        .map((f) => f.id),
    );
    expect(figureBlocks(document).length).toBeGreaterThan(0);
  });

  it("TAMReview.pdf sends each page scan alone at 1200 px or more on its long side", async () => {
    // its text layer is broken from page 2 on: the page images are the text
    const { document } = await extract(corpusFile("real/TAMReview.pdf"), { render: false });
    const scans = figureBlocks(document).filter((f) => f.kind === "page-scan");
    expect(scans.length).toBeGreaterThanOrEqual(20);
    for (const f of scans) expect(f.minTextPx).toBeGreaterThan(0);
    const plan = planDocument(document, options);
    checkPlanInvariants(document, plan, profile);
    const sent = new Map<string, number>();
    for (const r of plan.requests) {
      for (const p of r.parts) {
        if (p.type === "image") sent.set(p.figureId, Math.max(p.width, p.height));
        if (p.type === "sheet") for (const c of p.cells) expect(scans.some((s) => s.id === c.figureId)).toBe(false);
      }
    }
    for (const f of scans) expect(sent.get(f.id), f.id).toBeGreaterThanOrEqual(1200);
    // 8 images per request: the fewest requests that hold every scan as its own image
    expect(plan.requests.filter((r) => r.kind === "map")).toHaveLength(Math.ceil(figureBlocks(document).length / 8));
  });

  it("DA-619p.pdf needs more than one request", async () => {
    const { document } = await extract(corpusFile("real/DA-619p.pdf"), { render: false });
    const plan = planDocument(document, options);
    checkPlanInvariants(document, plan, profile);
    expect(plan.mode).toBe("map-reduce");
    expect(plan.requests.filter((r) => r.kind === "map").length).toBeGreaterThan(1);
    expect(planDocument(document, options)).toEqual(plan);
    // its long outline (1,372 entries, resolved all at once) points at the pages that carry the titles
    const norm = (t: string) => t.toLowerCase().replace(/\s+/g, " ").trim();
    const pageText = new Map(document.pages.map((p) => [p.number, norm(p.blocks.map((b) => ("text" in b ? b.text : "")).join(" "))]));
    expect(document.outline.length).toBeGreaterThan(1000);
    expect(document.outline[0]).toEqual({ title: "Codex DAO", page: 1, level: 1 });
    const found = document.outline.filter((o) => pageText.get(o.page)?.includes(norm(o.title))).length;
    expect(found / document.outline.length).toBeGreaterThan(0.95);
    for (let i = 1; i < document.outline.length; i++)
      expect(document.outline[i]!.page).toBeGreaterThanOrEqual(document.outline[i - 1]!.page);
  });

  it("longdoc plan prints the table and plan.json", async () => {
    const file = corpusFile("real/tracemonkey.pdf");
    const table = await runCli(["plan", file]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/r1\s+single\s+1-14/);
    expect(table.stdout).toMatch(/mistral\s+\$0\.\d{4}/);
    const json = await runCli(["plan", file, "--json", "--max-images", "4", "--max-output-tokens", "4000"]);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({ model: "mistral-small-2603", window: 262_144, outputReserve: 4000, mode: "single", maxImages: 4 });
    expect(plan.requests[0].images).toBeLessThanOrEqual(4);
    expect(plan.requests[0].parts).toBeUndefined();
    expect(plan).toEqual(JSON.parse(JSON.stringify(plan)));
    void planToJson;
    const bad = await runCli(["plan", join(repoRoot, "package.json")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});
