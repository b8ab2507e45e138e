import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { materializeParts } from "../../src/plan/materialize.js";
import { planDocument } from "../../src/plan/index.js";
import { resolveProfile } from "../../src/budget/profiles.js";
import { buildReduceParts } from "../../src/plan/reduce.js";
import { figureBlocks, type FigureImage } from "../../src/model/document.js";
import { syntheticDoc } from "./synthetic.js";

async function solid(width: number, height: number, hue: number, mime: "image/png" | "image/jpeg"): Promise<Buffer> {
  const img = sharp({ create: { width, height, channels: 3, background: { r: hue, g: 255 - hue, b: 128 } } });
  return mime === "image/png" ? img.png().toBuffer() : img.jpeg().toBuffer();
}

describe("materializeParts", () => {
  it("sends each figure at its planned size and composes labelled sheets of the planned size", async () => {
    const doc = syntheticDoc({
      pages: 12,
      paragraphsPerPage: 1,
      figureEvery: 1,
      figuresPerPage: 2,
      figureSizes: [
        [2000, 1000],
        [300, 200],
        [640, 480],
      ],
    });
    const profile = resolveProfile({ maxImages: 6 });
    const plan = planDocument(doc, { task: "figures", profile, provider: "mistral", outputReserve: 8192 });
    const figures = new Map<string, FigureImage>();
    let hue = 0;
    for (const f of figureBlocks(doc)) {
      const mime = f.width > 1000 ? "image/jpeg" : "image/png";
      figures.set(f.id, {
        id: f.id,
        data: await solid(f.width, f.height, (hue += 17) % 255, mime),
        mime,
        width: f.width,
        height: f.height,
      });
    }
    const parts = plan.requests[0]!.parts;
    expect(parts.some((p) => p.type === "sheet")).toBe(true);
    const content = await materializeParts(parts, figures);
    expect(content).toHaveLength(parts.length);
    for (let i = 0; i < parts.length; i++) {
      const planned = parts[i]!;
      const sent = content[i]!;
      if (planned.type === "text") {
        expect(sent).toEqual({ type: "text", text: planned.text });
        continue;
      }
      expect(sent.type).toBe("image");
      if (sent.type !== "image") continue;
      const meta = await sharp(sent.data).metadata();
      expect([meta.width, meta.height]).toEqual([planned.width, planned.height]);
      expect([sent.width, sent.height]).toEqual([planned.width, planned.height]);
      if (planned.type === "image") {
        expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1540);
      } else {
        // the label band above each cell has dark pixels (the id); the cell holds the figure's colour
        const { data, info } = await sharp(sent.data).raw().toBuffer({ resolveWithObject: true });
        for (const cell of planned.cells) {
          let dark = 0;
          for (let y = cell.y - planned.labelHeight; y < cell.y; y++) {
            for (let x = cell.x; x < cell.x + cell.width; x++) {
              const o = (y * info.width + x) * info.channels;
              if (data[o]! < 100 && data[o + 1]! < 100 && data[o + 2]! < 100) dark++;
            }
          }
          expect(dark, `label of ${cell.figureId}`).toBeGreaterThan(5);
          const o = ((cell.y + Math.floor(cell.height / 2)) * info.width + cell.x + Math.floor(cell.width / 2)) * info.channels;
          expect(data[o + 2]).toBeGreaterThan(100); // blue channel 128 of the solid figure, not white-only text
          expect(data[o]! + data[o + 1]!).toBeGreaterThan(200);
        }
      }
    }
  });

  it("sends a figure planned at its rendered size byte for byte, and re-encodes only a resized one", async () => {
    const data = await solid(640, 480, 40, "image/jpeg");
    const figures = new Map<string, FigureImage>([["p1-f1", { id: "p1-f1", data, mime: "image/jpeg", width: 640, height: 480 }]]);
    const [same, smaller] = await materializeParts(
      [
        { type: "image", figureId: "p1-f1", width: 640, height: 480 },
        { type: "image", figureId: "p1-f1", width: 320, height: 240 },
      ],
      figures,
    );
    expect(same!.type === "image" && Buffer.compare(same.data, data)).toBe(0);
    expect(smaller!.type === "image" && (await sharp(smaller.data).metadata()).width).toBe(320);
  });

  it("rejects a figure without image data", async () => {
    await expect(materializeParts([{ type: "image", figureId: "p1-f1", width: 10, height: 10 }], new Map())).rejects.toThrow(/p1-f1/);
  });
});

describe("buildReduceParts", () => {
  it("appends the partial answers in input order after the planned header", () => {
    const doc = syntheticDoc({ pages: 120, paragraphsPerPage: 4, sectionEvery: 10 });
    const plan = planDocument(doc, {
      task: "summarize",
      profile: resolveProfile({ contextWindow: 40_000 }),
      provider: "mistral",
      outputReserve: 4096,
    });
    const reduce = plan.requests.find((r) => r.id === "reduce")!;
    const inputs = reduce.inputs!;
    const partials = [...inputs]
      .reverse()
      .map((id, i) => ({ requestId: id, pages: [i + 1, i + 2] as [number, number], answer: { title: `t-${id}` } }));
    const built = buildReduceParts(reduce, partials);
    expect(built.system).toBe(reduce.system);
    expect(built.content[0]).toEqual(reduce.parts[0]);
    expect(built.content.slice(1).map((c) => (c.type === "text" ? c.text.match(/t-(\S+?)"/)?.[1] : ""))).toEqual(inputs);
    expect(() => buildReduceParts(reduce, partials.slice(1))).toThrow(/lacks/);
  });
});
