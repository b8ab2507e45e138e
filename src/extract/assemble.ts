/**
 * From page analyses to the document model: the cross-page passes (running heads, body and heading
 * sizes, figure selection) and each page's blocks (reading order, paragraphs, headings).
 *
 * The cross-page passes need every page, but the blocks are most of the work (DA-619p: ~0.15 of
 * ~0.18 s), and doing it all after the last page left the core idle while the worker read and the
 * worker idle while this ran. So while the worker reads on, the pages of each run that arrives are
 * built ahead with the cross-page facts as they stand; at the end a page built ahead is kept when
 * what it was built from came out the same (no figure on it, the same running heads, the same
 * heading scale), and built again otherwise. The result is the same either way.
 */
import type { Block, DocumentModel, OutlineEntry, Page } from "../model/document.js";
import { buildPageBlocks, type PageBlock, type PendingFigure } from "./blocks.js";
import { selectFigures } from "./figures/select.js";
import { HeadingStats, outlineTitles, sameScale, type HeadingScale, type OutlineTitle } from "./headings.js";
import type { DocMeta, PageAnalysis } from "./protocol.js";
import { findRunningHeads, RunningHeads } from "./running-heads.js";

interface BuiltAhead {
  blocks: PageBlock[];
  drop: Set<number>;
  scale: HeadingScale;
}

export interface Assembled {
  document: DocumentModel;
  /** figure blocks still to be rendered, with their page */
  pending: Array<[PendingFigure, Page]>;
}

export class PageAssembler {
  private readonly heads = new RunningHeads();
  private readonly stats = new HeadingStats();
  private readonly ahead = new Map<number, BuiltAhead>();
  private titles?: Map<number, OutlineTitle[]>;

  /** the outline's titles name headings; pages are built ahead only once it is known */
  setOutline(outline: OutlineEntry[]): void {
    this.titles = titlesByPage(outline);
  }

  /** Takes a run of analysed pages (in any order of runs) and builds its plain text pages ahead. */
  add(run: PageAnalysis[]): void {
    for (const a of run) {
      this.heads.add(a.layout);
      if (a.layout.textLayer) this.stats.add(a.layout);
    }
    if (!this.titles) return;
    const scale = this.stats.scale();
    for (const a of run) {
      // a page with figure evidence waits for the cross-page figure selection
      if (a.error || !a.layout.textLayer || a.candidates.images.length > 0 || a.candidates.drawings.length > 0) continue;
      const drop = this.heads.dropLines(a.layout);
      const blocks = buildPageBlocks(a.layout, [], drop, scale, this.titles.get(a.layout.number) ?? []);
      this.ahead.set(a.layout.number, { blocks, drop, scale });
    }
  }

  /** The document from every page's analysis (in page order). */
  finish(path: string, sha256: string, bytes: number, meta: DocMeta, analyses: PageAnalysis[]): Assembled {
    const layouts = analyses.map((a) => a.layout);
    const warnings: string[] = [];
    const broken: number[] = [];
    for (const a of analyses) {
      if (a.error) warnings.push(`page ${a.layout.number}: could not be read (${a.error})`);
      else if (!a.layout.textLayer) broken.push(a.layout.number);
      for (const w of a.candidates.warnings) warnings.push(w);
    }
    if (broken.length) {
      warnings.push(`no usable text layer on ${broken.length === 1 ? "page" : "pages"} ${compactRanges(broken)}: sent as page images`);
    }
    const heads = findRunningHeads(layouts);
    const regions = selectFigures(
      analyses.map((a) => a.candidates),
      layouts,
    );
    const stats = new HeadingStats();
    for (const l of layouts) if (l.textLayer) stats.add(l);
    const scale = stats.scale();
    const titles = titlesByPage(meta.outline);

    const pending: Array<[PendingFigure, Page]> = [];
    const pages: Page[] = layouts.map((layout, i) => {
      const pageRegions = regions[i] ?? [];
      const early = this.ahead.get(layout.number);
      const blocks =
        early && pageRegions.length === 0 && sameScale(early.scale, scale) && sameSet(early.drop, heads[i])
          ? early.blocks
          : buildPageBlocks(layout, pageRegions, heads[i], scale, titles.get(layout.number) ?? []);
      const page: Page = {
        number: layout.number,
        width: round1(layout.width),
        height: round1(layout.height),
        textLayer: layout.textLayer,
        blocks: blocks as Block[],
      };
      for (const b of blocks) if (b.type === "figure") pending.push([b as PendingFigure, page]);
      return page;
    });
    const document: DocumentModel = {
      schemaVersion: 1,
      source: {
        path,
        sha256,
        bytes,
        pages: meta.numPages,
        ...(meta.title ? { title: meta.title } : {}),
        ...(meta.author ? { author: meta.author } : {}),
        ...(meta.producer ? { producer: meta.producer } : {}),
        encrypted: meta.encrypted,
      },
      outline: meta.outline,
      pages,
      warnings,
    };
    return { document, pending };
  }
}

function titlesByPage(outline: OutlineEntry[]): Map<number, OutlineTitle[]> {
  const out = new Map<number, OutlineTitle[]>();
  for (const o of outline) {
    if (o.page === undefined) continue;
    const list = out.get(o.page) ?? [];
    list.push(...outlineTitles([o]));
    out.set(o.page, list);
  }
  return out;
}

function sameSet(a: Set<number>, b: Set<number>): boolean {
  if (a.size !== b.size) return false;
  for (const v of a) if (!b.has(v)) return false;
  return true;
}

function round1(v: number): number {
  return Math.round(v * 10) / 10;
}

function compactRanges(numbers: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(j > i ? `${numbers[i]}–${numbers[j]}` : `${numbers[i]}`);
    i = j + 1;
  }
  return parts.join(", ");
}
