import { beforeAll, describe, expect, it } from "vitest";
import { extract } from "../../../src/extract/index.js";
import type { DocumentModel } from "../../../src/model/document.js";
import { corpusFile, hasCorpus } from "../../support/paths.js";

const paragraphs = (doc: DocumentModel, page?: number) =>
  doc.pages
    .filter((p) => page === undefined || p.number === page)
    .flatMap((p) => p.blocks.flatMap((b) => (b.type === "paragraph" ? [b.text] : [])));
const headings = (doc: DocumentModel) => doc.pages.flatMap((p) => p.blocks.flatMap((b) => (b.type === "heading" ? [b] : [])));
const allText = (doc: DocumentModel, page?: number) =>
  doc.pages
    .filter((p) => page === undefined || p.number === page)
    .flatMap((p) => p.blocks.map((b) => (b.type === "figure" ? `[${b.id}]` : b.text)))
    .join("\n");

describe.skipIf(!hasCorpus)("text extraction on the corpus", () => {
  let tracemonkey: DocumentModel;
  let multiColumn: DocumentModel;
  beforeAll(async () => {
    [tracemonkey, multiColumn] = await Promise.all([
      extract(corpusFile("real/tracemonkey.pdf"), { pages: "1-3", render: false }).then((e) => e.document),
      extract(corpusFile("real/multi-column.pdf"), { pages: "1-2", render: false }).then((e) => e.document),
    ]);
  });

  it("reads tracemonkey page 1 column by column, left column first", () => {
    const text = allText(tracemonkey, 1);
    const abstractStart = text.indexOf("Dynamic languages such as JavaScript are more difficult to compile");
    const leftBottom = text.indexOf("JavaScript, for example, is the de facto standard");
    const rightTop = text.indexOf("and is used for the application logic of browser-based");
    expect(abstractStart).toBeGreaterThanOrEqual(0);
    expect(leftBottom).toBeGreaterThan(abstractStart);
    expect(rightTop).toBeGreaterThan(leftBottom);
    // a whole sentence of the left column survives as one run of text (not interleaved line by line)
    expect(text).toContain(
      "Since no concrete type information is available, traditional compilers need to emit generic code that can handle all possible type combinations at runtime.",
    );
  });

  it("rejoins words split by end-of-line hyphens", () => {
    const text = paragraphs(tracemonkey, 1).join("\n");
    // "loop coun-" / "ters that start as integers"
    expect(text).toContain("we would expect loop counters that start as integers");
    expect(text).not.toContain("coun- ters");
  });

  it("keeps a bullet list's items apart and each item whole", () => {
    const paras = paragraphs(tracemonkey, 2);
    const item = paras.find((p) => p.startsWith("• We explain an algorithm for dynamically forming trace trees"));
    expect(item).toBeDefined();
    expect(item).toContain("cover a program, representing nested loops as nested trace trees.");
  });

  it("finishes the sentence that crosses p. 2's column break before the listing and figures set above its second half", () => {
    const blocks = tracemonkey.pages[1].blocks;
    const sentence = blocks.findIndex(
      (b) => b.type === "paragraph" && b.text.includes("we evaluate our dynamic compiler based on a set of industry benchmarks."),
    );
    const listing = blocks.findIndex(
      (b) => b.type === "paragraph" && b.text.includes("\n") && b.text.includes("for (var i = 2; i < 100; ++i)"),
    );
    expect(sentence).toBeGreaterThan(-1);
    expect(listing).toBeGreaterThan(sentence);
  });

  it("detects headings from font size and weight", () => {
    const hs = headings(tracemonkey);
    const title = hs.find((h) => h.text.startsWith("Trace-based Just-in-Time Type Specialization"));
    const intro = hs.find((h) => /^1\.? ?Introduction$/.test(h.text));
    expect(title?.level).toBe(1);
    expect(intro).toBeDefined();
    expect(intro!.level).toBeGreaterThan(title!.level);
    expect(hs.some((h) => h.text === "Abstract")).toBe(true);
    // an uncaptured code listing caption stays text
    expect(hs.some((h) => h.text.startsWith("Figure 1."))).toBe(false);
  });

  it("reads multi-column.pdf left column before right and keeps the abstract whole", () => {
    const text = allText(multiColumn, 1);
    const abstract = paragraphs(multiColumn, 1).find((p) =>
      p.startsWith("Open-domain question answering relies on efficient passage retrieval"),
    );
    expect(abstract).toContain("by a simple dual");
    expect(abstract).toContain("benchmarks.");
    const introLeft = text.indexOf("Open-domain question answering (QA) (Voorhees, 1999) is a task");
    const right = text.indexOf("Retrieval in open-domain QA is usually implemented using TF-IDF");
    expect(introLeft).toBeGreaterThan(text.indexOf(abstract!));
    expect(right).toBeGreaterThan(introLeft);
  });
});

describe.skipIf(!hasCorpus)("running heads, non-Latin text and broken text layers", () => {
  it("drops a running header repeated across pages of redp5110_sampled.pdf", async () => {
    const { document } = await extract(corpusFile("real/redp5110_sampled.pdf"), { render: false });
    const header = "Row and Column Access Control Support in IBM DB2 for i";
    const inParagraphs = paragraphs(document).filter((p) => p.includes(header));
    expect(inParagraphs).toEqual([]);
    // and the page numbers in the footer band (arabic and roman) are gone too; one large chapter
    // number set mid-page is text
    expect(paragraphs(document).filter((p) => /^(\d{1,3}|[ivxl]+)$/.test(p)).length).toBeLessThanOrEqual(1);
  });

  it("keeps Korean text in normal_4pages.pdf", async () => {
    const { document } = await extract(corpusFile("real/normal_4pages.pdf"), { render: false });
    const text = allText(document);
    expect(text).toContain("세계보건기구(WHO)");
    expect(text).toContain("코로나");
    expect(document.pages.every((p) => p.textLayer)).toBe(true);
    expect(text).not.toMatch(/[\u0000-\u0008\u000e-\u001f]/);
  });

  it("flags TAMReview pages 2+ as having no text layer and emits no garbage for them", async () => {
    const { document } = await extract(corpusFile("real/TAMReview.pdf"), { pages: "1-4", render: false });
    expect(document.pages[0].textLayer).toBe(true);
    expect(paragraphs(document, 1).join(" ").length).toBeGreaterThan(200);
    for (const page of document.pages.slice(1)) {
      expect(page.textLayer).toBe(false);
      expect(page.blocks.filter((b) => b.type !== "figure")).toEqual([]);
    }
    expect(document.warnings.join("\n")).toMatch(/no usable text layer on pages 2–4/);
  });
});
