/** summary.md makes model text inert for viewers that render raw HTML, as report.html does. */
import { describe, expect, it } from "vitest";
import { renderSummaryMarkdown } from "../../src/report/summary-markdown.js";
import { finalizeSummary } from "../../src/pipeline/finalize.js";
import { sampleDocument } from "../pipeline/doc-fixture.js";

describe("summary.md escapes raw HTML from the model", () => {
  const s = finalizeSummary({
    document: sampleDocument(),
    answer: {
      title: "<img src=x onerror=alert(1)> Pumps",
      summary: "Safe text <script>alert(1)</script> and &lt; an entity.",
      keyPoints: [{ text: "Point <b>bold</b>", pages: [1] }],
      sections: [{ title: "<h1>Bearings</h1>", pages: [3, 4], summary: "<iframe src=//x></iframe>" }],
      figures: [{ id: "p2-f1", description: "A seal <a href=javascript:x>link</a>" }],
    },
    sentFigureIds: new Set(["p2-f1"]),
    engine: { provider: "mistral", model: "m", mode: "single", requests: 1 },
    usage: { inputTokens: 1, outputTokens: 1, costUSD: 0 },
    warnings: ["<marquee>warn</marquee>"],
  });
  const md = renderSummaryMarkdown(s);

  it("leaves no tag opener from the model's text", () => {
    for (const tag of ["<img", "<script", "<b>", "<h1>", "<iframe", "<a ", "<marquee"]) expect(md, tag).not.toContain(tag);
    expect(md).toContain("&lt;script>alert(1)&lt;/script>");
    // an entity the model wrote shows as written, not as the character it stands for
    expect(md).toContain("&amp;lt; an entity");
    // our own image links stay Markdown
    expect(md).toContain("![p2-f1](figures/p2-f1.png)");
  });
});
