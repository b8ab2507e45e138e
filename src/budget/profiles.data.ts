/**
 * Built-in model profiles (DESIGN.md §4) as data. Users add or override entries in a
 * profiles.json file with the same shape (see profiles.ts for where it is looked up).
 */
import type { ProfileData } from "./profiles.js";

export const builtinProfiles: ProfileData[] = [
  {
    id: "mistral-small-2603",
    aliases: ["mistral-small-latest", "mistralai/mistral-small-2603", "mistral-small-4"],
    window: 262_144,
    // o200k_base is not Mistral's tokenizer; usage.json records actuals to calibrate this
    safetyFactor: 1.1,
    // legibleTextPx: the smallest text height figures are sent with (a figure's minTextPx is at 12 px)
    image: { patch: 28, maxSide: 1540, minSide: 768, legibleTextPx: 12 },
    // chat-template tokens around each message and content part ([INST], [IMG] ...), counted generously
    framing: { perMessage: 8, perPart: 4 },
    // Mistral's API and OpenRouter (which forwards to it) reject requests with more than 8 images;
    // a vLLM server accepts what --limit-mm-per-prompt allows, 8 is a safe default to override.
    imageCaps: { mistral: 8, openrouter: 8, openai: 8, offline: 8 },
    prices: {
      // the batch API bills half the live price (and is not rate limited)
      mistral: [{ host: "mistral", inputPerM: 0.15, outputPerM: 0.6, batch: { inputPerM: 0.075, outputPerM: 0.3 } }],
      openrouter: [
        { host: "mistral", inputPerM: 0.15, outputPerM: 0.6 },
        { host: "other host", inputPerM: 0.19, outputPerM: 0.75 },
      ],
    },
  },
];
