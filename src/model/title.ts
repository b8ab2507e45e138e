/** The one rule for a document's title where the model gives none (plan, offline engine, summary, report). */
import type { DocumentModel } from "./document.js";

/** The PDF's own title unless it is junk, then the first heading, the first outline entry, the file name. */
export function documentTitle(doc: DocumentModel): string {
  const meta = doc.source.title?.trim();
  // metadata titles are often junk like "untitled" or a word-processor file name
  if (meta && !/^(untitled|microsoft word|document\d*)\b/i.test(meta) && !/\.(docx?|pdf|indd|tex)$/i.test(meta)) return meta;
  for (const page of doc.pages) {
    const heading = page.blocks.find((b) => b.type === "heading");
    if (heading && heading.type === "heading" && heading.text.trim()) return heading.text.trim();
  }
  if (doc.outline[0]) return doc.outline[0].title;
  const base = doc.source.path.split(/[\\/]/).pop() ?? doc.source.path;
  return base.replace(/\.pdf$/i, "") || "Untitled document";
}
