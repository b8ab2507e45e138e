import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveProfile } from "../../src/budget/profiles.js";
import { planDocument, type PlanOptions } from "../../src/plan/index.js";
import { requestPriorities } from "../../src/plan/priority.js";
import { testOutDir } from "../support/paths.js";
import { syntheticDoc } from "./synthetic.js";

process.env.LONGDOC_PROFILES = join(testOutDir("plan-priority"), "absent.json");

function opts(window?: number): PlanOptions {
  return { task: "summarize", profile: resolveProfile({ contextWindow: window }), provider: "mistral", outputReserve: 8192 };
}

describe("request priorities", () => {
  it("rank a map above the reduce waiting for it, and a longer document's request above a shorter one's", () => {
    const long = planDocument(syntheticDoc({ pages: 300, paragraphsPerPage: 6, figureEvery: 10 }), opts(60_000));
    expect(long.mode).toBe("map-reduce");
    const p = requestPriorities(long);
    const reduce = long.requests.find((r) => r.kind === "reduce")!;
    for (const map of long.requests.filter((r) => r.kind === "map")) {
      expect(p.get(map.id)!).toBeGreaterThan(p.get(reduce.id)!);
    }
    const short = planDocument(syntheticDoc({ pages: 3, paragraphsPerPage: 2 }), opts());
    const big = planDocument(syntheticDoc({ pages: 60, paragraphsPerPage: 6, figureEvery: 3 }), opts());
    expect(short.mode).toBe("single");
    expect(big.mode).toBe("single");
    expect(requestPriorities(big).get(big.requests[0]!.id)!).toBeGreaterThan(requestPriorities(short).get(short.requests[0]!.id)!);
  });
});
