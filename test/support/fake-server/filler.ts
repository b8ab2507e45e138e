/**
 * Deterministic answers generated from a JSON Schema: walks the schema and fills every required
 * property, semantically where the property name says what it is (figure ids, pages, descriptions).
 * The fake server's stand-in for a model's structured output.
 */

export interface FillContext {
  /** figure ids like p3-f1 seen in the request text, in order of first appearance */
  figureIds: string[];
  /** page numbers seen as `[page N]` markers, ascending */
  pages: number[];
}

type Schema = Record<string, unknown>;

interface Hint {
  name: string;
  index: number;
  figureId?: string;
  page?: number;
  pageRange?: [number, number];
}

export function contextFromText(text: string): FillContext {
  const figureIds = [...new Set(text.match(/\bp\d+-f\d+\b/g) ?? [])];
  const pages = [...new Set([...text.matchAll(/\[page (\d+)\]/g)].map((m) => Number(m[1])))].sort((a, b) => a - b);
  return { figureIds, pages };
}

export function fillSchema(root: Schema, ctx: FillContext): unknown {
  return fill(root, root, ctx, { name: "", index: 0 }, 0);
}

function resolve(root: Schema, s: Schema): Schema {
  let cur = s;
  for (let i = 0; i < 20 && typeof cur.$ref === "string"; i++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith("#/")) break;
    let target: unknown = root;
    for (const seg of ref.slice(2).split("/"))
      target = (target as Schema | undefined)?.[decodeURIComponent(seg.replace(/~1/g, "/").replace(/~0/g, "~"))];
    if (!target || typeof target !== "object") break;
    cur = { ...(target as Schema), ...Object.fromEntries(Object.entries(cur).filter(([k]) => k !== "$ref")) };
  }
  return cur;
}

function typeOf(s: Schema): string | undefined {
  if (Array.isArray(s.type)) return (s.type as string[]).find((t) => t !== "null") ?? "null";
  if (typeof s.type === "string") return s.type;
  if (s.properties) return "object";
  if (s.items || s.prefixItems) return "array";
  return undefined;
}

function pageOfFigure(id: string): number | undefined {
  const m = /^p(\d+)-f\d+$/.exec(id);
  return m ? Number(m[1]) : undefined;
}

function span(ctx: FillContext): [number, number] {
  if (ctx.pages.length === 0) return [1, 1];
  return [ctx.pages[0], ctx.pages[ctx.pages.length - 1]];
}

/** Split the seen pages into n contiguous ranges (for sections). */
function rangeOf(ctx: FillContext, i: number, n: number): [number, number] {
  const pages = ctx.pages.length ? ctx.pages : [1];
  const size = Math.ceil(pages.length / n);
  const part = pages.slice(i * size, (i + 1) * size);
  const use = part.length ? part : [pages[pages.length - 1]];
  return [use[0], use[use.length - 1]];
}

function clampInt(v: number, s: Schema): number {
  let out = v;
  if (typeof s.minimum === "number") out = Math.max(out, Math.ceil(s.minimum));
  if (typeof s.exclusiveMinimum === "number") out = Math.max(out, Math.floor(s.exclusiveMinimum) + 1);
  if (typeof s.maximum === "number") out = Math.min(out, Math.floor(s.maximum));
  if (typeof s.exclusiveMaximum === "number") out = Math.min(out, Math.ceil(s.exclusiveMaximum) - 1);
  return out;
}

function sentence(hint: Hint, ctx: FillContext): string {
  const [from, to] = hint.pageRange ?? span(ctx);
  const name = hint.name.toLowerCase();
  if (hint.figureId) {
    return `Figure ${hint.figureId} on page ${hint.page ?? pageOfFigure(hint.figureId) ?? from} shows the subject discussed in the surrounding text.`;
  }
  const ids = ctx.figureIds.length ? ` It refers to figures ${ctx.figureIds.join(", ")}.` : "";
  if (name === "summary") return `This part covers pages ${from} to ${to}.${ids}`;
  if (name === "text") return `Point ${hint.index + 1} is made on page ${hint.page ?? from}.`;
  if (name === "title") return hint.pageRange ? `Section on pages ${from}-${to}` : `Document covering pages ${from}-${to}`;
  if (name === "caption") return `Caption of ${hint.figureId ?? "a figure"}`;
  return `${hint.name || "value"} ${hint.index + 1} for pages ${from}-${to}.`;
}

