/** The library API is narrow, its errors are one family, and every field of its types is documented in the emitted .d.ts. */
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { repoRoot } from "../support/paths.js";

describe("public API", () => {
  it("exports the five entry points, the error classes and at most 20 runtime names", () => {
    const names = Object.keys(api).sort();
    expect(names.length).toBeLessThanOrEqual(20);
    for (const f of ["extract", "plan", "summarize", "describeFigures", "summarizeFolder"]) expect(typeof (api as Record<string, unknown>)[f], f).toBe("function");
    const refused = new api.ProviderRefusedError("mistral refused (HTTP 401)", 401);
    expect(refused).toBeInstanceOf(api.ProviderError);
    expect(refused).toBeInstanceOf(api.LongdocError);
    expect(refused.exitCode).toBe(api.ExitCode.providerRefused);
    expect(new api.ContextOverflowError("too long")).toBeInstanceOf(api.ProviderError);
  });

  it("every property of the exported interfaces carries a doc comment in the emitted .d.ts", () => {
    const files = new Map<string, string>();
    const program = ts.createProgram([join(repoRoot, "src", "index.ts")], {
      declaration: true,
      emitDeclarationOnly: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      strict: true,
      types: ["node"],
    });
    program.emit(undefined, (name, text) => files.set(name.replace(/\\/g, "/"), text));
    // every interface a caller can name: the ones src/index.ts exports, wherever they are declared
    const checker = program.getTypeChecker();
    const index = program.getSourceFile(join(repoRoot, "src", "index.ts"))!;
    const exported = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(index)!).map((s) => s.name));
    expect(exported.has("SummarizeOptions")).toBe(true);
    const undocumented: string[] = [];
    const seen = new Set<string>();
    for (const [name, text] of files) {
      if (!name.includes("/src/")) continue;
      const sf = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
      sf.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !exported.has(node.name.text)) return;
        seen.add(node.name.text);
        for (const member of node.members) {
          if (!ts.isPropertySignature(member)) continue;
          const docs = ts.getJSDocCommentsAndTags(member);
          if (docs.length === 0) undocumented.push(`${node.name.text}.${member.name.getText(sf)}`);
        }
      });
    }
    for (const n of ["SummarizeOptions", "SummarizeFolderOptions", "ExtractOptions", "PlanPdfOptions", "BatchResult", "DocumentModel", "Summary"]) expect(seen, n).toContain(n);
    // type: "heading" and the like are discriminants: their literal type is their documentation
    expect(undocumented.filter((n) => !n.endsWith(".type"))).toEqual([]);
  });
});
