import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { DocumentModelSchema, figureBlocks, type DocumentModel } from "../../src/model/document.js";
import { SummarySchema, type Summary } from "../../src/model/summary.js";
import type { UsageReport } from "../../src/pipeline/usage.js";
import { resultFiles, type Task } from "../../src/model/task.js";
import { repoRoot, testOutDir } from "../support/paths.js";

/** The bundled sample (5 pages, 3 figures): small enough for many runs. */
export const samplePdf = join(repoRoot, "fixtures", "sample", "bike-share-report.pdf");

/** An empty folder under test-output/e2e/. */
export function freshDir(name: string): string {
  const dir = testOutDir(join("e2e", name));
  rmSync(dir, { recursive: true, force: true });
  return testOutDir(join("e2e", name));
}

export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

export interface Written {
  document: DocumentModel;
  summary: Summary;
  usage: UsageReport;
  markdown: string;
}

/**
 * The files of one summarised document, checked as the contract says: summary.json valid, every
 * figure of the document listed (with a non-empty description when a model ran), key point pages
 * that exist, summary.md with the figures inline, report.html and usage.json present.
 */
export function checkDocumentFolder(dir: string, opts: { model: boolean; task?: Task }): Written {
  const names = resultFiles(opts.task ?? "summarize");
  for (const f of ["document.json", "document.md", "plan.json", names.json, names.markdown, "report.html", names.usage]) {
    expect(existsSync(join(dir, f)), `${f} written`).toBe(true);
  }
  const document = DocumentModelSchema.parse(readJson(join(dir, "document.json")));
  const summary = SummarySchema.parse(readJson(join(dir, names.json)));
  const usage = readJson<UsageReport>(join(dir, names.usage));
  const markdown = readFileSync(join(dir, names.markdown), "utf8");

  const figures = figureBlocks(document);
  expect(summary.figures.map((f) => f.id)).toEqual(figures.map((f) => f.id));
  for (const f of summary.figures) {
    expect(existsSync(join(dir, f.file)), `${f.file} exists`).toBe(true);
    expect(markdown).toContain(`![${f.id}](${f.file})`);
    if (opts.model) expect(f.description.trim().length, `description of ${f.id}`).toBeGreaterThan(0);
  }
  const pages = new Set(document.pages.map((p) => p.number));
  for (const k of summary.keyPoints) for (const p of k.pages) expect(pages.has(p), `key point page ${p} exists`).toBe(true);
  for (const s of summary.sections) for (const p of s.pages) expect(pages.has(p), `section page ${p} exists`).toBe(true);
  expect(summary.source.sha256).toBe(document.source.sha256);
  return { document, summary, usage, markdown };
}