function fill(root: Schema, raw: Schema, ctx: FillContext, hint: Hint, depth: number): unknown {
  if (depth > 30) return null;
  const s = resolve(root, raw);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const opts = s[key];
    if (Array.isArray(opts) && opts.length) {
      const pick = (opts as Schema[]).find((o) => typeOf(resolve(root, o)) !== "null") ?? (opts as Schema[])[0];
      return fill(root, pick, ctx, hint, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length) {
    const merged: Schema = { ...s, allOf: undefined };
    for (const part of s.allOf as Schema[]) {
      const r = resolve(root, part);
      merged.properties = { ...(merged.properties as Schema), ...(r.properties as Schema) };
      merged.required = [...((merged.required as string[]) ?? []), ...((r.required as string[]) ?? [])];
      merged.type ??= r.type;
    }
    delete merged.allOf;
    return fill(root, merged, ctx, hint, depth + 1);
  }
  const name = hint.name.toLowerCase();
  switch (typeOf(s)) {
    case "object": {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const keys = Array.isArray(s.required) ? (s.required as string[]) : Object.keys(props);
      const out: Record<string, unknown> = {};
      for (const k of keys) {
        out[k] = fill(root, props[k] ?? {}, ctx, { ...hint, name: k }, depth + 1);
      }
      return out;
    }
    case "array":
      return fillArray(root, s, ctx, hint, depth);
    case "integer":
    case "number": {
      if (name === "page" || name === "from")
        return clampInt(hint.page ?? (hint.figureId ? pageOfFigure(hint.figureId) : undefined) ?? span(ctx)[0], s);
      if (name === "to") return clampInt(hint.pageRange?.[1] ?? span(ctx)[1], s);
      return clampInt(typeof s.exclusiveMinimum === "number" ? s.exclusiveMinimum + 1 : 0, s);
    }
    case "boolean":
      return false;
    case "null":
      return null;
    case "string": {
      let v: string;
      if (name === "id") v = hint.figureId ?? `item-${hint.index + 1}`;
      else if (name === "file") v = `figures/${hint.figureId ?? `item-${hint.index + 1}`}.png`;
      else if (s.format === "date-time") v = "2026-01-01T00:00:00Z";
      else if (s.format === "date") v = "2026-01-01";
      else v = sentence(hint, ctx);
      const min = typeof s.minLength === "number" ? s.minLength : 0;
      const max = typeof s.maxLength === "number" ? s.maxLength : Infinity;
      while (v.length < min) v += " more";
      return v.length > max ? v.slice(0, max) : v;
    }
    default:
      // an empty schema accepts anything: a short string is the least surprising
      return sentence(hint, ctx);
  }
}

function fillArray(root: Schema, s: Schema, ctx: FillContext, hint: Hint, depth: number): unknown[] {
  const name = hint.name.toLowerCase();
  const prefix = (Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : null) as Schema[] | null;
  if (prefix) {
    // a tuple such as pages: [from, to]
    const range = hint.pageRange ?? (hint.page !== undefined ? [hint.page, hint.page] : span(ctx));
    return prefix.map((p, i) =>
      fill(
        root,
        p,
        ctx,
        { ...hint, name: name === "pages" ? (i === 0 ? "from" : "to") : hint.name, index: i, pageRange: range as [number, number] },
        depth + 1,
      ),
    );
  }
  const items = resolve(root, (s.items ?? {}) as Schema);
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const max = typeof s.maxItems === "number" ? s.maxItems : Infinity;
  const itemType = typeOf(items);
  const itemProps = (items.properties ?? {}) as Record<string, unknown>;

  if (itemType === "object" && "id" in itemProps && ctx.figureIds.length) {
    // one entry per figure the request showed
    return ctx.figureIds
      .slice(0, max)
      .map((id, i) => fill(root, items, ctx, { name: hint.name, index: i, figureId: id, page: pageOfFigure(id) }, depth + 1));
  }
  if (name === "pages" && (itemType === "integer" || itemType === "number")) {
    const p = hint.page ?? span(ctx)[0];
    const vals = hint.pageRange && hint.pageRange[1] !== hint.pageRange[0] ? [hint.pageRange[0], hint.pageRange[1]] : [p];
    while (vals.length < min) vals.push(vals[vals.length - 1]);
    return vals.slice(0, max).map((v) => clampInt(v, items));
  }
  let n: number;
  if (name === "warnings" || name === "errors") n = min;
  else if (itemType === "object") n = Math.min(3, Math.max(1, ctx.pages.length));
  else n = 1;
  n = Math.min(max, Math.max(min, n));
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const page = ctx.pages.length ? ctx.pages[Math.min(ctx.pages.length - 1, Math.floor((i * ctx.pages.length) / n))] : 1;
    const itemHint: Hint = { name: hint.name, index: i, page };
    if (name === "sections") itemHint.pageRange = rangeOf(ctx, i, n);
    out.push(fill(root, items, ctx, itemHint, depth + 1));
  }
  return out;
}
