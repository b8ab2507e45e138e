/**
 * The model request of a planned request: system, content (figures materialised), schema and
 * reserve. One function for the run, --dry-run and batch files, so what is written is what is sent.
 */
import type { z } from "zod";
import type { Extraction } from "../model/document.js";
import type { Plan, PlannedRequest } from "../model/plan.js";
import type { ContentPart, ModelRequest } from "../llm/types.js";
import { buildReduceParts } from "../plan/reduce.js";
import { materializeParts } from "../plan/materialize.js";
import { answerSchemaFor, answerSchemaName, toStrictJsonSchema } from "./answer-schema.js";
import type { Task } from "../model/task.js";

/** --schema: what the model is sent (strict form) and how its answer is checked (the user's schema). */
export interface UserSchema {
  name: string;
  /** the schema sent: strictified for structured output */
  jsonSchema: Record<string, unknown>;
  /** checks the answer against the user's original schema */
  validator: z.ZodType<unknown>;
}

export interface RequestInputs {
  task: Task;
  extraction: Extraction;
  model: string;
  reasoning: ModelRequest["reasoning"];
  userSchema?: UserSchema;
  /** output reserve of this attempt (default: the plan's) */
  maxOutputTokens?: number;
  /** reduce only: the answers of its inputs, in `inputs` order */
  partials?: unknown[];
}

/** The request whose answer is the document's result: the last reduce (or the single request). */
export function topRequest(plan: Plan): PlannedRequest {
  const consumed = new Set(plan.requests.flatMap((r) => r.inputs ?? []));
  return (
    plan.requests.find((r) => !consumed.has(r.id) && (r.kind === "reduce" || r.kind === "single")) ??
    plan.requests[plan.requests.length - 1]
  );
}

/** The schema a planned request's answer must fill: the user's for the top request with --schema. */
export function answerSchemaOf(
  plan: Plan,
  req: PlannedRequest,
  task: Task,
  userSchema?: UserSchema,
): { spec: ModelRequest["schema"]; validator: z.ZodType<unknown> } {
  const isTop = req === topRequest(plan);
  if (isTop && userSchema) return { spec: { name: userSchema.name, schema: userSchema.jsonSchema }, validator: userSchema.validator };
  const kind = isTop ? req.kind : "map";
  const validator = answerSchemaFor(task, kind) as z.ZodType<unknown>;
  return { spec: { name: answerSchemaName(task, kind), schema: toStrictJsonSchema(validator) }, validator };
}

/** Build the ModelRequest for one planned request (a reduce needs its inputs' answers). */
export async function modelRequestFor(
  plan: Plan,
  req: PlannedRequest,
  o: RequestInputs,
): Promise<{ request: ModelRequest; validator: z.ZodType<unknown> }> {
  let system = req.system;
  let content: ContentPart[];
  if (req.kind === "reduce") {
    const byId = new Map(plan.requests.map((r) => [r.id, r]));
    const partials = (req.inputs ?? []).map((id, i) => ({ requestId: id, pages: byId.get(id)!.pages, answer: o.partials?.[i] }));
    const built = await buildReduceParts(req, partials);
    system = built.system;
    content = built.content;
  } else {
    content = await materializeParts(req.parts, o.extraction.figures);
  }
  const { spec, validator } = answerSchemaOf(plan, req, o.task, o.userSchema);
  return {
    request: {
      id: req.id,
      model: o.model,
      system,
      content,
      maxOutputTokens: o.maxOutputTokens ?? plan.outputReserve,
      schema: spec,
      reasoning: o.reasoning,
    },
    validator,
  };
}
