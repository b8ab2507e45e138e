/**
 * What the model gets for a figure: its image, the text the PDF holds inside it, or both. A table
 * whose cells were recovered as a Markdown table is sent as text (the cells are the content, and
 * text costs a fraction of the image); a picture with labels gets both, since the labels name
 * what the picture shows; a figure without text gets its image.
 */
import type { FigureBlock } from "../model/document.js";

export type FigureContent = "image" | "text" | "both";

const MARKDOWN_TABLE = /^\|.*\|\n\|( --- \|)+\n/;

export function figureContent(block: Pick<FigureBlock, "kind" | "text">): FigureContent {
  const text = block.text?.trim();
  if (!text || block.kind === "page-scan") return "image";
  if (block.kind === "table" && MARKDOWN_TABLE.test(text)) return "text";
  return "both";
}

/** The figure's text as it follows its introduction in the request. */
export function figureTextPart(block: Pick<FigureBlock, "text">): string {
  return `Text in the figure:\n${block.text!.trim()}\n\n`;
}
