import { describe, expect, it } from "vitest";
import {
  FigureDescriptionsSchema,
  ModelFiguresSchema,
  ModelPartialSchema,
  ModelSummarySchema,
  toStrictJsonSchema,
  userSchemaValidator,
  strictifySchema,
  dropNullOptionals,
} from "../../src/pipeline/answer-schema.js";

/** Every object: all properties required and additionalProperties false (strict structured output). */
function checkStrict(node: unknown, path = "$"): string[] {
  const problems: string[] = [];
  if (Array.isArray(node)) node.forEach((n, i) => problems.push(...checkStrict(n, `${path}[${i}]`)));
  else if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "object") {
      const props = Object.keys((o.properties as object) ?? {});
      const req = (o.required as string[]) ?? [];
      if (o.additionalProperties !== false) problems.push(`${path}: additionalProperties`);
      for (const p of props) if (!req.includes(p)) problems.push(`${path}.${p}: not required`);
    }
    for (const k of ["prefixItems", "$schema", "minimum", "maximum"]) if (k in o) problems.push(`${path}: has ${k}`);
    for (const [k, v] of Object.entries(o)) problems.push(...checkStrict(v, `${path}.${k}`));
  }
  return problems;
}

describe("model answer schemas", () => {
  it.each([
    ["summary", ModelSummarySchema],
    ["partial", ModelPartialSchema],
    ["figures", ModelFiguresSchema],
    ["figure descriptions", FigureDescriptionsSchema],
  ])("%s converts to a strict-mode JSON Schema", (_name, schema) => {
    const json = toStrictJsonSchema(schema);
    expect(json.type).toBe("object");
    expect(checkStrict(json)).toEqual([]);
  });

  it("keeps the fields the model must fill", () => {
    const json = toStrictJsonSchema(ModelSummarySchema) as { required: string[] };
    expect(json.required.sort()).toEqual(["figures", "keyPoints", "sections", "summary", "title"]);
  });

  it("validates answers against a user's JSON Schema", () => {
    const v = userSchemaValidator({
      type: "object",
      properties: { vendor: { type: "string" }, total: { type: "number" } },
      required: ["vendor", "total"],
      additionalProperties: false,
    });
    expect(v.safeParse({ vendor: "ACME", total: 3 }).success).toBe(true);
    expect(v.safeParse({ vendor: "ACME" }).success).toBe(false);
    expect(v.safeParse({ vendor: "ACME", total: "3" }).success).toBe(false);
  });
});

describe("--schema strictified for structured output", () => {
  const user = {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "x",
    type: "object",
    properties: {
      name: { type: "string", minLength: 1, description: "who" },
      tags: { type: "array", items: { type: "object", properties: { t: { type: "string", format: "date" } } }, maxItems: 3 },
      kind: { type: "string", enum: ["a", "b"] },
    },
    required: ["name"],
  };

  it("drops $schema/$id, closes objects, requires every property with optional ones nullable, moves rejected keywords into descriptions", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks an untyped JSON Schema
    const s = strictifySchema(user) as any;
    expect(s.$schema).toBeUndefined();
    expect(s.$id).toBeUndefined();
    expect(s.additionalProperties).toBe(false);
    expect(s.required).toEqual(["name", "tags", "kind"]);
    expect(s.properties.name).toEqual({ type: "string", description: "who (minLength: 1)" });
    expect(s.properties.tags.type).toEqual(["array", "null"]);
    expect(s.properties.tags.description).toBe("(maxItems: 3)");
    expect(s.properties.tags.items.additionalProperties).toBe(false);
    expect(s.properties.tags.items.properties.t).toEqual({ type: ["string", "null"], description: '(format: "date")' });
    expect(s.properties.kind.enum).toEqual(["a", "b", null]);
  });

  it("answers are checked against the original schema, with the nulls of optional fields dropped", () => {
    expect(dropNullOptionals({ name: "n", tags: null, kind: null }, user)).toEqual({ name: "n" });
    expect(dropNullOptionals({ name: null }, user)).toEqual({ name: null });
    expect(dropNullOptionals({ name: "n", tags: [{ t: null }] }, user)).toEqual({ name: "n", tags: [{}] });
  });
});
