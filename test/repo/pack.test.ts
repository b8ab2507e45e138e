/** `npm pack` ships what a user needs (the CLI launcher, the built library, the sample) and nothing else. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/paths.js";

describe("package contents", () => {
  it("npm pack --dry-run lists only bin/, dist/, the sample PDF, README and package.json", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    const files = (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0].files.map((f) => f.path);
    const allowed = [
      /^bin\/longdoc\.js$/,
      /^dist\/.+\.(js|d\.ts|js\.map|d\.ts\.map)$/,
      /^fixtures\/sample\/[^/]+\.(pdf|json)$/,
      /^README\.md$/,
      /^LICENSE$/,
      /^package\.json$/,
    ];
    expect(files.filter((f) => !allowed.some((re) => re.test(f)))).toEqual([]);
    for (const f of ["bin/longdoc.js", "package.json", "README.md", "fixtures/sample/bike-share-report.pdf"]) expect(files).toContain(f);
    // dist/ exists once built (npm ci runs the build); then the entry points must be in the package
    if (existsSync(join(repoRoot, "dist", "index.js"))) {
      for (const f of ["dist/index.js", "dist/index.d.ts", "dist/cli/bin.js", "dist/cli/program.js"]) expect(files).toContain(f);
      expect(files.some((f) => /^dist\/(test|bench|scripts)\//.test(f))).toBe(false);
    } else {
      console.warn("[longdoc tests] dist/ not built: the pack check covered everything but the built files");
    }
  });
});
