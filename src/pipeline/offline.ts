import { documentTitle } from "../model/title.js";
import { figureBlocks, type DocumentModel } from "../model/document.js";
import type { KeyPoint, Section, Summary } from "../model/summary.js";

/**
 * The offline engine (DESIGN.md §6): a summary built without any model. Title from metadata or
 * the first heading, sections from the outline or headings, an extractive summary (lead
 * sentences), extractive key points (frequency-scored sentences) and figures with their captions
 * and an empty description — it never pretends a model was used (engine.mode "offline").
 */

const LEAD_SENTENCES = 3;
const KEY_POINTS = 8;
const SECTION_SENTENCES = 2;
const PAGES_PER_SECTION_WITHOUT_STRUCTURE = 10;
const MAX_SECTIONS = 60;

interface Sentence {
  text: string;
  page: number;
  /** index of the paragraph it comes from, so key points spread over the document */
  paragraph: number;
}

interface Heading {
  title: string;
  page: number;
  level: number;
  /** position in reading order, to find the text that follows it */
  order: number;
}

export function buildOfflineSummary(doc: DocumentModel): Summary {
  const paragraphs = collectParagraphs(doc);
  const sentences = paragraphs.flatMap((p, i) => splitSentences(p.text).map((text) => ({ text, page: p.page, paragraph: i })));
  const title = documentTitle(doc);
  const warnings: string[] = [];
  if (sentences.length === 0) warnings.push("no text layer to summarise: the offline engine can only list figures");

  const lead = sentences.filter((s) => isSubstantive(s)).slice(0, LEAD_SENTENCES);
  const leadSet = new Set(lead);
  const summary = lead.length ? lead.map((s) => s.text).join(" ") : `${doc.source.pages}-page document without extractable text.`;

  return {
    schemaVersion: 1,
    source: doc.source,
    engine: { provider: "offline", model: "none", mode: "offline", requests: 0 },
    title,
    summary,
    keyPoints: keyPoints(sentences.filter((s) => !leadSet.has(s))),
    sections: sections(doc, paragraphs),
    figures: figureBlocks(doc).map((f) => ({
      id: f.id,
      page: f.page,
      ...(f.caption ? { caption: f.caption } : {}),
      description: "",
      file: f.file,
    })),
    warnings,
    usage: { inputTokens: 0, outputTokens: 0, costUSD: 0 },
  };
}

interface ParagraphAt {
  text: string;
  page: number;
  order: number;
}

function collectParagraphs(doc: DocumentModel): ParagraphAt[] {
  const out: ParagraphAt[] = [];
  let order = 0;
  for (const page of doc.pages) {
    for (const block of page.blocks) {
      order++;
      if (block.type === "paragraph" && block.text.trim())
        out.push({ text: block.text.replace(/\s+/g, " ").trim(), page: page.number, order });
    }
  }
  return out;
}

function collectHeadings(doc: DocumentModel): Heading[] {
  const out: Heading[] = [];
  let order = 0;
  for (const page of doc.pages) {
    for (const block of page.blocks) {
      order++;
      if (block.type === "heading" && block.text.trim())
        out.push({ title: block.text.trim(), page: page.number, level: block.level, order });
    }
  }
  return out;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

function splitSentences(text: string): string[] {
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s.length > 0);
}

/** A sentence worth quoting: a few words long, mostly letters (not a table row or a page footer). */
function isSubstantive(s: Pick<Sentence, "text">, minWords = 6): boolean {
  const words = s.text.split(/\s+/).length;
  if (words < minWords || words > 70) return false;
  // table-of-contents lines ("Chapter 3 ......... 72") are not prose
  if (/\.{4,}|…{2,}|(\. ){3,}/.test(s.text)) return false;
  const letters = (s.text.match(/\p{L}/gu) ?? []).length;
  return letters / s.text.length > 0.6;
}

const LEANS_ON_CONTEXT =
  /^(this|these|those|that|it|its|they|their|them|he|she|both|such|here|there|however|but|and|or|so|also|we thank)\b/i;

const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its " +
    "may more most must no not of on one or our she should so such than that the their them then there these they this " +
    "those to was we were what when where which while who will with would you your also each other all any only over " +
    "under between about after before during both some same very use used using figure fig table page see"
  ).split(" "),
);

function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/\p{L}[\p{L}\p{N}'-]*/gu) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));
}

