/**
 * Extraction of the "text-cases" fixture against the ground truth its generator recorded: text in
 * figures stays text, shaded bands are no figures, tables become Markdown tables, headings,
 * code listings, right-to-left lines, repeated content lines and icon-heavy pages.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateFixtures } from "../../../scripts/fixtures/build.js";
import type { TextCasesTruth } from "../../../scripts/fixtures/text-cases.js";
import { extract, renderDocumentMarkdown } from "../../../src/extract/index.js";
import type { DocumentModel, FigureBlock } from "../../../src/model/document.js";
import { textLossWarning } from "../../../src/extract/layout/text-kept.js";
import { composeText } from "../../../src/extract/layout/text-layer.js";
import type { PageLayout, TextLine } from "../../../src/extract/types.js";
import { buildUnits } from "../../../src/plan/units.js";
import { repoRoot } from "../../support/paths.js";

const pdf = join(repoRoot, "fixtures", "text-cases.pdf");
const truth = JSON.parse(readFileSync(join(repoRoot, "fixtures", "text-cases.truth.json"), "utf8")) as TextCasesTruth;
const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, " ").trim();

let doc: DocumentModel;
let md: string;
beforeAll(async () => {
  doc = (await extract(pdf, { render: false })).document;
  md = renderDocumentMarkdown(doc);
}, 60_000);

const figures = () =>
  doc.pages.flatMap((p) => p.blocks.filter((b): b is FigureBlock => b.type === "figure").map((b) => ({ ...b, page: p.number })));

describe("text-cases fixture", () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), "longdoc-text-cases-"));
    await generateFixtures(tmp);
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("regenerates byte-identical", () => {
    expect(readFileSync(join(tmp, "text-cases.pdf")).equals(readFileSync(pdf))).toBe(true);
    expect(readFileSync(join(tmp, "text-cases.truth.json"), "utf8")).toBe(
      readFileSync(join(repoRoot, "fixtures", "text-cases.truth.json"), "utf8"),
    );
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

  it("splits table columns set only a little more than a word space apart, and joins a wrapped cell", () => {
    const { page, caption, rows } = truth.narrowTable;
    const table = figures().find((b) => b.page === page && b.caption === caption);
    expect(table?.kind).toBe("table");
    const want = [
      `| ${rows[0].join(" | ")} |`,
      `|${rows[0].map(() => " --- ").join("|")}|`,
      ...rows.slice(1).map((r) => `| ${r.join(" | ")} |`),
    ].join("\n");
    expect(table!.text).toBe(want);
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

describe("text pdf.js returns is kept", () => {
  it("keeps a line repeated low on every page when it is part of the body", () => {
    const pages = doc.pages.filter((p) => p.blocks.some((b) => b.type !== "figure" && norm(b.text).includes(truth.repeatedLine)));
    expect(pages.map((p) => p.number)).toEqual([1, 2, 3]);
    // the real running footer is still removed
    expect(md).not.toContain("Riverton Waterworks 2");
  });

  it("reads a page whose text carries many private-use icon glyphs as text", () => {
    for (const n of truth.iconPages) {
      const page = doc.pages[n - 1];
      expect(page.textLayer).toBe(true);
      expect(page.blocks.some((b) => b.type === "figure" && b.kind === "page-scan")).toBe(false);
      expect(norm(page.blocks.map((b) => (b.type === "figure" ? "" : b.text)).join(" "))).toContain("Every tool on the list is signed out");
    }
    expect(doc.warnings.join("\n")).not.toMatch(/sent as page images/);
  });

  it("warns when a page keeps much less text than pdf.js returned", () => {
    const line = (text: string, y: number): TextLine => ({ text, bbox: [50, y, 500, y + 10], fontSize: 10, bold: false, fontName: "F" });
    const lines = Array.from({ length: 10 }, (_, i) => line(`A line of running text number ${i} with some more words in it`, 100 + i * 12));
    const layout: PageLayout = { number: 4, width: 600, height: 800, lines, textLayer: true };
    const kept = lines.slice(0, 3).map((l) => ({ type: "paragraph" as const, text: l.text }));
    expect(textLossWarning(layout, kept, new Set())).toMatch(/^page 4: extraction kept \d+ of the \d+ characters/);
    expect(
      textLossWarning(
        layout,
        lines.map((l) => ({ type: "paragraph" as const, text: l.text })),
        new Set(),
      ),
    ).toBeUndefined();
    // running heads are accounted for
    expect(textLossWarning(layout, kept, new Set([3, 4, 5, 6, 7, 8, 9]))).toBeUndefined();
  });
});

describe("right-to-left text", () => {
  it("puts mixed Arabic/Latin lines in logical order and reads the right column first", () => {
    const page = doc.pages.find((p) => p.blocks.some((b) => b.type !== "figure" && /[\u0600-\u06ff]/u.test(b.text)))!;
    const texts = page.blocks
      .filter((b) => b.type !== "figure")
      .map((b) => norm(b.text))
      .filter((t) => /[\u0600-\u06ff]/u.test(t));
    expect(texts).toEqual(truth.rtlLines.map(norm));
  });

  it("never glues words across a script boundary", () => {
    expect(md).not.toMatch(/[\u0600-\u06ff][A-Za-z0-9]|[A-Za-z0-9][\u0600-\u06ff]/u);
  });
});

describe("headings", () => {
  const headings = () =>
    doc.pages.flatMap((p) =>
      p.blocks.filter((b) => b.type === "heading").map((b) => ({ ...(b as { text: string; level: number }), page: p.number })),
    );

  it("finds numbered, bold body-size and large headings with recall and precision of at least 0.85", () => {
    const got = headings();
    const hit = truth.headings.filter((t) => got.some((g) => g.page === t.page && norm(g.text) === norm(t.text)));
    const right = got.filter((g) => truth.headings.some((t) => g.page === t.page && norm(g.text) === norm(t.text)));
    expect(hit.length / truth.headings.length).toBeGreaterThanOrEqual(0.85);
    expect(right.length / got.length).toBeGreaterThanOrEqual(0.85);
    // the body-size numbered title stands alone, not glued to its paragraph
    expect(got.map((g) => g.text)).toContain("1.1 Scope");
  });

  it("sets levels from size, then numbering", () => {
    const level = (t: string) => headings().find((g) => g.text === t)!.level;
    expect(level("Valve Maintenance Notes")).toBe(1);
    expect(level("1. Introduction")).toBe(2);
    expect(level("1.1 Scope")).toBeGreaterThan(level("1. Introduction"));
  });

  it("never makes a heading of a bold word inside a sentence", () => {
    const sentence = truth.paragraphs.find((p) => p.startsWith("Close the valve"))!;
    const blocks = doc.pages[0].blocks.filter((b) => b.type !== "figure");
    expect(blocks.some((b) => b.type === "paragraph" && norm(b.text) === norm(sentence))).toBe(true);
    expect(headings().some((h) => /before/.test(h.text))).toBe(false);
  });
});

describe("code listings and composed characters", () => {
  it("keeps a code listing's line breaks and indentation, in place between its paragraphs", () => {
    const fence = "```\n" + truth.code.join("\n") + "\n```";
    expect(md).toContain(fence);
    const at = md.indexOf(fence);
    expect(md.lastIndexOf("The pressure logger runs the following check", at)).toBeGreaterThan(-1);
    expect(md.indexOf("The check returns vent", at)).toBeGreaterThan(at);
  });

  it("sets a listing and its caption after the sentence they interrupt at a column break", () => {
    const { page, paragraph, code, caption } = truth.interrupted;
    const blocks = doc.pages[page - 1].blocks.filter((b) => b.type !== "figure").map((b) => norm(b.text));
    const whole = blocks.indexOf(norm(paragraph));
    expect(whole, "the sentence is one paragraph").toBeGreaterThan(-1);
    const listing = blocks.findIndex((t) => t.includes(norm(code[0])));
    const cap = blocks.indexOf(norm(caption));
    expect([whole < listing, listing < cap]).toEqual([true, true]);
    expect(md).toContain("```\n" + code.join("\n") + "\n```");
  });

  it("composes spacing accents drawn as their own glyphs", () => {
    expect(composeText("na\u00a8\u0131ve")).toBe("naïve");
    expect(composeText("caf\u00b4e")).toBe("café");
    expect(composeText("Schro\u00a8dinger")).toBe("Schrödinger");
    expect(composeText("e\u0301t\u00e9")).toBe("été");
    expect(composeText("a ¨ alone")).toBe("a ¨ alone");
  });
});
