/**
 * The planner (DESIGN.md §5): one interleaved request when the document fits; else shrink the
 * images (never below the profile's floor); tile small figures into sheets when over the image
 * cap; else split into the fewest balanced chunks (map requests) plus reduce requests.
 * Deterministic: the same document and options give a deep-equal plan.
 */
import { documentTitle } from "../model/title.js";
import type { DocumentModel } from "../model/document.js";
import type { Plan, PlannedRequest } from "../model/plan.js";
import type { ModelProfile } from "../budget/profiles.js";
import { estimateCost } from "../budget/cost.js";
import { imageTokens, promptLimit } from "../budget/tokens.js";
import { InputError } from "../errors.js";
import { positiveInteger } from "../model/numbers.js";
import { documentHeader, systemPrompt } from "./prompts.js";
import type { Task } from "../model/task.js";
import { buildRequest, framingTokens, type RequestContext } from "./request.js";
import { sentSize, tileGrid } from "./legibility.js";
import { buildUnits, TokenMemo, type Unit } from "./units.js";
import { partition, type CostedUnit } from "./partition.js";
import { estimatePartialTokens } from "./reduce.js";

export interface PlanOptions {
  task: Task;
  profile: ModelProfile;
  provider: string;
  /** --max-output-tokens: reserved for the answer of every request (default 8192) */
  outputReserve: number;
  userPrompt?: string;
  customSchema?: boolean;
}

export { DEFAULT_OUTPUT_RESERVE } from "../defaults.js";

interface Planner {
  doc: DocumentModel;
  opts: PlanOptions;
  memo: TokenMemo;
  units: Unit[];
  limit: number;
  title: string;
  pageCount: number;
}

function ctxAt(p: Planner, maxSide: number): RequestContext {
  return { profile: p.opts.profile, memo: p.memo, maxSide, maxImages: p.opts.profile.maxImages };
}

function system(p: Planner, kind: PlannedRequest["kind"]): string {
  return systemPrompt({ task: p.opts.task, kind, userPrompt: p.opts.userPrompt, customSchema: p.opts.customSchema });
}

function fitsWindow(p: Planner, r: { request: PlannedRequest; withinImageCap: boolean }): boolean {
  return r.withinImageCap && r.request.totalTokens <= p.limit;
}

function singleAt(p: Planner, side: number) {
  const header = documentHeader({ title: p.title, pageCount: p.pageCount, outline: p.doc.outline, kind: "single" });
  return buildRequest("r1", "single", system(p, "single"), header, p.units, ctxAt(p, side));
}

/**
 * Per-unit costs at an image side: text, image tokens (each figure at its size sent alone, never
 * under its legibility floor), the two content parts a figure adds, and how densely it may be tiled.
 */
function costs(p: Planner, side: number): CostedUnit[] {
  const { profile } = p.opts;
  return p.units.map((u) => {
    if (!u.figure) return { cost: u.textTokens, figures: 0, breakBefore: u.breakBefore };
    const size = sentSize(u.figure, side, profile);
    return {
      cost: u.textTokens + imageTokens(size.width, size.height, profile) + 2 * profile.framing.perPart,
      figures: 1,
      tileGrid: tileGrid(u.figure, side, profile),
      breakBefore: u.breakBefore,
    };
  });
}

/** Tokens every map request spends before its content: system, header (worst-case part numbers), framing. */
function mapOverhead(p: Planner): number {
  const header = documentHeader({
    title: p.title,
    pageCount: p.pageCount,
    outline: p.doc.outline,
    kind: "map",
    part: { index: 99999, of: 99999, pages: [99999, 99999] },
  });
  return p.memo.estimate(system(p, "map")) + p.memo.estimate(header) + framingTokens(p.opts.profile, 1);
}

function largestSideWhere(lo: number, hi: number, ok: (side: number) => boolean): number {
  // invariant: ok(lo) holds; find the largest side in [lo, hi] where ok holds (monotone enough)
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function chunkStarts(p: Planner, side: number, budget: number): number[] | null {
  return partition(costs(p, side), budget, p.opts.profile.maxImages)?.starts ?? null;
}

function mapRequests(p: Planner, side: number, starts: number[]): PlannedRequest[] {
  return starts.map((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]! : p.units.length;
    const slice = p.units.slice(start, end);
    const pages: [number, number] = [slice[0]!.page, slice[slice.length - 1]!.page];
    const header = documentHeader({
      title: p.title,
      pageCount: p.pageCount,
      outline: p.doc.outline,
      kind: "map",
      part: { index: i + 1, of: starts.length, pages },
    });
    const built = buildRequest(`r${i + 1}`, "map", system(p, "map"), header, slice, ctxAt(p, side));
    // a chunk the densest tiling cannot bring under the cap is reported as over the window
    return built.withinImageCap ? built.request : { ...built.request, totalTokens: Number.POSITIVE_INFINITY };
  });
}

/**
 * The chunk costs count every figure as its own image; tiling inside a chunk (over the image cap)
 * usually costs less. When the built requests show the content would fit fewer chunks, cut again
 * with the budget scaled by the measured ratio, and keep the result only if every request fits.
 */
function fewerChunksAfterTiling(p: Planner, side: number, budget: number, maps: PlannedRequest[]): PlannedRequest[] {
  const planned = costs(p, side).reduce((s, u) => s + u.cost, 0);
  const overhead = mapOverhead(p);
  let best = maps;
  for (let attempt = 0; attempt < 4; attempt++) {
    const actual = best.reduce((s, m) => s + m.totalTokens - overhead, 0);
    if (Math.ceil(actual / budget) >= best.length || actual >= planned) return best;
    const scaled = Math.floor((budget * planned) / actual) - attempt * Math.ceil(budget * 0.02);
    const starts = chunkStarts(p, side, scaled);
    if (!starts || starts.length >= best.length) return best;
    const candidate = mapRequests(p, side, starts);
    if (candidate.every((m) => m.totalTokens <= p.limit)) best = candidate;
  }
  return best;
}

