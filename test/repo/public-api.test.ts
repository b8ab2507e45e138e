/** The library API is narrow, its errors are one family, and every field of its types is documented in the emitted .d.ts. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as api from "../../src/index.js";
import { repoRoot } from "../support/paths.js";

describe("public API", () => {
  it("exports the five entry points, the error classes and at most 20 runtime names", () => {
    const names = Object.keys(api).sort();
    expect(names.length).toBeLessThanOrEqual(20);
    for (const f of ["extract", "plan", "summarize", "describeFigures", "summarizeFolder"])
      expect(typeof (api as Record<string, unknown>)[f], f).toBe("function");
    const refused = new api.ProviderRefusedError("mistral refused (HTTP 401)", 401);
    expect(refused).toBeInstanceOf(api.ProviderError);
    expect(refused).toBeInstanceOf(api.LongdocError);
    expect(refused.exitCode).toBe(api.ExitCode.providerRefused);
    expect(new api.ContextOverflowError("too long")).toBeInstanceOf(api.ProviderError);
  });

  it("every property of the exported interfaces carries a doc comment in the emitted .d.ts", () => {
    // the names a caller can import: index.ts's own export clauses, and all of types.ts (export type *)
    const indexText = readFileSync(join(repoRoot, "src", "index.ts"), "utf8");
    const exported = new Set(
      [...indexText.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
        m[1].split(",").map((n) =>
          n
            .replace(/\btype\b/, "")
            .trim()
            .split(/\s+as\s+/)
            .pop()!,
        ),
      ),
    );
    for (const m of indexText.matchAll(/export (?:interface|const|type) (\w+)/g)) exported.add(m[1]);
    // each file's declarations alone, as emitted with their comments: a fraction of a second, where
    // emitting the whole program took most of a minute
    const files = readdirSync(join(repoRoot, "src"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    const undocumented: string[] = [];
    const seen = new Set<string>();
    for (const file of files) {
      const name = join(repoRoot, "src", file);
      const text = readFileSync(name, "utf8");
      if (!/export interface/.test(text)) continue;
      const all = file === "types.ts";
      const { outputText } = ts.transpileDeclaration(text, {
        fileName: name,
        compilerOptions: {
          module: ts.ModuleKind.NodeNext,
          moduleResolution: ts.ModuleResolutionKind.NodeNext,
          target: ts.ScriptTarget.ES2022,
          strict: true,
        },
      });
      const sf = ts.createSourceFile(name.replace(/\.ts$/, ".d.ts"), outputText, ts.ScriptTarget.ES2022, true);
      sf.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node) || !(all || exported.has(node.name.text))) return;
        seen.add(node.name.text);
        for (const member of node.members) {
          if (!ts.isPropertySignature(member)) continue;
          if (ts.getJSDocCommentsAndTags(member).length === 0) undocumented.push(`${file}: ${node.name.text}.${member.name.getText(sf)}`);
        }
      });
    }
    for (const n of [
      "SummarizeOptions",
      "SummarizeFolderOptions",
      "ExtractOptions",
      "PlanPdfOptions",
      "BatchResult",
      "DocumentModel",
      "Summary",
      "UsageReport",
    ])
      expect(seen, n).toContain(n);
    // type: "heading" and the like are discriminants: their literal type is their documentation
    expect(undocumented.filter((n) => !n.endsWith(".type"))).toEqual([]);
  });
});
