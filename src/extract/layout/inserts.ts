/**
 * A figure, a code listing or a caption set at the top of a column can fall between the two halves
 * of a sentence that crosses the column break. A reader finishes the sentence first: the halves
 * are joined and the inserts follow the paragraph they interrupted, in their order.
 */
import { captionKind } from "../figures/captions.js";
import type { PageBlock } from "./blocks.js";
import { joinLines, SENTENCE_END } from "./paragraphs.js";

/** set apart from the running text: it can stand anywhere without breaking a sentence */
function isInsert(b: PageBlock): boolean {
  if (b.type === "figure") return true;
  if (b.type !== "paragraph") return false;
  // a code listing (the only paragraphs with line breaks) or a caption of one
  return b.text.includes("\n") || captionKind(b.text) !== undefined;
}

/** a paragraph of running text whose sentence has not ended */
function unfinished(b: PageBlock): boolean {
  return b.type === "paragraph" && !b.text.includes("\n") && captionKind(b.text) === undefined && !SENTENCE_END.test(b.text.trim());
}

/** how the second half of a sentence starts: lower case, or on in a script without case */
function continues(prev: string, next: PageBlock): boolean {
  if (next.type !== "paragraph" || next.text.includes("\n")) return false;
  const text = next.text.trim();
  if (/^\p{Ll}/u.test(text)) return true;
  return /\p{Lo}$/u.test(prev.trim()) && /^\p{Lo}/u.test(text);
}

export function placeInserts(blocks: PageBlock[]): PageBlock[] {
  const out = [...blocks];
  for (let i = 0; i < out.length; i++) {
    const head = out[i];
    if (!unfinished(head) || head.type !== "paragraph") continue;
    let j = i + 1;
    while (j < out.length && isInsert(out[j])) j++;
    if (j === i + 1 || j >= out.length) continue;
    const tail = out[j];
    if (tail.type !== "paragraph" || !continues(head.text, tail)) continue;
    const joined: PageBlock = { type: "paragraph", text: joinLines([head.text, tail.text]) };
    const inserts = out.slice(i + 1, j);
    out.splice(i, j - i + 1, joined, ...inserts);
    // the joined paragraph may still be unfinished and interrupted again: look at it once more
    i--;
  }
  return out;
}
