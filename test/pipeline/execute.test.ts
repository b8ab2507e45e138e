/**
 * executePlan with the real client against the fake server, on a real extraction of the sample:
 * a figure whose id the request text never names comes back undescribed and is asked for again.
 */
import { createRequestSlots } from "../../src/llm/slots.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveProfile } from "../../src/budget/profiles.js";
import { extract } from "../../src/extract/index.js";
import { createModelClient } from "../../src/llm/client.js";
import { resolveProvider } from "../../src/llm/providers.js";
import type { Extraction } from "../../src/model/document.js";
import { planDocument } from "../../src/plan/index.js";
import { executePlan } from "../../src/pipeline/execute.js";
import type { PipelineEvent } from "../../src/pipeline/events.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { samplePdf } from "../e2e/helpers.js";

describe("executePlan", () => {
  let server: FakeServer;
  let extraction: Extraction;
  beforeAll(async () => {
    server = await startFakeServer({ flavour: "openai", apiKey: null });
    extraction = await extract(samplePdf);
  });
  afterAll(() => server.close());

  it("asks again for the figures an answer left out", async () => {
    const figureIds = [...extraction.figures.keys()];
    expect(figureIds.length).toBeGreaterThan(1);
    const hidden = figureIds[1];
    const profile = resolveProfile({ provider: "openai" });
    const plan = planDocument(extraction.document, { task: "figures", profile, provider: "openai", outputReserve: 4096 });
    expect(plan.requests).toHaveLength(1);
    // the request text no longer names one figure, so the (fake) model does not describe it
    for (const part of plan.requests[0].parts) if (part.type === "text") part.text = part.text.split(hidden).join("the next figure");
    const events: PipelineEvent[] = [];
    const result = await executePlan({
      task: "figures",
      extraction,
      profile,
      prices: null,
      client: createModelClient(resolveProvider({ baseUrl: server.url }, {}), { cacheDir: false }),
      reasoning: "none",
      slots: createRequestSlots(2),
      replan: () => {
        throw new Error("no re-plan expected");
      },
      initialPlan: plan,
      document: samplePdf,
      onEvent: (e) => events.push(e),
    });
    expect(server.requests).toHaveLength(2);
    const first = new Set(result.answer!.figures.map((f) => f.id));
    expect(first.has(hidden)).toBe(false);
    // the follow-up carries only the missing figure: its id in the text and its one image
    const followUp = server.requests[1];
    expect(followUp.images).toHaveLength(1);
    expect(followUp.rawBody).toContain(hidden);
    expect(result.partialFigures.find((f) => f.id === hidden)?.description).toMatch(/\S/);
    expect(result.usage.map((u) => u.kind)).toEqual(["single", "figures-followup"]);
    expect(result.warnings).toEqual([]);
    expect(events.filter((e) => e.type === "request-end")).toHaveLength(2);
  });
});
