/**
 * The height of a page scan's text, measured on its pixels: a scan has no text layer to read sizes
 * from, and the legibility floor (legibility.ts) should come from the page, not an assumed body size.
 * Rows with ink form bands (a horizontal projection); the bands of a text page are its lines, and
 * a low quantile of their heights is the small text the floor must keep readable (a heading or a
 * picture is a taller band, a rule or speck a thinner one).
 */

/** A row is inked when this share of its pixels is dark (specks and dust stay below it). */
const INKED_ROW_SHARE = 0.004;
/** Bands thinner than this (px) are rules, underlines or noise, not text. */
const MIN_BAND_PX = 4;
/** Fewer bands than this is no page of text: nothing to measure. */
const MIN_BANDS = 5;

/**
 * The text line height (px) in RGBA pixels of a page image, or undefined when the page shows no
 * lines of text (a photo, a blank page).
 */
export function textLineHeightPx(rgba: ArrayLike<number>, width: number, height: number): number | undefined {
  // dark = well below the page's paper: halfway between the paper and the darkest ink, from a sample
  const sample: number[] = [];
  const step = Math.max(1, Math.floor((width * height) / 20000));
  for (let i = 0; i < width * height; i += step) sample.push(rgba[i * 4 + 1]!);
  sample.sort((a, b) => a - b);
  const paper = sample[Math.floor(sample.length * 0.9)]!;
  const ink = sample[Math.floor(sample.length * 0.01)]!;
  if (paper - ink < 48) return undefined;
  const dark = (paper + ink) / 2;

  const bands: number[] = [];
  let run = 0;
  // every other column: a line of text is many pixels wide, and this halves the reads
  const minInk = Math.max(2, Math.round((width / 2) * INKED_ROW_SHARE));
  for (let y = 0; y <= height; y++) {
    let n = 0;
    if (y < height) {
      const row = y * width * 4;
      // the green channel is close enough to the luma for this, and one read a pixel
      for (let x = 0; x < width && n < minInk; x += 2) if (rgba[row + x * 4 + 1]! < dark) n++;
    }
    if (n >= minInk) run++;
    else {
      if (run >= MIN_BAND_PX) bands.push(run);
      run = 0;
    }
  }
  if (bands.length < MIN_BANDS) return undefined;
  bands.sort((a, b) => a - b);
  return bands[Math.floor(bands.length * 0.25)];
}
