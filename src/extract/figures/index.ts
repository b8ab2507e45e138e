/**
 * Figure detection and rendering (issue 2 items 4–5).
 * analyzePageFigures walks one page's operator list (per page, in a worker); selectFigures decides
 * across pages; renderFigure rasterises one region with pdf.js and encodes it with sharp.
 */
export { analyzePageFigures } from "./analyze.js";
export type { DrawingCluster, ImagePlacement, PageFigureCandidates } from "./analyze.js";
export { selectFigures } from "./select.js";
export { captionKind, findCaptions } from "./captions.js";
export type { Caption } from "./captions.js";
export { figurePixelSize, figureScale, renderFigure } from "./render.js";
export type { RenderedFigureResult } from "./render.js";
