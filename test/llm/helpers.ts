import { mkdtempSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { resolveProvider, type ProviderConfig } from "../../src/llm/providers.js";
import type { ModelRequest } from "../../src/llm/types.js";
import type { FakeServer } from "../support/fake-server.js";
import { testOutDir } from "../support/paths.js";

export async function png(width: number, height: number, colour = "#c03020"): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();
}

export const figureSchema = {
  name: "figures_result",
  schema: {
    type: "object",
    additionalProperties: false,
    required: ["title", "summary", "figures", "keyPoints"],
    properties: {
      title: { type: "string" },
      summary: { type: "string" },
      keyPoints: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["text", "pages"],
          properties: { text: { type: "string" }, pages: { type: "array", items: { type: "integer", exclusiveMinimum: 0 } } },
        },
      },
      figures: {
        type: "array",
        items: {
          type: "object",
          additionalProperties: false,
          required: ["id", "page", "description"],
          properties: { id: { type: "string" }, page: { type: "integer", exclusiveMinimum: 0 }, description: { type: "string" } },
        },
      },
    },
  },
};

export interface FiguresResult {
  title: string;
  summary: string;
  keyPoints: { text: string; pages: number[] }[];
  figures: { id: string; page: number; description: string }[];
}

/** A small hand-written check, so the tests do not lean on the code under test. */
export function validateFigures(v: unknown): { ok: true; value: FiguresResult } | { ok: false; error: string } {
  const o = v as FiguresResult;
  if (!o || typeof o !== "object") return { ok: false, error: "not an object" };
  if (typeof o.title !== "string" || typeof o.summary !== "string") return { ok: false, error: "title/summary missing" };
  if (
    !Array.isArray(o.figures) ||
    !o.figures.every((f) => typeof f.id === "string" && Number.isInteger(f.page) && typeof f.description === "string")
  ) {
    return { ok: false, error: "figures malformed" };
  }
  if (!Array.isArray(o.keyPoints)) return { ok: false, error: "keyPoints missing" };
  return { ok: true, value: o };
}

export async function sampleRequest(over: Partial<ModelRequest> = {}): Promise<ModelRequest> {
  return {
    id: "r1",
    model: "mistral-small-2603",
    system: "You summarise documents. Answer with JSON only.",
    content: [
      { type: "text", text: "[page 1]\nIntroduction to the pump.\nFigure p1-f1: the pump housing" },
      { type: "image", mime: "image/png", data: await png(300, 200), width: 300, height: 200 },
      { type: "text", text: "[page 2]\nMaintenance steps.\nFigure p2-f1: the filter" },
      { type: "image", mime: "image/png", data: await png(60, 900, "#2040c0"), width: 60, height: 900 },
    ],
    maxOutputTokens: 2000,
    schema: figureSchema,
    reasoning: "none",
    ...over,
  };
}

/** Provider config pointed at the fake server, the way a user would configure it. */
export function providerFor(server: FakeServer, key = server.apiKey ?? undefined): ProviderConfig {
  const env: NodeJS.ProcessEnv = {};
  if (server.flavour === "mistral") env.MISTRAL_API_KEY = key;
  else if (server.flavour === "openrouter") env.OPENROUTER_API_KEY = key;
  else if (key) env.LONGDOC_API_KEY = key;
  const provider = server.flavour === "mistral" || server.flavour === "openrouter" ? server.flavour : "openai";
  return resolveProvider({ provider, baseUrl: server.url }, env);
}

let n = 0;
export function freshCacheDir(name: string): string {
  return mkdtempSync(join(testOutDir("llm-cache"), `${name}-${process.pid}-${n++}-`));
}

export const fastRetry = { baseMs: 10, maxMs: 40, retryAfterCapMs: 5_000 };
