/** The library API is narrow, its errors are one family, and every field of its types is documented in the emitted .d.ts. */
import { readFileSync } from "node:fs";
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
    // the declarations of each file alone: interfaces are emitted as written (with their comments),
    // and this takes a fraction of a second where emitting the whole program took most of a minute
    const checked = ["index.ts", "types.ts"].map((file) => {
      const name = join(repoRoot, "src", file);
      const { outputText } = ts.transpileDeclaration(readFileSync(name, "utf8"), {
        fileName: name,
        compilerOptions: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, strict: true },
      });
      return [name.replace(/\.ts$/, ".d.ts"), outputText] as const;
    });
    expect(checked.every(([, text]) => /export (interface|type|declare)/.test(text))).toBe(true);
    const undocumented: string[] = [];
    for (const [name, text] of checked) {
      const sf = ts.createSourceFile(name, text, ts.ScriptTarget.ES2022, true);
      sf.forEachChild((node) => {
        if (!ts.isInterfaceDeclaration(node)) return;
        for (const member of node.members) {
          if (!ts.isPropertySignature(member)) continue;
          const docs = ts.getJSDocCommentsAndTags(member);
          if (docs.length === 0) undocumented.push(`${node.name.text}.${member.name.getText(sf)}`);
        }
      });
    }
    // type: "heading" and the like are discriminants: their literal type is their documentation
    expect(undocumented.filter((n) => !n.endsWith(".type"))).toEqual([]);
  });
});
