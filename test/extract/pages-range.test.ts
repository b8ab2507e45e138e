/** --pages past the end is read up to the last page and said once, clearly; a start past the end is an error. */
import { describe, expect, it } from "vitest";
import { extract } from "../../src/extract/index.js";
import { pageRangeOverflow, parsePageRange } from "../../src/extract/pages-range.js";
import { samplePdf } from "../e2e/helpers.js";

describe("page ranges", () => {
  it("a range past the end gives one message naming what is read", () => {
    expect(parsePageRange("2-999", 14)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(pageRangeOverflow("2-999", 14)).toBe("--pages 2-999 goes past the last page: the document has 14 pages, so pages 2-14 are read");
    expect(pageRangeOverflow("1,3-40", 5)).toMatch(/pages 1, 3-5 are read$/);
    expect(pageRangeOverflow("2-14", 14)).toBeUndefined();
    expect(pageRangeOverflow("7-", 14)).toBeUndefined();
    expect(pageRangeOverflow(undefined, 14)).toBeUndefined();
    expect(() => parsePageRange("30-40", 14)).toThrow(/outside the document/);
  });

  it("extract --pages 2-999 on a 5-page PDF reads 2-5 and warns once", async () => {
    const x = await extract(samplePdf, { pages: "2-999", render: false });
    expect(x.document.pages.map((p) => p.number)).toEqual([2, 3, 4, 5]);
    const notes = x.document.warnings.filter((w) => w.includes("--pages"));
    expect(notes).toEqual(["--pages 2-999 goes past the last page: the document has 5 pages, so pages 2-5 are read"]);
  });
});
