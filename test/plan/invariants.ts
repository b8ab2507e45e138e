/** Properties every plan must have, checked against the document it came from. */
import { expect } from "vitest";
import type { DocumentModel } from "../../src/model/document.js";
import { figureBlocks } from "../../src/model/document.js";
import { figureContent } from "../../src/plan/figure-content.js";
import { documentTitle } from "../../src/model/title.js";
import type { Plan } from "../../src/model/plan.js";
import { documentHeader, systemPrompt } from "../../src/plan/prompts.js";
import { estimateTextTokens } from "../../src/budget/tokens.js";
import type { ModelProfile } from "../../src/budget/profiles.js";
import { framingTokens } from "../../src/plan/request.js";
import { MIN_TEXT_PX_REFERENCE } from "../../src/plan/legibility.js";
import { LABEL_HEIGHT } from "../../src/plan/sheets.js";

export function requestText(r: Plan["requests"][number]): string {
  return r.parts.map((p) => (p.type === "text" ? p.text : "")).join("");
}

/** the chars of a needle that occurrences() hashes: every needle it is given is at least this long */
const ANCHOR = 64;

/**
 * Where each needle (at least ANCHOR chars) starts in `hay`, every occurrence (overlapping ones
 * too), as indexOf would find them: one pass of a rolling hash over the first ANCHOR chars, each
 * hit checked in full. Searching a 2000-page document's text once per block took seconds.
 */
function occurrences(hay: string, needles: Iterable<string>): Map<string, number[]> {
  const B = 257;
  let top = 1; // B^(ANCHOR-1) mod 2^32
  for (let i = 1; i < ANCHOR; i++) top = Math.imul(top, B);
  const hashOf = (s: string, from: number) => {
    let h = 0;
    for (let i = from; i < from + ANCHOR; i++) h = (Math.imul(h, B) + s.charCodeAt(i)) | 0;
    return h;
  };
  const byHash = new Map<number, string[]>();
  const out = new Map<string, number[]>();
  for (const n of needles) {
    if (out.has(n)) continue;
    out.set(n, []);
    const h = hashOf(n, 0);
    const list = byHash.get(h);
    if (list) list.push(n);
    else byHash.set(h, [n]);
  }
  if (hay.length < ANCHOR) return out;
  let h = hashOf(hay, 0);
  for (let i = 0; ; i++) {
    for (const n of byHash.get(h) ?? []) if (hay.startsWith(n, i)) out.get(n)!.push(i);
    if (i + ANCHOR >= hay.length) break;
    h = (Math.imul(h - Math.imul(hay.charCodeAt(i), top), B) + hay.charCodeAt(i + ANCHOR)) | 0;
  }
  return out;
}

