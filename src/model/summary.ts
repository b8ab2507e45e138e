import { z } from "zod";
import { SourceSchema } from "./document.js";

/** summary.json, schemaVersion 1 (DESIGN.md §6). */

export const KeyPointSchema = z.object({
  text: z.string(),
  pages: z.array(z.number().int().positive()),
});
export const SectionSchema = z.object({
  title: z.string(),
  pages: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  summary: z.string(),
});
export const SummaryFigureSchema = z.object({
  id: z.string(),
  page: z.number().int().positive(),
  caption: z.string().optional(),
  description: z.string(),
  file: z.string(),
});
export const EngineSchema = z.object({
  provider: z.string(),
  model: z.string(),
  mode: z.enum(["single", "map-reduce", "offline"]),
  requests: z.number().int().nonnegative(),
});
export const UsageTotalsSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUSD: z.number().nonnegative(),
});

export const SummarySchema = z.object({
  schemaVersion: z.literal(1),
  source: SourceSchema,
  engine: EngineSchema,
  title: z.string(),
  summary: z.string(),
  keyPoints: z.array(KeyPointSchema),
  sections: z.array(SectionSchema),
  figures: z.array(SummaryFigureSchema),
  warnings: z.array(z.string()),
  usage: UsageTotalsSchema,
});
export type Summary = z.infer<typeof SummarySchema>;
export type KeyPoint = z.infer<typeof KeyPointSchema>;
export type Section = z.infer<typeof SectionSchema>;
export type SummaryFigure = z.infer<typeof SummaryFigureSchema>;
