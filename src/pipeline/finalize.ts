import { documentTitle } from "../model/title.js";
import { figureBlocks, type DocumentModel } from "../model/document.js";
import type { KeyPoint, Section, Summary, SummaryFigure } from "../model/summary.js";
import type { ModelAnswerShape } from "./answer-schema.js";

/**
 * From the model's answers to summary.json: longdoc, not the model, is the authority on which
 * pages and figures exist. Pages that do not exist are dropped, figure ids the model made up are
 * dropped, and every figure of the document is listed with its page, caption and file.
 */
export interface FinalizeInput {
  document: DocumentModel;
  /** the final answer (single request or top reduce) */
  answer: ModelAnswerShape;
  /** figure descriptions from map answers, used where the final answer has none */
  partialFigures?: Array<{ id: string; description: string }>;
  /** figure ids that were sent to the model (the others cannot have a description) */
  sentFigureIds: Set<string>;
  engine: Summary["engine"];
  usage: Summary["usage"];
  warnings: string[];
}

export function finalizeSummary(input: FinalizeInput): Summary {
  const { document, answer } = input;
  const warnings = [...input.warnings];
  const pages = new Set(document.pages.map((p) => p.number));
  const firstPage = document.pages[0]?.number ?? 1;
  const lastPage = document.pages[document.pages.length - 1]?.number ?? Math.max(1, document.source.pages);

  const keyPoints: KeyPoint[] = [];
  const badKeyPointPages = new Set<number>();
  for (const k of answer.keyPoints ?? []) {
    const valid = [...new Set(k.pages)].filter((p) => pages.has(p)).sort((a, b) => a - b);
    for (const p of k.pages) if (!pages.has(p)) badKeyPointPages.add(p);
    if (!k.text.trim()) continue;
    keyPoints.push({ text: k.text.trim(), pages: valid });
  }
  if (badKeyPointPages.size) {
    // with --pages, a page of the PDF that was not read is no slip of the model's: say which it is
    const sorted = [...badKeyPointPages].sort((a, b) => a - b);
    const unread = sorted.filter((p) => p >= 1 && p <= document.source.pages);
    const missing = sorted.filter((p) => !unread.includes(p));
    if (unread.length) warnings.push(`key points cited pages outside the pages read (dropped): ${unread.join(", ")}`);
    if (missing.length) warnings.push(`key points cited pages that do not exist in the document (dropped): ${missing.join(", ")}`);
  }

  const sections: Section[] = [];
  let clampedSections = 0;
  for (const s of answer.sections ?? []) {
    const nums = s.pages.filter((n) => Number.isFinite(n));
    let from = nums.length ? Math.min(...nums) : firstPage;
    let to = nums.length ? Math.max(...nums) : from;
    const clamp = (n: number) => Math.min(lastPage, Math.max(firstPage, n));
    if (clamp(from) !== from || clamp(to) !== to || nums.length === 0) clampedSections++;
    from = clamp(from);
    to = clamp(to);
    sections.push({ title: s.title.trim() || `Pages ${from}–${to}`, pages: [from, to], summary: s.summary.trim() });
  }
  if (clampedSections)
    warnings.push(`${clampedSections} section page range(s) outside the document were clamped to pages ${firstPage}–${lastPage}`);

  const described = new Map<string, string>();
  for (const f of input.partialFigures ?? []) if (f.description.trim()) described.set(f.id, f.description.trim());
  for (const f of answer.figures) if (f.description.trim()) described.set(f.id, f.description.trim());

  const figures: SummaryFigure[] = [];
  const known = new Set<string>();
  const missing: string[] = [];
  for (const f of figureBlocks(document)) {
    known.add(f.id);
    const description = described.get(f.id) ?? "";
    if (!description && input.sentFigureIds.has(f.id)) missing.push(f.id);
    figures.push({ id: f.id, page: f.page, ...(f.caption ? { caption: f.caption } : {}), description, file: f.file });
  }
  const invented = [...described.keys()].filter((id) => !known.has(id));
  if (invented.length) warnings.push(`the model described figures that do not exist (dropped): ${invented.join(", ")}`);
  if (missing.length) warnings.push(`no description for figure(s): ${missing.join(", ")}`);

  return {
    schemaVersion: 1,
    source: document.source,
    engine: input.engine,
    title: answer.title?.trim() || documentTitle(document),
    summary: answer.summary.trim(),
    keyPoints,
    sections,
    figures,
    warnings,
    usage: input.usage,
  };
}
