import { z } from "zod";

/** document.json, schemaVersion 1 (DESIGN.md §3). Extraction fills it; later stages only read it. */

export const BBoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]);
/** [x0, y0, x1, y1] in PDF points, origin at the page's top-left corner (as a reader sees it). */
export type BBox = z.infer<typeof BBoxSchema>;

export const FigureKindSchema = z.enum(["raster", "vector", "mixed", "page-scan", "table"]);
export type FigureKind = z.infer<typeof FigureKindSchema>;

export const HeadingBlockSchema = z.object({
  type: z.literal("heading"),
  level: z.number().int().min(1).max(6),
  text: z.string(),
});
export const ParagraphBlockSchema = z.object({
  type: z.literal("paragraph"),
  text: z.string(),
});
export const FigureBlockSchema = z.object({
  type: z.literal("figure"),
  /** p<page>-f<n>, n counted from 1 per page in reading order */
  id: z.string().regex(/^p\d+-f\d+$/),
  kind: FigureKindSchema,
  bbox: BBoxSchema,
  caption: z.string().optional(),
  /** the text the PDF holds inside the region, in reading order (a Markdown table for a table) */
  text: z.string().optional(),
  /**
   * size (longest side, px) at which the figure's smallest text is 12 px high: the planner never
   * sends it smaller (scaled to the profile's legible text height). Absent when it holds no text.
   */
  minTextPx: z.number().int().positive().optional(),
  /** path relative to the document folder, e.g. figures/p3-f1.png */
  file: z.string(),
  /** pixel size of the image file as written (longest side ≤ the profile's image max side) */
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export const BlockSchema = z.discriminatedUnion("type", [HeadingBlockSchema, ParagraphBlockSchema, FigureBlockSchema]);
export type HeadingBlock = z.infer<typeof HeadingBlockSchema>;
export type ParagraphBlock = z.infer<typeof ParagraphBlockSchema>;
export type FigureBlock = z.infer<typeof FigureBlockSchema>;
export type Block = z.infer<typeof BlockSchema>;

export const PageSchema = z.object({
  number: z.number().int().positive(),
  width: z.number(),
  height: z.number(),
  /** false when the page has no usable text (none at all, or a broken layer of unmapped glyphs) */
  textLayer: z.boolean(),
  blocks: z.array(BlockSchema),
});
export type Page = z.infer<typeof PageSchema>;

export const SourceSchema = z.object({
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  pages: z.number().int().nonnegative(),
  title: z.string().optional(),
  author: z.string().optional(),
  producer: z.string().optional(),
  encrypted: z.boolean(),
});
export type Source = z.infer<typeof SourceSchema>;

export const OutlineEntrySchema = z.object({
  title: z.string(),
  page: z.number().int().positive(),
  level: z.number().int().min(1),
});
export type OutlineEntry = z.infer<typeof OutlineEntrySchema>;

export const DocumentModelSchema = z.object({
  schemaVersion: z.literal(1),
  source: SourceSchema,
  outline: z.array(OutlineEntrySchema),
  pages: z.array(PageSchema),
  warnings: z.array(z.string()),
});
export type DocumentModel = z.infer<typeof DocumentModelSchema>;

/** A figure's encoded image, as written to figures/ and sent to the model. */
export interface FigureImage {
  /** the figure id, p<page>-f<n> */
  id: string;
  /** the encoded image bytes */
  data: Buffer;
  /** the encoding of `data` */
  mime: "image/png" | "image/jpeg" | "image/webp";
  /** pixels */
  width: number;
  /** pixels */
  height: number;
}

/** What extract() returns: the model plus the figure images it refers to. */
export interface Extraction {
  /** the document model, as written to document.json */
  document: DocumentModel;
  /** each figure's encoded image by figure id (p<page>-f<n>), as written to figures/ */
  figures: Map<string, FigureImage>;
}

export function figureBlocks(doc: DocumentModel): Array<FigureBlock & { page: number }> {
  return doc.pages.flatMap((p) => p.blocks.filter((b): b is FigureBlock => b.type === "figure").map((b) => ({ ...b, page: p.number })));
}
