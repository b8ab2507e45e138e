import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assignOutputFolders, findPdfs } from "../../src/batch/discover.js";
import { InputError } from "../../src/errors.js";
import { testOutDir } from "../support/paths.js";

function tree(name: string): string {
  const root = testOutDir(`batch-discover-${name}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  return root;
}

const pdfBytes = "%PDF-1.4\n%%EOF\n";

describe("findPdfs", () => {
  it("walks folders recursively, matches .pdf case-insensitively, notes non-PDFs, sorts", async () => {
    const root = tree("walk");
    mkdirSync(join(root, "b", "deep"), { recursive: true });
    mkdirSync(join(root, "a"));
    mkdirSync(join(root, ".hidden"));
    writeFileSync(join(root, "b", "deep", "Z.PDF"), pdfBytes);
    writeFileSync(join(root, "b", "m.pdf"), pdfBytes);
    writeFileSync(join(root, "a", "x.Pdf"), pdfBytes);
    writeFileSync(join(root, "notes.txt"), "hello");
    writeFileSync(join(root, ".hidden", "h.pdf"), pdfBytes);

    const { pdfs, skipped } = await findPdfs([root]);
    expect(pdfs).toEqual([join(root, "a", "x.Pdf"), join(root, "b", "deep", "Z.PDF"), join(root, "b", "m.pdf")]);
    expect(skipped).toEqual([{ path: join(root, "notes.txt"), reason: "not a PDF" }]);
  });

  it("ends symlink loops and processes a file reached twice once", async () => {
    const root = tree("loops");
    mkdirSync(join(root, "docs", "sub"), { recursive: true });
    writeFileSync(join(root, "docs", "sub", "r.pdf"), pdfBytes);
    symlinkSync(join(root, "docs"), join(root, "docs", "sub", "loop")); // docs/sub/loop → docs
    symlinkSync(join(root, "docs", "sub", "r.pdf"), join(root, "docs", "alias.pdf"));

    const { pdfs } = await findPdfs([join(root, "docs"), join(root, "docs", "sub", "r.pdf")]);
    expect(pdfs).toHaveLength(1);
  });

  it("expands globs and takes plain files, in the order given", async () => {
    const root = tree("globs");
    writeFileSync(join(root, "one.pdf"), pdfBytes);
    writeFileSync(join(root, "two.pdf"), pdfBytes);
    writeFileSync(join(root, "no-extension"), pdfBytes); // named explicitly, and its bytes say PDF
    const { pdfs, skipped } = await findPdfs([join(root, "no-extension"), `${root}/*.pdf`, `${root}/none-*.pdf`]);
    expect(pdfs).toEqual([join(root, "no-extension"), join(root, "one.pdf"), join(root, "two.pdf")]);
    expect(skipped).toEqual([{ path: `${root}/none-*.pdf`, reason: "no file matches" }]);
  });

  it("rejects a path that does not exist as bad input", async () => {
    await expect(findPdfs(["/nonexistent/longdoc/x.pdf"])).rejects.toBeInstanceOf(InputError);
  });
});

describe("assignOutputFolders", () => {
  it("keeps unique stems and disambiguates shared ones by their parent folders", () => {
    const folders = assignOutputFolders([
      "/in/2023/report.pdf",
      "/in/2024/report.pdf",
      "/in/2024/Report.PDF.pdf",
      "/in/other.pdf",
      "/x/a/same/doc.pdf",
      "/x/b/same/doc.pdf",
    ]);
    expect(folders.get("/in/2023/report.pdf")).toBe("2023_report");
    expect(folders.get("/in/2024/report.pdf")).toBe("2024_report");
    expect(folders.get("/in/2024/Report.PDF.pdf")).toBe("Report.PDF");
    expect(folders.get("/in/other.pdf")).toBe("other");
    expect(folders.get("/x/a/same/doc.pdf")).toBe("a_same_doc");
    expect(folders.get("/x/b/same/doc.pdf")).toBe("b_same_doc");
    const names = [...folders.values()].map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
  });

  it("never lets a derived name collide with another file's stem", () => {
    const folders = assignOutputFolders(["/a/report.pdf", "/b/report.pdf", "/c/a_report.pdf"]);
    const names = [...folders.values()].map((n) => n.toLowerCase());
    expect(new Set(names).size).toBe(3);
    expect(folders.get("/a/report.pdf")).toBe("a_report");
    expect(folders.get("/c/a_report.pdf")).toBe("a_report-2");
  });
});
