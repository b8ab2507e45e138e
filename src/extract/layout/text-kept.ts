/**
 * Checks that a page's blocks keep the text pdf.js returned for it: running heads are counted as
 * accounted for, everything else must be in a heading, paragraph, caption or figure text. A page
 * that keeps much less is reported, so text is never lost silently.
 */
import type { Block } from "../../model/document.js";
import type { PageLayout } from "../types.js";

/** below this many characters a page is too small to judge */
const MIN_CHARS = 200;
/** a page keeping less than this share of its characters gets a warning */
const MIN_SHARE = 0.8;

const countChars = (s: string | undefined) => (s ? s.replace(/[^\p{L}\p{N}]/gu, "").length : 0);

export function textLossWarning(layout: PageLayout, blocks: Block[], dropped: Set<number>): string | undefined {
  if (!layout.textLayer) return undefined;
  let source = 0;
  let accounted = 0;
  layout.lines.forEach((l, i) => {
    const n = countChars(l.text);
    source += n;
    if (dropped.has(i)) accounted += n;
  });
  if (source < MIN_CHARS) return undefined;
  for (const b of blocks) {
    if (b.type === "figure") accounted += countChars(b.caption) + countChars(b.text);
    else accounted += countChars(b.text);
  }
  if (accounted >= MIN_SHARE * source) return undefined;
  return `page ${layout.number}: extraction kept ${accounted} of the ${source} characters pdf.js returned`;
}
