import { describe, expect, it } from "vitest";
import {
  FigureDescriptionsSchema,
  ModelFiguresSchema,
  ModelPartialSchema,
  ModelSummarySchema,
  toStrictJsonSchema,
  userSchemaValidator,
} from "../../src/summary/schema.js";

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
