import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderIndexHtml, SORT_SCRIPT } from "../../src/report/index-html.js";
import { safeReportHref } from "../../src/report/escape.js";
import { hostileIndex, PAYLOADS } from "./hostile.js";
import { scanTags } from "./scan.js";

describe("renderIndexHtml", () => {
  const index = hostileIndex();
  const html = renderIndexHtml(index);
  const tags = scanTags(html);

  it("escapes names, errors and timestamps and has exactly one script, ours", () => {
    for (const p of PAYLOADS) expect(html).not.toContain(p);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script>${SORT_SCRIPT}</script>`);
    for (const t of tags) for (const a of t.attrs.keys()) expect(a.startsWith("on"), a).toBe(false);
    expect(html.replace(/<wbr>/g, "")).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;.pdf");
  });

  it("allows that script by its hash and nothing else", () => {
    const csp = tags.find((t) => t.attrs.get("http-equiv") === "Content-Security-Policy")!.attrs.get("content")!;
    const hash = createHash("sha256").update(SORT_SCRIPT).digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).not.toContain("unsafe");
  });

  it("links only done documents, to <folder>/report.html below OUT", () => {
    const links = tags
      .filter((t) => t.name === "a")
      .map((t) => t.attrs.get("href")!)
      .filter((h) => h !== "#main");
    expect(links).toContain("good-doc/report.html");
    for (const l of links) {
      expect(l).toMatch(/\/report\.html$/);
      expect(l).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(l.startsWith("/")).toBe(false);
      expect(l.split("/")).not.toContain("..");
    }
    expect(links).not.toContain("failed/report.html");
    expect(safeReportHref("../outside")).toBeUndefined();
    expect(safeReportHref("/etc")).toBeUndefined();
    expect(safeReportHref("C:\\x")).toBeUndefined();
    expect(safeReportHref("a/b c")).toBe("a/b%20c/report.html");
  });

  it("has sortable headers with types and a sort value in every cell", () => {
    const ths = tags.filter((t) => t.name === "th" && t.attrs.get("scope") === "col");
    expect(ths.map((t) => t.attrs.get("data-sort"))).toEqual([
      "text",
      "text",
      "number",
      "number",
      "number",
      "number",
      "number",
      "number",
      "text",
    ]);
    const rows = tags.filter((t) => t.name === "tr" && t.attrs.has("data-order"));
    expect(rows).toHaveLength(index.documents.length);
    const numericCells = tags.filter((t) => t.name === "td" && t.attrs.get("class")?.includes("num"));
    expect(numericCells).toHaveLength(index.documents.length * 6);
    for (const c of numericCells) expect(Number.isFinite(Number(c.attrs.get("data-value")))).toBe(true);
    // the script adds buttons and aria-sort; the markup itself has no dead buttons
    expect(html).not.toMatch(/<button/);
    expect(SORT_SCRIPT).toContain('setAttribute("aria-sort"');
  });
});