export function checkPlanInvariants(doc: DocumentModel, plan: Plan, profile: ModelProfile): void {
  const texts = new Map(plan.requests.map((r) => [r, requestText(r)]));
  const textOf = (r: Plan["requests"][number]) => texts.get(r)!;
  const limit = plan.window - plan.outputReserve;
  // 1. no request's estimate exceeds the window minus the output reserve; images within the cap
  for (const r of plan.requests) {
    expect(r.totalTokens, `${r.id} over the window`).toBeLessThanOrEqual(limit);
    expect(r.images).toBeLessThanOrEqual(plan.maxImages);
    expect(r.totalTokens).toBe(r.textTokens + r.imageTokens + framingTokens(profile, r.kind === "reduce" ? 1 : r.parts.length));
  }
  const content = plan.requests.filter((r) => r.kind !== "reduce");
  expect(content.length).toBeGreaterThan(0);
  if (plan.mode === "single") expect(content.length).toBe(1);
  else expect(content.every((r) => r.kind === "map")).toBe(true);

  // 2. every figure in exactly one content request, in reading order (a figure sent as its text
  // alone is introduced in the text); every sheet cell belongs to it
  const figureIds = figureBlocks(doc)
    .filter((f) => figureContent(f) !== "text")
    .map((f) => f.id);
  expect(content.flatMap((r) => r.figureIds)).toEqual(figureIds);
  for (const f of figureBlocks(doc).filter((f) => figureContent(f) === "text")) {
    expect(content.filter((r) => textOf(r).includes(`Figure ${f.id} (page `))).toHaveLength(1);
  }
  for (const r of content) {
    const shown = r.parts.flatMap((p) => (p.type === "image" ? [p.figureId] : p.type === "sheet" ? p.cells.map((c) => c.figureId) : []));
    expect([...shown].sort()).toEqual([...r.figureIds].sort());
    for (const id of r.figureIds) expect(textOf(r)).toContain(`Figure ${id} (page `);
  }

  // 2b. legibility: no figure is sent (alone or in a sheet cell) with its smallest text under the
  // profile's legible height, unless it was extracted too small for that; page scans are never tiled
  const legible = profile.image.legibleTextPx ?? 12;
  const blocks = new Map(figureBlocks(doc).map((f) => [f.id, f]));
  for (const r of content) {
    let smallest: number | undefined;
    for (const part of r.parts) {
      const sent =
        part.type === "image"
          ? [{ id: part.figureId, side: Math.max(part.width, part.height), tiled: false }]
          : part.type === "sheet"
            ? part.cells.map((c) => ({ id: c.figureId, side: Math.max(c.width, c.height), tiled: true }))
            : [];
      for (const s of sent) {
        const fig = blocks.get(s.id)!;
        if (s.tiled) expect(fig.kind, `${s.id} is a page scan in a sheet`).not.toBe("page-scan");
        if (!fig.minTextPx) continue;
        const floor = Math.min(
          Math.max(fig.width, fig.height),
          profile.image.maxSide,
          Math.ceil((fig.minTextPx * legible) / MIN_TEXT_PX_REFERENCE),
        );
        expect(s.side, `${s.id} sent below its legibility floor`).toBeGreaterThanOrEqual(floor);
        const px = Math.floor((MIN_TEXT_PX_REFERENCE * s.side) / fig.minTextPx);
        smallest = smallest === undefined ? px : Math.min(smallest, px);
      }
    }
    expect(r.smallestTextPx, `${r.id} smallest text sent`).toBe(smallest);
  }

  // 3. every text block exactly once across content requests, in order
  const title = documentTitle(doc);
  const bodies = content
    .map((r, i) => {
      const header = documentHeader({
        title,
        pageCount: doc.source.pages || doc.pages.length,
        outline: doc.outline,
        kind: r.kind,
        ...(r.kind === "map" ? { part: { index: i + 1, of: content.length, pages: r.pages } } : {}),
      });
      const text = textOf(r);
      expect(text.startsWith(header)).toBe(true);
      return text.slice(header.length);
    })
    .join("");
  const docText = doc.pages.flatMap((pg) => pg.blocks.map((b) => (b.type === "figure" ? "" : b.text.trim()))).join("\n");
  // a long block: more than 80 chars
  const longTexts = doc.pages.flatMap((pg) =>
    pg.blocks.flatMap((b) => (b.type !== "figure" && b.text.trim().length > 80 ? [b.text.trim()] : [])),
  );
  const inDoc = occurrences(docText, longTexts);
  const inBodies = occurrences(bodies, longTexts);
  const once = (text: string) => inDoc.get(text)!.length === 1;
  let from = 0;
  for (const page of doc.pages) {
    for (const b of page.blocks) {
      if (b.type === "figure") continue;
      const text = b.text.trim();
      const at = bodies.indexOf(text, from);
      expect(at, `block on page ${page.number} missing or out of order`).toBeGreaterThanOrEqual(0);
      from = at + text.length;
      // a long block that occurs once in the document occurs once in the requests
      if (text.length > 80 && once(text))
        expect(inBodies.get(text)!.find((p) => p >= from) ?? -1, `block repeated: ${text.slice(0, 60)}`).toBe(-1);
    }
  }

  // 4. the estimate counts the text as sent: recounting the parts agrees within rounding
  for (const r of content) {
    const recount = estimateTextTokens(r.system, profile) + estimateTextTokens(textOf(r), profile);
    expect(recount).toBeLessThanOrEqual(r.textTokens + 2);
    expect(recount).toBeGreaterThanOrEqual(Math.floor(r.textTokens * 0.97) - 2);
  }

  // 5. fewest maps: at most one over the lower bound ceil(content / usable window)
  if (plan.mode === "map-reduce") {
    const maps = content;
    const header = documentHeader({
      title: doc.source.title ?? "",
      pageCount: doc.source.pages || doc.pages.length,
      outline: doc.outline,
      kind: "map",
      part: { index: 99999, of: 99999, pages: [99999, 99999] },
    });
    const overhead =
      estimateTextTokens(systemPrompt({ task: plan.task, kind: "map" }), profile) +
      estimateTextTokens(header, profile) +
      framingTokens(profile, 1);
    const total = maps.reduce((s, m) => s + m.totalTokens - overhead, 0);
    // figures that may not be tiled (page scans, floors above a 2×2 cell) take an image slot each
    const legibleAt = profile.image.legibleTextPx ?? 12;
    const cell = Math.floor(plan.imageMaxSide / 2) - LABEL_HEIGHT;
    const alone = figureBlocks(doc).filter(
      (f) =>
        f.kind === "page-scan" ||
        (f.minTextPx !== undefined &&
          Math.min(Math.max(f.width, f.height), Math.ceil((f.minTextPx * legibleAt) / MIN_TEXT_PX_REFERENCE)) > cell),
    ).length;
    const lowerBound = Math.max(Math.ceil(total / (limit - overhead)), Math.ceil(alone / plan.maxImages));
    expect(maps.length).toBeLessThanOrEqual(lowerBound + 1);
    // and the reduces combine every map exactly once, ending in one final reduce
    const reduces = plan.requests.filter((r) => r.kind === "reduce");
    const inputs = reduces.flatMap((r) => r.inputs ?? []);
    expect([...inputs].sort()).toEqual([...maps.map((m) => m.id), ...reduces.slice(0, -1).map((r) => r.id)].sort());
    expect(reduces[reduces.length - 1]!.id).toBe("reduce");
  }
}
