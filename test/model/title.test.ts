/** The one title rule: the PDF's own title unless it is junk, then the first heading, the outline, the file name. */
import { describe, expect, it } from "vitest";
import type { DocumentModel } from "../../src/model/document.js";
import { documentTitle } from "../../src/model/title.js";

function doc(title: string | undefined, heading?: string, outline?: string): DocumentModel {
  return {
    schemaVersion: 1,
    source: { path: "/in/Annual Report 2024.pdf", sha256: "0".repeat(64), bytes: 1, pages: 1, ...(title !== undefined ? { title } : {}) },
    outline: outline ? [{ title: outline, level: 1, page: 1 }] : [],
    pages: [
      {
        number: 1,
        width: 612,
        height: 792,
        textLayer: true,
        blocks: [
          ...(heading
            ? [{ type: "heading" as const, level: 1, text: heading, bbox: [0, 0, 1, 1] as [number, number, number, number] }]
            : []),
          { type: "paragraph" as const, text: "Body text.", bbox: [0, 0, 1, 1] as [number, number, number, number] },
        ],
      },
    ],
    warnings: [],
  } as unknown as DocumentModel;
}

describe("documentTitle", () => {
  it("takes the PDF's title when it is a real one", () => {
    expect(documentTitle(doc("  Bike Share in 2024 ", "Introduction"))).toBe("Bike Share in 2024");
  });
  it("passes over junk metadata to the first heading, then the outline, then the file name", () => {
    expect(documentTitle(doc("Microsoft Word - draft3.docx", "Bike Share in 2024"))).toBe("Bike Share in 2024");
    expect(documentTitle(doc("untitled", undefined, "Overview"))).toBe("Overview");
    expect(documentTitle(doc("report.pdf"))).toBe("Annual Report 2024");
    expect(documentTitle(doc(undefined))).toBe("Annual Report 2024");
  });
});
