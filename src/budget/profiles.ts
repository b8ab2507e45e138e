import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import envPaths from "env-paths";
import { InputError } from "../errors.js";
import { positiveInteger } from "../model/numbers.js";
import { builtinProfiles } from "./profiles.data.js";

export interface PriceEntry {
  /** who serves the model at this price (OpenRouter lists several hosts) */
  host: string;
  inputPerM: number;
  outputPerM: number;
  /** the provider's batch API price (--batch-api), when it has one */
  batch?: { inputPerM: number; outputPerM: number };
}

/** A model profile as stored (built-in data or the user's profiles.json). */
export interface ProfileData {
  id: string;
  aliases?: string[];
  window: number;
  safetyFactor: number;
  image: {
    /** encoder patch side in px: one token per patch, plus one per row */
    patch: number;
    /** images are scaled so their longest side is at most this */
    maxSide: number;
    /** the planner never shrinks an image's longest side below this */
    minSide: number;
    /**
     * smallest text height (px) the model still reads: no figure is sent, alone or tiled, so small
     * that its smallest text falls below this (the figure's minTextPx scaled from 12 px)
     */
    legibleTextPx?: number;
  };
  framing: { perMessage: number; perPart: number };
  /** images per request by provider */
  imageCaps: Record<string, number>;
  /** prices by provider; a provider without prices costs 0 (self-hosted) */
  prices: Record<string, PriceEntry[]>;
}

/** A profile resolved for one run: overrides applied, image cap chosen for the provider. */
export interface ModelProfile extends ProfileData {
  aliases: string[];
  /** the model id as the user asked for it (sent to the API) */
  model: string;
  provider: string;
  maxImages: number;
  /** false when the model id matched no profile and the default profile's facts were used */
  known: boolean;
}

export interface ResolveProfileOptions {
  model?: string;
  provider?: string;
  /** JSON file with { "profiles": [ProfileData-like, ...] }; default: see defaultProfilesFile() */
  configFile?: string;
  contextWindow?: number;
  imageMaxSide?: number;
  maxImages?: number;
}

export const DEFAULT_MODEL = "mistral-small-2603";
/** legible text height when a profile does not say (DESIGN.md §3) */
export const DEFAULT_LEGIBLE_TEXT_PX = 12;
export const DEFAULT_PROVIDER = "mistral";

/** ~/.config/longdoc/profiles.json on Linux (env-paths); LONGDOC_PROFILES overrides it. */
export function defaultProfilesFile(): string {
  return process.env.LONGDOC_PROFILES ?? join(envPaths("longdoc", { suffix: "" }).config, "profiles.json");
}

type PartialProfile = Partial<Omit<ProfileData, "image" | "framing">> & {
  id: string;
  /** start from this profile's facts (default: the built-in default profile when the id is new) */
  extends?: string;
  image?: Partial<ProfileData["image"]>;
  framing?: Partial<ProfileData["framing"]>;
};

function readUserProfiles(file: string, explicit: boolean): PartialProfile[] {
  if (!existsSync(file)) {
    if (explicit) throw new InputError("profiles file not found", file);
    return [];
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new InputError(`profiles file is not valid JSON (${(err as Error).message})`, file);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { profiles?: unknown })?.profiles;
  if (!Array.isArray(list) || list.some((p) => typeof p !== "object" || p === null || typeof p.id !== "string")) {
    throw new InputError('profiles file must hold { "profiles": [{ "id": ..., ... }] }', file);
  }
  return list as PartialProfile[];
}

function findProfile(list: ProfileData[], name: string): ProfileData | undefined {
  const key = name.toLowerCase();
  return list.find((p) => p.id.toLowerCase() === key || (p.aliases ?? []).some((a) => a.toLowerCase() === key));
}

function merge(base: ProfileData, over: PartialProfile): ProfileData {
  return {
    ...base,
    ...over,
    aliases: over.aliases ?? base.aliases ?? [],
    image: { ...base.image, ...over.image },
    framing: { ...base.framing, ...over.framing },
    imageCaps: { ...base.imageCaps, ...over.imageCaps },
    prices: { ...base.prices, ...over.prices },
  };
}

/** All profiles: built-ins, then the user's file entries merged over them (same id) or added. */
export function loadProfiles(configFile?: string): ProfileData[] {
  const list = builtinProfiles.map((p) => structuredClone(p));
  const file = configFile ?? defaultProfilesFile();
  for (const entry of readUserProfiles(file, configFile !== undefined)) {
    const existing = findProfile(list, entry.id);
    const base = existing ?? findProfile(list, entry.extends ?? DEFAULT_MODEL) ?? list[0]!;
    const merged = merge(base, existing ? entry : { aliases: [], ...entry });
    if (existing) list[list.indexOf(existing)] = merged;
    else list.push(merged);
  }
  return list;
}

/**
 * The profile for a model id (or alias) and provider, with flag overrides applied.
 * An unknown model id gets the default profile's facts (window, encoder) under its own name,
 * with known=false so callers can say so; --context-window fixes the window for other models.
 */
export function resolveProfile(opts: ResolveProfileOptions = {}): ModelProfile {
  const provider = opts.provider ?? DEFAULT_PROVIDER;
  const model = opts.model ?? DEFAULT_MODEL;
  const profiles = loadProfiles(opts.configFile);
  const found = findProfile(profiles, model);
  const base = structuredClone(found ?? findProfile(profiles, DEFAULT_MODEL) ?? profiles[0]!);
  const window = positiveInteger(opts.contextWindow, "--context-window") ?? base.window;
  const maxSide = positiveInteger(opts.imageMaxSide, "--image-max-side") ?? base.image.maxSide;
  const maxImages = positiveInteger(opts.maxImages, "--max-images") ?? base.imageCaps[provider] ?? base.imageCaps[DEFAULT_PROVIDER] ?? 8;
  return {
    ...base,
    aliases: base.aliases ?? [],
    model,
    provider,
    window,
    // a smaller max side also lowers the shrink floor, so the floor never exceeds the ceiling
    image: { ...base.image, maxSide, minSide: Math.min(base.image.minSide, maxSide) },
    maxImages,
    known: found !== undefined,
  };
}

/** The batch API price of the provider's first price row, or null when it has no batch price. */
export function batchPriceFor(profile: ProfileData, provider: string): { inputPerM: number; outputPerM: number } | null {
  return pricesFor(profile, provider)[0]?.batch ?? null;
}

/** Price rows for a provider; offline plans are priced as if sent to Mistral's API. */
export function pricesFor(profile: ProfileData, provider: string): PriceEntry[] {
  if (provider === "offline") return profile.prices[DEFAULT_PROVIDER] ?? [];
  return profile.prices[provider] ?? [];
}