/** Top sentences by the mean document frequency of their content words, one per paragraph, in reading order. */
function keyPoints(sentences: Sentence[]): KeyPoint[] {
  // a sentence that leans on the one before ("These stations ...") does not stand alone as a point
  const candidates = sentences.filter((s) => isSubstantive(s) && !LEANS_ON_CONTEXT.test(s.text));
  const freq = new Map<string, number>();
  for (const s of candidates) for (const w of new Set(contentWords(s.text))) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = candidates.map((s, index) => {
    const words = contentWords(s.text);
    const score = words.length ? words.reduce((sum, w) => sum + (freq.get(w) ?? 0), 0) / Math.sqrt(words.length) : 0;
    return { s, index, score };
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  const picked: typeof scored = [];
  const usedParagraphs = new Set<number>();
  const usedTexts = new Set<string>();
  for (const c of scored) {
    if (picked.length >= KEY_POINTS) break;
    const norm = c.s.text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
    // repeated passages (quotes, boilerplate) would crowd out everything else
    if (usedParagraphs.has(c.s.paragraph) || usedTexts.has(norm)) continue;
    usedParagraphs.add(c.s.paragraph);
    usedTexts.add(norm);
    picked.push(c);
  }
  picked.sort((a, b) => a.index - b.index);
  return picked.map(({ s }) => ({ text: s.text, pages: [s.page] }));
}

/** Sections from the outline (its top level), else from headings, else fixed page groups. */
function sections(doc: DocumentModel, paragraphs: ParagraphAt[]): Section[] {
  const lastPage = doc.pages.length ? doc.pages[doc.pages.length - 1].number : Math.max(1, doc.source.pages);
  const firstPage = doc.pages.length ? doc.pages[0].number : 1;
  const headings = collectHeadings(doc);
  let starts: Array<{ title: string; page: number; order?: number }>;
  const inRange = doc.outline.filter((o) => o.page >= firstPage && o.page <= lastPage);
  if (inRange.length > 0) {
    const top = Math.min(...inRange.map((o) => o.level));
    starts = inRange.filter((o) => o.level === top);
    // find the heading in the text that matches the outline entry, for the text that follows it
    starts = starts.map((o) => ({ ...o, order: headings.find((h) => h.page === o.page && sameTitle(h.title, o.title))?.order }));
  } else if (headings.length > 0) {
    const top = topUsefulLevel(headings);
    starts = headings.filter((h) => h.level === top);
  } else {
    starts = [];
    for (let p = firstPage; p <= lastPage; p += PAGES_PER_SECTION_WITHOUT_STRUCTURE) {
      const to = Math.min(lastPage, p + PAGES_PER_SECTION_WITHOUT_STRUCTURE - 1);
      starts.push({ title: p === to ? `Page ${p}` : `Pages ${p}–${to}`, page: p });
    }
  }
  starts = mergeToLimit(starts);
  return starts.map((start, i) => {
    const next = starts[i + 1];
    const to = next ? Math.max(start.page, next.page - (next.page > start.page ? 1 : 0)) : lastPage;
    const from = Math.min(start.page, to);
    const text = paragraphs.filter((p) =>
      start.order !== undefined && next?.order !== undefined
        ? p.order > start.order && p.order < next.order
        : start.order !== undefined
          ? p.order > start.order && p.page <= to
          : p.page >= from && p.page <= to,
    );
    const sents = text
      .flatMap((p, k) => splitSentences(p.text).map((t) => ({ text: t, page: p.page, paragraph: k })))
      // a section's opening sentence may be short ("Bearings carry the shaft.")
      .filter((s) => isSubstantive(s, 3))
      .slice(0, SECTION_SENTENCES);
    return {
      title: start.title,
      pages: [from, Math.max(from, to)] as [number, number],
      summary: sents.map((s) => s.text).join(" "),
    };
  });
}

function sameTitle(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  return norm(a) === norm(b) || norm(a).includes(norm(b)) || norm(b).includes(norm(a));
}

/** The shallowest heading level that appears more than once (a single level-1 heading is usually the title). */
function topUsefulLevel(headings: Heading[]): number {
  const levels = [...new Set(headings.map((h) => h.level))].sort((a, b) => a - b);
  for (const level of levels) if (headings.filter((h) => h.level === level).length > 1) return level;
  return levels[levels.length - 1];
}

/** Keep the section list readable for documents with hundreds of headings. */
function mergeToLimit<T extends { page: number }>(starts: T[]): T[] {
  if (starts.length <= MAX_SECTIONS) return starts;
  const step = starts.length / MAX_SECTIONS;
  const out: T[] = [];
  for (let i = 0; i < MAX_SECTIONS; i++) out.push(starts[Math.floor(i * step)]);
  return out;
}
