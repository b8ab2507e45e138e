/** Decides whether a page's text layer is usable or a broken layer of unmapped glyphs. */

/** control characters, replacement characters and private-use code points: glyphs without Unicode */
const BROKEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd\ue000-\uf8ff]/gu;

export function isUsableText(texts: string[]): boolean {
  let visible = 0;
  let broken = 0;
  for (const t of texts) {
    const compact = t.replace(/\s+/g, "");
    visible += compact.length;
    broken += compact.match(BROKEN)?.length ?? 0;
  }
  if (visible - broken < 3) return false;
  // a few odd glyphs (bullets in a symbol font) are normal; a fifth of the text is not
  if (broken / visible < 0.2) return true;
  // unless the rest reads as running text: icons or symbols beside real sentences do not make
  // the page unreadable (and dropping its text would lose it)
  return broken / visible < 0.6 && realWords(texts) >= 40;
}

/** words of two or more letters once the broken glyphs are taken out */
function realWords(texts: string[]): number {
  let n = 0;
  for (const t of texts) n += t.replace(BROKEN, " ").match(/\p{L}{2,}/gu)?.length ?? 0;
  return n;
}

/** strips the odd broken glyph from an otherwise usable line */
export function cleanText(text: string): string {
  return text.replace(BROKEN, "").replace(/\u00ad/g, "");
}
