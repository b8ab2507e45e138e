/** Figure cards are headed by the caption a reader knows, never "Figure p2-f1" above "Figure 2.", and show no empty rows. */
import { describe, expect, it } from "vitest";
import { renderReportHtml } from "../../src/report/html.js";
import { buildOfflineSummary } from "../../src/pipeline/offline.js";
import { sampleDocument } from "../pipeline/doc-fixture.js";
import { scanTags, textOf } from "./scan.js";

describe("report figure cards", () => {
  const document = sampleDocument();
  const summary = buildOfflineSummary(document);
  const html = renderReportHtml(summary, document);
  const cards = html.split('<article class="figure"').slice(1);

  it("a captioned figure is headed by its caption, once, with the id as a small reference", () => {
    const h3s = scanTags(html)
      .filter((t) => t.name === "h3")
      .map((t) => textOf(html, t.at));
    expect(h3s).toContain("Figure 1: Cross-section of the pump seal");
    expect(h3s.some((h) => /Figure p\d+-f\d+/.test(h))).toBe(false);
    const card = cards.find((c) => c.includes("Cross-section of the pump seal"))!;
    expect(card).not.toContain("<dt>Caption</dt>"); // the heading says it; no row repeats it
    expect(card).toContain("<code>p2-f1</code>");
  });

  it("an uncaptioned figure has no 'Caption none' row and says where it is", () => {
    const uncaptioned = document.pages.flatMap((p) => p.blocks.filter((b) => b.type === "figure" && !b.caption));
    expect(uncaptioned.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/<dt>Caption<\/dt><dd><span class="muted">none/);
    expect(html).toMatch(/<h3 id="[^"]+">Figure on page \d+<\/h3>/);
    // offline: the empty description says why
    expect(html).toContain("the offline engine does not look at images");
  });
});
