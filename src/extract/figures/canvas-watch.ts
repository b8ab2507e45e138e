/**
 * pdf.js reads the clock between operators, but one operator can draw for a long time without
 * it: a text run in a Type3 font draws every glyph's own operator list, and a group of image masks
 * draws all its masks, in one step. Those steps still call the canvas for each glyph or mask, so
 * the canvas calls read the clock too (which runs the page's watch, work-watch.ts), and once the
 * drawing is cut they throw: the operator in progress ends there instead of running to its end.
 */

/** the 2D context calls a glyph or a mask goes through */
const DRAWING_CALLS = ["save", "drawImage", "fill", "stroke", "fillRect", "putImageData", "transform"] as const;
/** canvas calls between two clock reads: a call is a few µs, so this is well under a millisecond */
const CALLS_PER_CHECK = 64;

/**
 * Wraps the context's drawing calls (on this context object only) so that they read the clock every
 * CALLS_PER_CHECK calls and throw once `cut()` answers true.
 */
export function watchCanvasCalls(ctx: object, cut: () => boolean): void {
  const target = ctx as Record<string, unknown>;
  let calls = 0;
  for (const name of DRAWING_CALLS) {
    const original = target[name];
    if (typeof original !== "function") continue;
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (++calls >= CALLS_PER_CHECK) {
        calls = 0;
        Date.now();
      }
      if (cut()) throw new Error("drawing cut");
      return (original as (...a: unknown[]) => unknown).apply(ctx, args);
    };
  }
}