function reduceRequests(p: Planner, maps: PlannedRequest[]): PlannedRequest[] {
  const { profile, outputReserve } = p.opts;
  const sys = system(p, "reduce");
  const out: PlannedRequest[] = [];
  let level = maps.map((m) => ({ id: m.id, pages: m.pages }));
  let depth = 0;
  const make = (id: string, inputs: typeof level): PlannedRequest => {
    const header = documentHeader({
      title: p.title,
      pageCount: p.pageCount,
      outline: p.doc.outline,
      kind: "reduce",
      partials: inputs.length,
    });
    const partialTokens = estimatePartialTokens(
      profile,
      outputReserve,
      inputs.map((i) => ({ requestId: i.id, pages: i.pages })),
    );
    const textTokens = p.memo.estimate(sys) + p.memo.estimate(header) + partialTokens;
    return {
      id,
      kind: "reduce",
      pages: [inputs[0]!.pages[0], inputs[inputs.length - 1]!.pages[1]],
      system: sys,
      parts: [{ type: "text", text: header }],
      inputs: inputs.map((i) => i.id),
      // partials' framing is inside partialTokens; here the two messages and the header part
      textTokens,
      imageTokens: 0,
      images: 0,
      totalTokens: textTokens + framingTokens(profile, 1),
      figureIds: [],
    };
  };
  for (;;) {
    const all = make("reduce", level);
    if (all.totalTokens <= p.limit) {
      out.push(all);
      return out;
    }
    // how many partials one reduce holds: shrink the group until it fits
    let per = level.length - 1;
    while (per >= 2 && make("x", level.slice(0, per)).totalTokens > p.limit) per--;
    if (per < 2) {
      throw new InputError(
        `the context window (${profile.window}) is too small to combine two partial results of ${outputReserve} tokens; lower --max-output-tokens`,
      );
    }
    depth++;
    const groups = Math.ceil(level.length / per);
    const next: typeof level = [];
    let k = 0;
    for (let g = 0; g < groups; g++) {
      const size = Math.floor(level.length / groups) + (g < level.length % groups ? 1 : 0);
      const req = make(`reduce-${depth}-${g + 1}`, level.slice(k, k + size));
      k += size;
      out.push(req);
      next.push({ id: req.id, pages: req.pages });
    }
    level = next;
  }
}

export function planDocument(doc: DocumentModel, opts: PlanOptions): Plan {
  const { profile } = opts;
  positiveInteger(opts.outputReserve, "--max-output-tokens");
  const memo = new TokenMemo(profile.safetyFactor);
  const p: Planner = {
    doc,
    opts,
    memo,
    units: buildUnits(doc, { profile, memo }),
    limit: promptLimit(profile.window, opts.outputReserve),
    title: documentTitle(doc),
    pageCount: doc.source.pages || doc.pages.length,
  };
  const warnings: string[] = [];
  const finish = (requests: PlannedRequest[], side: number): Plan => {
    const plan: Plan = {
      model: profile.model,
      window: profile.window,
      outputReserve: opts.outputReserve,
      mode: requests.length === 1 ? "single" : "map-reduce",
      task: opts.task,
      imageMaxSide: side,
      maxImages: profile.maxImages,
      provider: opts.provider,
      requests,
      estimatedCostUSD: 0,
      warnings,
    };
    plan.estimatedCostUSD = estimateCost(plan, profile, opts.provider);
    return plan;
  };
  const { maxSide, minSide } = profile.image;

  // 1-2. one request, at full image size or shrunk down to the floor
  const textOnly = p.units.reduce((s, u) => s + u.textTokens, 0);
  if (textOnly <= p.limit) {
    const full = singleAt(p, maxSide);
    if (fitsWindow(p, full)) return finish([full.request], maxSide);
    if (fitsWindow(p, singleAt(p, minSide))) {
      const side = largestSideWhere(minSide, maxSide, (s) => fitsWindow(p, singleAt(p, s)));
      warnings.push(`images shrunk to at most ${side} px on the longest side so the document fits one request`);
      return finish([singleAt(p, side).request], side);
    }
  }

  // 3. split: the fewest chunks at the floor size, then the largest image side that keeps that count
  let budget = p.limit - mapOverhead(p);
  if (budget <= 0)
    throw new InputError(`the context window (${profile.window}) leaves no room for content after the prompt and output reserve`);
  for (let attempt = 0; attempt < 8; attempt++) {
    const atFloor = chunkStarts(p, minSide, budget);
    if (!atFloor) {
      throw new InputError(
        `a single page element does not fit a ${profile.window}-token window with a ${opts.outputReserve}-token output reserve`,
      );
    }
    const n = atFloor.length;
    const side = largestSideWhere(minSide, maxSide, (s) => chunkStarts(p, s, budget)?.length === n);
    const maps = mapRequests(p, side, side === minSide ? atFloor : chunkStarts(p, side, budget)!);
    const over = Math.max(...maps.map((m) => m.totalTokens - p.limit));
    if (over <= 0) {
      const best = fewerChunksAfterTiling(p, side, budget, maps);
      if (side < maxSide) warnings.push(`images shrunk to at most ${side} px on the longest side`);
      return finish([...best, ...reduceRequests(p, best)], side);
    }
    // tiling text or sheet labels pushed a chunk over: tighten the budget and cut again
    budget -= Number.isFinite(over) ? over + 16 : Math.ceil(budget * 0.1);
  }
  throw new InputError("could not plan requests that fit the context window");
}
