import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveProfile, pricesFor } from "../../src/budget/profiles.js";
import { costTable, estimateCost, expectedCost } from "../../src/budget/cost.js";
import type { Plan } from "../../src/model/plan.js";
import { testOutDir } from "../support/paths.js";
import { InputError } from "../../src/errors.js";

// keep the user's real ~/.config/longdoc/profiles.json out of these tests
process.env.LONGDOC_PROFILES = join(testOutDir("budget-profiles"), "absent.json");

describe("resolveProfile", () => {
  it("has Mistral Small 4's facts and aliases", () => {
    const p = resolveProfile({});
    expect(p.id).toBe("mistral-small-2603");
    expect(p.window).toBe(262_144);
    expect(p.image).toEqual({ patch: 28, maxSide: 1540, minSide: 768, legibleTextPx: 12 });
    expect(p.safetyFactor).toBe(1.1);
    expect(p.maxImages).toBe(8);
    expect(p.known).toBe(true);
    for (const alias of ["mistral-small-latest", "mistralai/mistral-small-2603"]) {
      const a = resolveProfile({ model: alias, provider: "openrouter" });
      expect(a.id).toBe("mistral-small-2603");
      expect(a.model).toBe(alias);
    }
    expect(pricesFor(p, "mistral")[0]).toMatchObject({ inputPerM: 0.15, outputPerM: 0.6 });
    expect(pricesFor(p, "openrouter").map((x) => x.inputPerM)).toEqual([0.15, 0.19]);
    expect(pricesFor(p, "openai")).toEqual([]);
  });
  it("applies flag overrides", () => {
    const p = resolveProfile({ contextWindow: 32_000, imageMaxSide: 700, maxImages: 3 });
    expect(p.window).toBe(32_000);
    expect(p.image.maxSide).toBe(700);
    expect(p.image.minSide).toBe(700);
    expect(p.maxImages).toBe(3);
    expect(() => resolveProfile({ contextWindow: -1 })).toThrow(InputError);
  });
  it("treats an unknown model as the default profile's facts, marked unknown", () => {
    const p = resolveProfile({ model: "my-local-model", provider: "openai" });
    expect(p.known).toBe(false);
    expect(p.model).toBe("my-local-model");
    expect(p.window).toBe(262_144);
  });
  it("reads a profiles file that overrides and adds profiles", () => {
    const file = join(testOutDir("budget-profiles"), "profiles.json");
    writeFileSync(
      file,
      JSON.stringify({
        profiles: [
          { id: "mistral-small-2603", imageCaps: { openai: 2 } },
          {
            id: "tiny-vlm",
            aliases: ["tiny"],
            window: 16_384,
            image: { maxSide: 896 },
            prices: { openai: [{ host: "me", inputPerM: 1, outputPerM: 2 }] },
          },
        ],
      }),
    );
    expect(resolveProfile({ configFile: file, provider: "openai" }).maxImages).toBe(2);
    const tiny = resolveProfile({ configFile: file, model: "tiny", provider: "openai" });
    expect(tiny).toMatchObject({ id: "tiny-vlm", window: 16_384, known: true });
    expect(tiny.image).toEqual({ patch: 28, maxSide: 896, minSide: 768, legibleTextPx: 12 });
    expect(pricesFor(tiny, "openai")[0]!.inputPerM).toBe(1);
    expect(() => resolveProfile({ configFile: join(testOutDir("budget-profiles"), "nope.json") })).toThrow(/not found/);
    const bad = join(testOutDir("budget-profiles"), "bad.json");
    writeFileSync(bad, "{ nope");
    expect(() => resolveProfile({ configFile: bad })).toThrow(/not valid JSON/);
  });
});

describe("estimateCost", () => {
  it("prices planned input plus the full output reserve per request", () => {
    const p = resolveProfile({});
    const plan = { outputReserve: 10_000, requests: [{ totalTokens: 1_000_000 }, { totalTokens: 500_000 }] } as unknown as Plan;
    // 1.5 M in × 0.15 + 20k out × 0.60 per million
    expect(estimateCost(plan, p, "mistral")).toBeCloseTo(0.225 + 0.012, 6);
    expect(estimateCost(plan, p, "openai")).toBe(0);
    expect(estimateCost(plan, p, "offline")).toBeCloseTo(0.237, 6);
    const rows = costTable(plan, p);
    expect(rows.map((r) => `${r.provider}/${r.host}`)).toEqual(["mistral/mistral", "openrouter/mistral", "openrouter/other host"]);
    expect(rows[2]!.costUSD).toBeCloseTo(1.5 * 0.19 + 0.02 * 0.75, 6);
  });
});

describe("expectedCost", () => {
  it("prices a typical answer (500 tokens + 150 per figure, at most the reserve), below the upper bound", () => {
    const p = resolveProfile({});
    const plan = {
      outputReserve: 10_000,
      requests: [
        { totalTokens: 1_000_000, figureIds: ["p1-f1", "p2-f1"] },
        { totalTokens: 500_000, figureIds: [] },
      ],
    } as unknown as Plan;
    // 1.5 M in × 0.15 + (800 + 500) out × 0.60 per million
    expect(expectedCost(plan, p, "mistral")).toBeCloseTo(0.225 + (1300 * 0.6) / 1e6, 6);
    expect(expectedCost(plan, p, "mistral")).toBeLessThan(estimateCost(plan, p, "mistral"));
    expect(expectedCost(plan, p, "openai")).toBe(0);
    expect(costTable(plan, p)[0]!.expectedOutputTokens).toBe(1300);
  });
});
