import { existsSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** Third-party PDFs live beside the repo, never inside it. */
export const corpusRoot = process.env.LONGDOC_CORPUS ?? resolve(repoRoot, "../shared/corpus");
export const hasCorpus = existsSync(join(corpusRoot, "manifest.json"));
if (!hasCorpus) {
  // printed once per test file that imports this, so a fresh clone says why corpus tests skipped
  console.warn(`[longdoc tests] corpus not found at ${corpusRoot}: corpus tests are skipped`);
}

export function corpusFile(rel: string): string {
  return join(corpusRoot, rel);
}

/** A fresh folder under test-output/ (git-ignored) for a test's files. */
export function testOutDir(name: string): string {
  const dir = join(repoRoot, "test-output", name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
