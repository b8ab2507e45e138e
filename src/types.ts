/**
 * The public shapes of document.json and summary.json / figures.json, written out as documented
 * interfaces so that every field's meaning reaches the emitted .d.ts (zod's inferred types carry
 * no comments). The checks at the bottom keep them true to the schemas that validate the files:
 * everything a schema accepts fits the type documented here.
 */
import type { z } from "zod";
import type { DocumentModelSchema } from "./model/document.js";
import type { SummarySchema } from "./model/summary.js";

/** [x0, y0, x1, y1] in PDF points, origin at the page's top-left corner (as a reader sees it). */
export type BBox = [number, number, number, number];

/** A heading found in the text (by size, weight, numbering or the PDF's outline). */
export interface HeadingBlock {
  type: "heading";
  /** 1 (chapter) to 6 */
  level: number;
  /** the heading as printed */
  text: string;
}

/** A paragraph of running text, joined across lines and columns in reading order. */
export interface ParagraphBlock {
  type: "paragraph";
  /** the paragraph's text, hyphenation at line ends undone */
  text: string;
}

/** A region a reader would call one figure, rendered from the page and cropped. */
export interface FigureBlock {
  type: "figure";
  /** p<page>-f<n>, n counted from 1 per page in reading order */
  id: string;
  /** what the region is made of; "page-scan" is a page without a text layer, sent whole */
  kind: "raster" | "vector" | "mixed" | "page-scan" | "table";
  /** where it is on the page */
  bbox: BBox;
  /** the caption printed beside it ("Figure 2. …"), when one was found */
  caption?: string;
  /** path of the image relative to the document folder, e.g. figures/p3-f1.png */
  file: string;
  /** pixel width of the image file as written */
  width: number;
  /** pixel height of the image file as written */
  height: number;
}

export type Block = HeadingBlock | ParagraphBlock | FigureBlock;

export interface Page {
  /** 1-based page number in the PDF */
  number: number;
  /** page width in PDF points */
  width: number;
  /** page height in PDF points */
  height: number;
  /** false when the page has no usable text (none at all, or a broken layer of unmapped glyphs) */
  textLayer: boolean;
  /** headings, paragraphs and figures in reading order */
  blocks: Block[];
}

/** The PDF file the results came from. */
export interface Source {
  /** the path as given */
  path: string;
  /** sha256 of the file's bytes (hex): the identity used for resume and cache */
  sha256: string;
  /** file size */
  bytes: number;
  /** pages in the PDF (not only those read with --pages) */
  pages: number;
  /** from the PDF's metadata, when present */
  title?: string;
  /** from the PDF's metadata, when present */
  author?: string;
  /** the program that made the PDF, from its metadata */
  producer?: string;
  /** the PDF was encrypted (opened with a password, or with an empty user password) */
  encrypted: boolean;
}

/** An entry of the PDF's own outline (bookmarks). */
export interface OutlineEntry {
  /** the entry's text */
  title: string;
  /** the page it points to */
  page: number;
  /** 1 for top-level entries */
  level: number;
}

/** document.json (schemaVersion 1): what extraction found. Later stages only read it. */
export interface DocumentModel {
  /** 1 for this shape */
  schemaVersion: 1;
  /** the PDF read */
  source: Source;
  /** the PDF's bookmarks; empty when it has none */
  outline: OutlineEntry[];
  /** the pages read, in order */
  pages: Page[];
  /** what could not be read as it should, one line each */
  warnings: string[];
}

/** A key point of the document, with the pages it rests on. */
export interface KeyPoint {
  /** one sentence */
  text: string;
  /** pages of the document that support it (checked to exist) */
  pages: number[];
}

export interface Section {
  /** the section's heading (or a title the model gave it) */
  title: string;
  /** first and last page */
  pages: [number, number];
  /** what the section says, in a few sentences */
  summary: string;
}

export interface SummaryFigure {
  /** the figure's id in document.json (p<page>-f<n>) */
  id: string;
  /** the page it is on */
  page: number;
  /** its caption, when the document has one */
  caption?: string;
  /** what the model saw in the image; empty from the offline engine, which does not look at images */
  description: string;
  /** image path relative to the document folder */
  file: string;
}

/** What made the result. */
export interface Engine {
  /** mistral, openrouter, openai (any OpenAI-compatible server) or offline */
  provider: string;
  /** the model id sent; "none" for offline */
  model: string;
  /** one request, chunks then a combining request, or no model at all */
  mode: "single" | "map-reduce" | "offline";
  /** model requests made (repairs and follow-ups included) */
  requests: number;
}

/** Tokens and cost of every paid call for this result (usage.json has the per-request record). */
export interface UsageTotals {
  /** prompt tokens billed (the provider's count) */
  inputTokens: number;
  /** output tokens billed, reasoning included */
  outputTokens: number;
  /** estimated from the profile's prices; 0 where no price is known */
  costUSD: number;
}

/** summary.json (summarize) and figures.json (figures), schemaVersion 1. */
export interface Summary {
  /** 1 for this shape */
  schemaVersion: 1;
  /** the PDF summarised */
  source: Source;
  /** the provider, model and mode that made it */
  engine: Engine;
  /** the document's title */
  title: string;
  /** a few paragraphs */
  summary: string;
  /** the points a reader should take away, each with its pages */
  keyPoints: KeyPoint[];
  /** the document's parts in order */
  sections: Section[];
  /** every figure of the document, in reading order */
  figures: SummaryFigure[];
  /** what did not go as it should (pages dropped, figures not described, …) */
  warnings: string[];
  /** tokens and cost of the run that made it */
  usage: UsageTotals;
}

/** Everything the schema accepts is a value of the documented type (a compile-time check). */
type Fits<Actual, Documented> = [Actual] extends [Documented] ? true : never;
export const schemasMatchTheirDocs: [
  Fits<z.infer<typeof DocumentModelSchema>, DocumentModel>,
  Fits<z.infer<typeof SummarySchema>, Summary>,
] = [true, true];
