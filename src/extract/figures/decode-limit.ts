/**
 * The longest side, in pixels, large images are decoded to: no figure is drawn larger than the
 * run's max side, so more pixels than that are decoded only to be thrown away (and cost seconds
 * and hundreds of MB on a 600 dpi scan). The extraction worker sets it from each render request.
 */
let limit = 1540;

export function decodeLimit(): number {
  return limit;
}

export function setDecodeLimit(maxSide: number): void {
  limit = Math.max(256, Math.round(maxSide));
}
