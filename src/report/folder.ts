/**
 * report.html from what a document folder holds on disk: summary.json and/or figures.json beside
 * document.json. The pipeline writes it this way after each task, and `longdoc report` rebuilds it
 * the same way after a hand edit, so both tasks' results show and neither hides the other.
 */
import { existsSync } from "node:fs";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { writeFileAtomically } from "../io/atomic.js";
import type { BatchIndex } from "../model/batch.js";
import { DocumentModelSchema, type DocumentModel } from "../model/document.js";
import { SummarySchema, type Summary } from "../model/summary.js";
import { resultFiles, TASKS, type Task } from "../model/task.js";
import { renderReportHtml } from "./html.js";
import { renderIndexHtml } from "./index-html.js";

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    throw new InputError(
      `cannot read ${err instanceof SyntaxError ? "(not valid JSON)" : `(${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`}`,
      path,
    );
  }
}

/** The results present in a document folder, by task. */
export async function readResults(dir: string): Promise<Partial<Record<Task, Summary>>> {
  const found: Partial<Record<Task, Summary>> = {};
  for (const task of TASKS) {
    const path = join(dir, resultFiles(task).json);
    if (!existsSync(path)) continue;
    const parsed = SummarySchema.safeParse(await readJson(path));
    if (!parsed.success) throw new InputError(`not a longdoc result: ${parsed.error.issues[0]?.message ?? "invalid"}`, path);
    found[task] = parsed.data;
  }
  return found;
}

/**
 * One summary for the report: the summarize result leads (title, summary, key points, sections),
 * and a figure description from the figures task replaces an empty or shorter one.
 */
export function combineResults(results: Partial<Record<Task, Summary>>): Summary | undefined {
  const { summarize: main, figures } = results;
  if (!main || !figures) return main ?? figures;
  const described = new Map(figures.figures.map((f) => [f.id, f]));
  const seen = new Set<string>();
  const merged = main.figures.map((f) => {
    seen.add(f.id);
    const other = described.get(f.id);
    return other && other.description.trim().length > f.description.trim().length ? { ...f, description: other.description } : f;
  });
  for (const f of figures.figures) if (!seen.has(f.id)) merged.push(f);
  return { ...main, figures: merged, warnings: [...new Set([...main.warnings, ...figures.warnings])] };
}

/**
 * Writes DIR/report.html from the results on disk; false when the folder holds no result
 * (an extraction only, or a --schema run whose result.json the report does not show).
 */
export async function writeReport(dir: string, document?: DocumentModel): Promise<boolean> {
  const doc = document ?? parseDocument(await readJson(join(dir, "document.json")), join(dir, "document.json"));
  const results = await readResults(dir);
  // a result left by an earlier run on other bytes of the same name is not this document's
  for (const task of TASKS) if (results[task] && results[task].source.sha256 !== doc.source.sha256) delete results[task];
  const summary = combineResults(results);
  if (!summary) return false;
  await writeFileAtomically(join(dir, "report.html"), renderReportHtml(summary, doc));
  return true;
}

function parseDocument(json: unknown, path: string): DocumentModel {
  const parsed = DocumentModelSchema.safeParse(json);
  if (!parsed.success) throw new InputError(`not a longdoc document.json: ${parsed.error.issues[0]?.message ?? "invalid"}`, path);
  return parsed.data;
}

export interface RebuiltReports {
  /** report.html files written */
  reports: string[];
  /** index.html written for a batch folder */
  index?: string;
  /** document folders with nothing to report */
  skipped: string[];
}

/**
 * `longdoc report DIR`: DIR is one document folder (it has document.json) or a run's output folder
 * (its subfolders are documents; index.json, when present, gives index.html).
 */
export async function rebuildReports(dir: string): Promise<RebuiltReports> {
  if (!existsSync(dir)) throw new InputError("no such folder", dir);
  const out: RebuiltReports = { reports: [], skipped: [] };
  if (existsSync(join(dir, "document.json"))) {
    if (await writeReport(dir)) out.reports.push(join(dir, "report.html"));
    else throw new InputError(`no result to report (neither ${resultFiles("summarize").json} nor ${resultFiles("figures").json})`, dir);
    return out;
  }
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries.filter((x) => x.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const sub = join(dir, e.name);
    if (!existsSync(join(sub, "document.json"))) continue;
    if (await writeReport(sub)) out.reports.push(join(sub, "report.html"));
    else out.skipped.push(sub);
  }
  if (existsSync(join(dir, "index.json"))) {
    const index = (await readJson(join(dir, "index.json"))) as BatchIndex;
    if (!index || !Array.isArray(index.documents)) throw new InputError("not a longdoc index (no documents list)", join(dir, "index.json"));
    await writeFileAtomically(join(dir, "index.html"), renderIndexHtml(index));
    out.index = join(dir, "index.html");
  }
  if (out.reports.length === 0 && !out.index)
    throw new InputError("neither a document folder (document.json) nor a run folder (subfolders with document.json)", dir);
  return out;
}
