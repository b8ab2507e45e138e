/**
 * Extraction of the "text-cases" fixture against the ground truth its generator recorded: text in
 * figures stays text, shaded bands are no figures, tables become Markdown tables, headings,
 * code listings, right-to-left lines, repeated content lines and icon-heavy pages.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFixtures } from "../../scripts/fixtures/build.js";
import type { TextCasesTruth } from "../../scripts/fixtures/text-cases.js";
import { extract, renderDocumentMarkdown } from "../../src/extract/index.js";
import type { DocumentModel, FigureBlock } from "../../src/model/document.js";
import { buildUnits } from "../../src/plan/units.js";
import { repoRoot } from "../support/paths.js";

const pdf = join(repoRoot, "fixtures", "text-cases.pdf");
const truth = JSON.parse(readFileSync(join(repoRoot, "fixtures", "text-cases.truth.json"), "utf8")) as TextCasesTruth;
const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, " ").trim();

let doc: DocumentModel;
let md: string;
beforeAll(async () => {
  doc = (await extract(pdf, { render: false })).document;
  md = renderDocumentMarkdown(doc);
}, 60_000);

const figures = () => doc.pages.flatMap((p) => p.blocks.filter((b): b is FigureBlock => b.type === "figure").map((b) => ({ ...b, page: p.number })));

describe("text-cases fixture", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "longdoc-text-cases-"));
    await generateFixtures(tmp);
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("regenerates byte-identical", () => {
    expect(readFileSync(join(tmp, "text-cases.pdf")).equals(readFileSync(pdf))).toBe(true);
    expect(readFileSync(join(tmp, "text-cases.truth.json"), "utf8")).toBe(readFileSync(join(repoRoot, "fixtures", "text-cases.truth.json"), "utf8"));
  });
});

describe("text inside figures", () => {
  it("keeps every label of a figure in its text field and in document.md", () => {
    for (const f of truth.figures) {
      const found = figures().find((b) => b.page === f.page && b.caption && norm(b.caption) === norm(f.caption ?? ""));
      expect(found, `figure "${f.caption}"`).toBeDefined();
      for (const label of f.innerText) {
        expect(norm(found!.text ?? ""), `label "${label}" in ${found!.id}`).toContain(norm(label));
        expect(md).toContain(label);
      }
    }
  });

  it("writes a ruled table as a Markdown table with its cells", () => {
    const table = figures().find((b) => b.kind === "table");
    expect(table, "a figure of kind table").toBeDefined();
    for (const row of truth.tableRows) expect(md).toContain(`| ${row.join(" | ")} |`);
  });

  it("reads a title on a shaded band and a note on a tinted panel as text, not figures", () => {
    expect(figures().filter((f) => f.page === 1)).toEqual([]);
    const page1 = doc.pages[0].blocks;
    expect(page1.some((b) => b.type === "heading" && b.text === truth.headings[0].text)).toBe(true);
    const paragraphs = page1.filter((b) => b.type === "paragraph").map((b) => norm(b.text));
    const onBands = truth.paragraphs.filter((p) => p.startsWith("Issue 7") || p.startsWith("Safety note"));
    expect(onBands).toHaveLength(2);
    for (const p of onBands) expect(paragraphs, p).toContain(norm(p));
  });

  it("sends a recovered table as text and a labelled picture as image and text", () => {
    const units = buildUnits(doc, { profile: { safetyFactor: 1.1 } });
    const table = figures().find((b) => b.kind === "table")!;
    const cycle = figures().find((b) => b.kind !== "table" && b.page === 2)!;
    const tableUnits = units.filter((u) => u.text.includes(table.id));
    expect(tableUnits.some((u) => u.figure)).toBe(false);
    expect(tableUnits.map((u) => u.text).join("")).toContain("| M10 | 45 | coarse |");
    expect(units.some((u) => u.figure?.id === cycle.id)).toBe(true);
    expect(units.some((u) => u.text.includes("Text in the figure:") && u.text.includes("Isolate"))).toBe(true);
  });
});
