/** Synthetic document models of chosen sizes for planner tests (deterministic pseudo-random text). */
import type { Block, DocumentModel } from "../../src/model/document.js";

const WORDS = (
  "the engine pressure valve reading chart shows a steady rise across each test run while the operator " +
  "records flow rate temperature and torque values in the maintenance log before inspecting bearings " +
  "seals filters hoses and the gearbox housing for wear corrosion cracks leaks or loose fasteners"
).split(" ");

/** xorshift32: same seed, same document */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

export function sentence(r: () => number, words: number): string {
  const w = Array.from({ length: words }, () => WORDS[Math.floor(r() * WORDS.length)]!);
  w[0] = w[0]!.charAt(0).toUpperCase() + w[0]!.slice(1);
  return w.join(" ") + ".";
}

export interface SyntheticOptions {
  pages: number;
  paragraphsPerPage: number;
  /** sentences per paragraph (12 words each) */
  sentences?: number;
  /** a figure on every n-th page (0 = none) */
  figureEvery?: number;
  figuresPerPage?: number;
  /** figure sizes are drawn from these */
  figureSizes?: Array<[number, number]>;
  /** a level-1 heading every n pages */
  sectionEvery?: number;
  seed?: number;
  /** one paragraph with this many sentences on page 1 */
  hugeParagraphSentences?: number;
  /** kind of every figure (default raster) */
  figureKind?: "raster" | "vector" | "mixed" | "page-scan";
  /** minTextPx of every figure (default none: no text inside) */
  minTextPx?: number;
}

export function syntheticDoc(o: SyntheticOptions): DocumentModel {
  const r = rng(o.seed ?? 7);
  const sizes = o.figureSizes ?? [
    [1540, 1000],
    [800, 600],
    [300, 200],
    [1200, 1540],
  ];
  const pages = [];
  const outline = [];
  for (let n = 1; n <= o.pages; n++) {
    const blocks: Block[] = [];
    if (o.sectionEvery && (n - 1) % o.sectionEvery === 0) {
      const title = `Section ${Math.floor((n - 1) / o.sectionEvery) + 1}`;
      blocks.push({ type: "heading", level: 1, text: title });
      outline.push({ title, page: n, level: 1 });
    }
    if (n === 1 && o.hugeParagraphSentences) {
      const body = Array.from({ length: o.hugeParagraphSentences }, () => sentence(r, 12)).join(" ");
      blocks.push({ type: "paragraph", text: `[[b huge]] ${body}` });
    }
    for (let i = 0; i < o.paragraphsPerPage; i++) {
      // the [[b page.i]] tag makes every paragraph findable exactly once in the requests
      const body = Array.from({ length: o.sentences ?? 5 }, () => sentence(r, 12)).join(" ");
      blocks.push({ type: "paragraph", text: `[[b ${n}.${i}]] ${body}` });
      if (o.figureEvery && n % o.figureEvery === 0 && i === 0) {
        for (let f = 1; f <= (o.figuresPerPage ?? 1); f++) {
          const [width, height] = sizes[Math.floor(r() * sizes.length)]!;
          blocks.push({
            type: "figure",
            id: `p${n}-f${f}`,
            kind: o.figureKind ?? "raster",
            bbox: [50, 100, 500, 400],
            caption: `Figure ${n}.${f}: ${sentence(r, 6)}`,
            file: `figures/p${n}-f${f}.png`,
            width,
            height,
            ...(o.minTextPx ? { minTextPx: o.minTextPx } : {}),
          });
        }
      }
    }
    pages.push({ number: n, width: 612, height: 792, textLayer: true, blocks });
  }
  return {
    schemaVersion: 1,
    source: { path: "/tmp/synthetic.pdf", sha256: "0".repeat(64), bytes: 1, pages: o.pages, title: "Synthetic manual", encrypted: false },
    outline,
    pages,
    warnings: [],
  };
}
