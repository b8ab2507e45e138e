import { z } from "zod";
import type { Task } from "../task.js";

/**
 * What the MODEL fills (structured output). longdoc adds source, engine, usage and the figure
 * pages/captions/files itself (src/summary/finalize.ts), so the model never has to copy them.
 * Strict structured output wants every property required and no additional properties,
 * which zod's output-mode JSON Schema gives; see toStrictJsonSchema for the rest.
 */

const pageNumber = z.number().int().describe("page number as marked [page N] in the document");

export const ModelKeyPointSchema = z.object({
  text: z.string().describe("one key point, one or two sentences"),
  pages: z.array(pageNumber).describe("pages the point comes from"),
});

export const ModelSectionSchema = z.object({
  title: z.string(),
  // a [from, to] pair; an array rather than a tuple because strict mode rejects prefixItems
  pages: z.array(pageNumber).describe("[first page, last page] of the section"),
  summary: z.string(),
});

export const ModelFigureSchema = z.object({
  id: z.string().describe("the figure id exactly as given, e.g. p3-f1"),
  description: z.string().describe("what the figure shows and what it tells the reader"),
});

/** The whole-document answer (single request or final reduce). */
export const ModelSummarySchema = z.object({
  title: z.string(),
  summary: z.string().describe("a summary of the whole document, several paragraphs for long documents"),
  keyPoints: z.array(ModelKeyPointSchema),
  sections: z.array(ModelSectionSchema),
  figures: z.array(ModelFigureSchema).describe("one entry for every figure id in the input"),
});
export type ModelSummary = z.infer<typeof ModelSummarySchema>;

/** A map request's answer: the same fields for its page range (partial summary). */
export const ModelPartialSchema = z.object({
  summary: z.string().describe("a summary of these pages only"),
  keyPoints: z.array(ModelKeyPointSchema),
  sections: z.array(ModelSectionSchema),
  figures: z.array(ModelFigureSchema).describe("one entry for every figure id in these pages"),
});
export type ModelPartial = z.infer<typeof ModelPartialSchema>;

/** `figures` mode: a description for every figure plus a short summary and the sections. */
export const ModelFiguresSchema = z.object({
  title: z.string(),
  summary: z.string().describe("a short summary of the document, one paragraph"),
  sections: z.array(ModelSectionSchema),
  figures: z.array(ModelFigureSchema).describe("one entry for every figure id in the input"),
});
export type ModelFigures = z.infer<typeof ModelFiguresSchema>;

/** `figures` mode, map request. */
export const ModelFiguresPartialSchema = z.object({
  summary: z.string().describe("a short summary of these pages"),
  sections: z.array(ModelSectionSchema),
  figures: z.array(ModelFigureSchema).describe("one entry for every figure id in these pages"),
});

/** The follow-up that asks only for the figures an answer left out. */
export const FigureDescriptionsSchema = z.object({
  figures: z.array(ModelFigureSchema).describe("one entry for every figure id given"),
});

/** Every shape the model may be asked for; reduce answers use the whole-document schema. */
export type ModelAnswerShape = {
  title?: string;
  summary: string;
  keyPoints?: Array<{ text: string; pages: number[] }>;
  sections?: Array<{ title: string; pages: number[]; summary: string }>;
  figures: Array<{ id: string; description: string }>;
};

export type { Task } from "../task.js";

export function answerSchemaFor(task: Task, kind: "single" | "map" | "reduce"): z.ZodType<ModelAnswerShape> {
  if (task === "figures") return kind === "map" ? ModelFiguresPartialSchema : ModelFiguresSchema;
  return kind === "map" ? ModelPartialSchema : ModelSummarySchema;
}

/** The name sent with the schema (response_format.json_schema.name: [a-zA-Z0-9_-]). */
export function answerSchemaName(task: Task, kind: "single" | "map" | "reduce"): string {
  return `longdoc_${task}_${kind === "map" ? "partial" : "document"}`;
}

/**
 * JSON Schema for strict structured output: no "$schema" key, and no ±2^53 bounds that zod adds
 * to integers (some servers reject unsupported keywords in strict mode; they carry nothing here).
 */
export function toStrictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: "draft-7" }) as Record<string, unknown>;
  delete json.$schema;
  return stripSafeIntegerBounds(json) as Record<string, unknown>;
}

function stripSafeIntegerBounds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSafeIntegerBounds);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === "minimum" || key === "maximum") && Math.abs(Number(value)) === Number.MAX_SAFE_INTEGER) continue;
    out[key] = stripSafeIntegerBounds(value);
  }
  return out;
}

/**
 * A user's JSON Schema (--schema FILE) as a zod validator. The model fills it instead of ours;
 * the answer is checked against the same schema the model was given.
 */
export function userSchemaValidator(jsonSchema: Record<string, unknown>): z.ZodType<unknown> {
  return z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0]);
}
