import { describe, expect, it } from "vitest";
import { isDegenerate, outputCap } from "../../src/pipeline/execute.js";

describe("output budget of a planned request", () => {
  it("caps max_tokens at 4x the reserve, 65,536, and the window minus the prompt and a margin", () => {
    expect(outputCap(262_144, 10_000, 8_192, 1)).toBe(32_768);
    expect(outputCap(262_144, 10_000, 32_768, 1)).toBe(65_536);
    // a big prompt: room is window - estimate*1.02 - 1% of the window
    const cap = outputCap(262_144, 240_000, 8_192, 1);
    expect(cap).toBe(262_144 - Math.ceil(240_000 * 1.02) - Math.ceil(262_144 * 0.01));
    expect(cap + 240_000).toBeLessThan(262_144);
    // a measured under-estimate shrinks the room further
    expect(outputCap(262_144, 200_000, 32_768, 1.2)).toBe(262_144 - 240_000 - Math.ceil(262_144 * 0.01));
  });

  it("tells a looping answer from a long one", () => {
    expect(isDegenerate('{"summary": "' + "the pump, ".repeat(120))).toBe(true);
    const varied = Array.from({ length: 200 }, (_, i) => `point ${i} about page ${i % 17}`).join("; ");
    expect(isDegenerate(varied)).toBe(false);
    expect(isDegenerate("short")).toBe(false);
  });
});
