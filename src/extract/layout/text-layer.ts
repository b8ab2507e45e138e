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

/** spacing accents (as TeX and others draw them, as separate glyphs) and their combining marks */
const SPACING_ACCENTS: Record<string, string> = {
  "\u00a8": "\u0308", // diaeresis
  "\u00b4": "\u0301", // acute
  "\u02c6": "\u0302", // circumflex
  "\u02dc": "\u0303", // tilde
  "\u00af": "\u0304", // macron
  "\u02d8": "\u0306", // breve
  "\u02d9": "\u0307", // dot above
  "\u02da": "\u030a", // ring above
  "\u02dd": "\u030b", // double acute
  "\u02c7": "\u030c", // caron
  "\u00b8": "\u0327", // cedilla
  "\u02db": "\u0328", // ogonek
};
const ACCENT = /(\p{L}?)([\u00a8\u00b4\u02c6\u02dc\u00af\u02d8\u02d9\u02da\u02dd\u02c7\u00b8\u02db])(\p{L}?)/gu;
const composesTo1 = (s: string) => s.normalize("NFC").length === 1;

/**
 * Composes a spacing accent drawn as its own glyph into its letter: "na¨ıve" → "naïve" (a dotless
 * i or j under an accent gets its dot back), "Schro¨dinger" → "Schrödinger". The accent goes with
 * the letter after it (where TeX draws it) when they compose into one character, else with the
 * letter before it. Then NFC.
 */
export function composeText(text: string): string {
  // eslint-disable-next-line no-misleading-character-class -- a range of combining marks, each matched on its own
  if (!/[\u00a8\u00af\u00b4\u00b8\u02c6-\u02dd\u0300-\u036f]/u.test(text)) return text;
  return text
    .replace(ACCENT, (all, before: string, accent: string, after: string) => {
      const mark = SPACING_ACCENTS[accent];
      const next = after === "\u0131" ? "i" : after === "\u0237" ? "j" : after;
      if (next && composesTo1(next + mark)) return before + next + mark;
      if (before && composesTo1(before + mark)) return before + mark + after;
      return all;
    })
    .normalize("NFC");
}
