/** Parses a page range such as "1-20,35" or "7-" into sorted 1-based page numbers. */
import { InputError } from "../errors.js";

export function parsePageRange(range: string | undefined, pageCount: number, file?: string): number[] {
  if (range === undefined || range.trim() === "") return Array.from({ length: pageCount }, (_, i) => i + 1);
  const pages = new Set<number>();
  for (const part of range.split(",")) {
    const m = /^\s*(\d+)?\s*(-)?\s*(\d+)?\s*$/.exec(part);
    if (!m || (!m[1] && !m[3])) throw new InputError(`bad page range "${range}" (expected e.g. 1-20,35)`, file);
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : pageCount) : from;
    if (from < 1 || to < from) throw new InputError(`bad page range "${range}" (expected e.g. 1-20,35)`, file);
    if (from > pageCount) {
      throw new InputError(`page range "${range}" is outside the document (${pageCount} pages)`, file);
    }
    for (let p = from; p <= Math.min(to, pageCount); p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}
