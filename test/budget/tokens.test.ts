import { describe, expect, it } from "vitest";
import { getEncoding } from "js-tiktoken";
import { countTextTokens, estimateTextTokens, fitWithin, imageTokens } from "../../src/budget/tokens.js";
import { resolveProfile } from "../../src/budget/profiles.js";

const profile = resolveProfile({});

describe("imageTokens (DESIGN §4 encoder formula)", () => {
  it("matches hand-checked sizes", () => {
    expect(imageTokens(1540, 1540, profile)).toBe(55 * 56); // 3,080
    expect(imageTokens(1000, 500, profile)).toBe(37 * 18); // 36 cols + 1 break, 18 rows = 666
    expect(imageTokens(28, 28, profile)).toBe(2);
    expect(imageTokens(29, 1, profile)).toBe(3);
  });
  it("halves a 3080×1540 image before counting", () => {
    expect(fitWithin(3080, 1540, 1540)).toEqual({ width: 1540, height: 770 });
    expect(imageTokens(3080, 1540, profile)).toBe(56 * 28);
    expect(imageTokens(3080, 1540, profile)).toBe(imageTokens(1540, 770, profile));
  });
  it("uses the profile's max side", () => {
    const small = resolveProfile({ imageMaxSide: 770 });
    expect(imageTokens(1540, 1540, small)).toBe(28 * 28 + 28);
    expect(fitWithin(500, 300, 1540)).toEqual({ width: 500, height: 300 }); // never enlarged
  });
});

describe("countTextTokens", () => {
  const enc = getEncoding("o200k_base");
  const samples = [
    "Hello world!  This is   a test.\n\n\nNew paragraph, with numbers 1234567 and 3.14159.",
    "café naïve Zürich 東京 🚀 — “quotes” ‘single’ …",
    "Table 3-2\tColumn\tValue\r\nrow one\t12\r\n",
    "the literal <|endoftext|> string is plain text here",
    "",
  ];
  it("equals the o200k_base encoder's count", () => {
    for (const s of samples) expect(countTextTokens(s)).toBe(enc.encode(s, [], []).length);
    const long = samples.join(" ").repeat(500);
    expect(countTextTokens(long)).toBe(enc.encode(long, [], []).length);
  });
  it("counts a giant run without spaces quickly and close to per-char reality", () => {
    const started = Date.now();
    const n = countTextTokens("x".repeat(20_000));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(n).toBeGreaterThan(20_000 / 64);
    expect(n).toBeLessThan(20_000);
  });
  it("estimate = count × safety factor, rounded up", () => {
    const s = samples[0]!;
    expect(estimateTextTokens(s, profile)).toBe(Math.ceil(countTextTokens(s) * 1.1));
    expect(estimateTextTokens(s, { safetyFactor: 1 })).toBe(countTextTokens(s));
  });
});
