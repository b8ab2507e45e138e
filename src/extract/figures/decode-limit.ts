/**
 * How much of a large image is decoded. No figure is drawn larger than the run's max side, so more
 * pixels than that are decoded only to be thrown away (seconds and hundreds of MB on a 600 dpi
 * scan); and while figure analysis reads a page's operators, pdf.js decodes every image on it for
 * nothing (it decodes as it builds any operator list): those decodes are deferred or left blank
 * (jpeg-decoder.ts, shrinking-bitmap.ts) until a drawing needs them. The extraction worker sets both.
 */
let limit = 1540;
let deferred = false;

/** Longest side, in pixels, large images are decoded to. */
export function decodeLimit(): number {
  return limit;
}

export function setDecodeLimit(maxSide: number): void {
  limit = Math.max(256, Math.round(maxSide));
}

/** True while only operators are wanted (figure analysis): image pixels are not. */
export function decodesDeferred(): boolean {
  return deferred;
}

export function setDecodesDeferred(on: boolean): void {
  deferred = on;
}
