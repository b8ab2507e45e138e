import { readdirSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../support/cli.js";
import { corpusFile, hasCorpus, testOutDir } from "../support/paths.js";

/**
 * Every broken, fuzzed or encrypted PDF either extracts or fails with one line naming the file and
 * the cause, with the documented exit code, in bounded time and without a stack trace.
 */
describe.skipIf(!hasCorpus)("edge corpus through the real CLI", () => {
  const dir = corpusFile("edge");
  const files = hasCorpus
    ? readdirSync(dir)
        .filter((f) => f.toLowerCase().endsWith(".pdf"))
        .sort()
    : [];
  const out = testOutDir("extract-edge");
  const limit = pLimit(3);
  const results = new Map<string, Promise<CliResult>>();
  const run = (file: string) => {
    let r = results.get(file);
    if (!r) {
      r = limit(() => runCli(["extract", join(dir, file), "--out", join(out, file.replace(/\.pdf$/i, ""))]));
      results.set(file, r);
    }
    return r;
  };
  // start them all at once; each test awaits its own
  for (const f of files) void run(f).catch(() => undefined);

  it.each(files)("%s", { timeout: 600_000 }, async (file) => {
    const r = await run(file);
    expect([0, 2, 3], `exit ${r.code}; stderr: ${r.stderr}`).toContain(r.code);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    if (r.code === 0) {
      expect(r.stdout).toContain(file);
    } else {
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(file);
    }
    if (file === "password.pdf") expect(r.code).toBe(3);
  });
});
