/**
 * Node has no FontFace, so pdf.js draws text from glyph outlines, and with `disableFontFace` it
 * builds and sends the outline of every glyph it parses, drawn or not: 3–5% of a text-only
 * document's extraction, which never draws. So a document opens with font faces "enabled" on the
 * parser side (no outlines), the display side treats every font as outline-only (as before), and
 * before the first render each font loaded so far is switched over with pdf.js's own font
 * fallback, which builds the outlines of the glyphs it has seen; fonts first met while rendering
 * go the same way as they arrive.
 */
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";

/** what this module touches of pdf.js's display side (not in its public types) */
interface FontFace {
  loadedName: string;
  disableFontFace: boolean;
}
interface Transport {
  fontLoader: { bind(font: FontFace): Promise<void> };
  messageHandler: { sendWithPromise(action: string, data: unknown): Promise<unknown> };
}

export interface GlyphOutlines {
  /** builds the outlines of every glyph parsed so far, and of all glyphs parsed from now on */
  beforeRender(): Promise<void>;
}

/** Call right after the document opens (before any page is parsed). */
export function deferGlyphOutlines(doc: PDFDocumentProxy): GlyphOutlines {
  const transport = (doc as unknown as { _transport?: Partial<Transport> })._transport;
  // another pdf.js inside: its own font fallback then builds the outlines as fonts load (slower, same pixels)
  if (!transport?.fontLoader || typeof transport.messageHandler?.sendWithPromise !== "function") {
    return { beforeRender: async () => undefined };
  }
  const { fontLoader, messageHandler } = transport as Transport;
  const loaded: string[] = [];
  let drawing: Promise<void> | undefined;
  fontLoader.bind = async (font) => {
    font.disableFontFace = true;
    // a rejected bind makes pdf.js ask the parser for this font's outlines before it is used
    if (drawing) throw new Error("outlines needed");
    loaded.push(font.loadedName);
  };
  return {
    beforeRender: () =>
      (drawing ??= (async () => {
        const fonts = loaded.splice(0);
        await Promise.allSettled(fonts.map((id) => messageHandler.sendWithPromise("FontFallback", { id })));
      })()),
  };
}
