import { z } from "zod";
import type { Task } from "../model/task.js";

/**
 * What the MODEL fills (structured output). longdoc adds source, engine, usage and the figure
 * pages/captions/files itself (src/pipeline/finalize.ts), so the model never has to copy them.
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

type JsonSchemaNode = Record<string, unknown>;

/** Keywords strict structured output rejects or ignores: kept for the model as words in the description. */
const MOVED_TO_DESCRIPTION = [
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "uniqueItems",
  "minProperties",
  "maxProperties",
  "patternProperties",
  "default",
  "examples",
];

const isNode = (v: unknown): v is JsonSchemaNode => !!v && typeof v === "object" && !Array.isArray(v);

function allowsNull(node: JsonSchemaNode): boolean {
  if (node.type === "null" || (Array.isArray(node.type) && node.type.includes("null"))) return true;
  const alts = (node.anyOf ?? node.oneOf) as unknown[] | undefined;
  return Array.isArray(alts) && alts.some((a) => isNode(a) && allowsNull(a));
}

function nullable(node: JsonSchemaNode): JsonSchemaNode {
  if (allowsNull(node)) return node;
  if (typeof node.type === "string") {
    const out: JsonSchemaNode = { ...node, type: [node.type, "null"] };
    if (Array.isArray(node.enum)) out.enum = [...node.enum, null];
    return out;
  }
  if (Array.isArray(node.type)) return { ...node, type: [...node.type, "null"] };
  return { anyOf: [node, { type: "null" }] };
}

/**
 * A user's --schema made fit for strict structured output, the way Mistral's SDK prepares a schema:
 * no `$schema` / `$id`, every object closed (`additionalProperties: false`) with every property
 * required (optional ones made nullable instead), and keywords strict mode rejects moved into the
 * description so the model still reads them. The answer is checked against the original schema.
 */
export function strictifySchema(schema: JsonSchemaNode): JsonSchemaNode {
  return strictNode(schema) as JsonSchemaNode;
}

function strictNode(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictNode);
  if (!isNode(node)) return node;
  const out: JsonSchemaNode = {};
  const moved: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "$id") continue;
    if (MOVED_TO_DESCRIPTION.includes(key)) {
      moved.push(`${key}: ${JSON.stringify(value)}`);
      continue;
    }
    if (key === "properties" && isNode(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictNode(v)]));
    } else if (key === "$defs" || key === "definitions") {
      out[key] = isNode(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictNode(v)])) : value;
    } else if (key === "title" || key === "description" || key === "enum" || key === "const" || key === "required") {
      out[key] = value;
    } else {
      out[key] = strictNode(value);
    }
  }
  if (moved.length) out.description = [out.description, `(${moved.join("; ")})`].filter(Boolean).join(" ");
  const isObject = out.type === "object" || (Array.isArray(out.type) && out.type.includes("object")) || isNode(out.properties);
  if (isObject) {
    const props = isNode(out.properties) ? out.properties : {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [k, v] of Object.entries(props)) if (!required.has(k) && isNode(v)) props[k] = nullable(v);
    out.properties = props;
    out.required = Object.keys(props);
    out.additionalProperties = false;
  }
  return out;
}

/**
 * The model fills optional properties with null (the strict schema made them nullable); the user's
 * original schema may not allow null there, so such nulls are dropped before validating.
 */
export function dropNullOptionals(value: unknown, schema: unknown): unknown {
  if (!isNode(schema)) return value;
  if (Array.isArray(value)) return isNode(schema.items) ? value.map((v) => dropNullOptionals(v, schema.items)) : value;
  if (!isNode(value) || !isNode(schema.properties)) return value;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const prop = (schema.properties as JsonSchemaNode)[k];
    if (v === null && !required.has(k) && !(isNode(prop) && allowsNull(prop))) continue;
    out[k] = dropNullOptionals(v, prop);
  }
  return out;
}
