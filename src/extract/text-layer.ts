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
  return broken / visible < 0.2;
}

/** strips the odd broken glyph from an otherwise usable line */
export function cleanText(text: string): string {
  return text.replace(BROKEN, "").replace(/\u00ad/g, "");
}
