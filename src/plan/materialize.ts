/**
 * Turns planned parts into content parts with image bytes: each figure resized to its planned
 * size, each sheet composed from its figures with their ids drawn in the label bands.
 */
import sharp from "sharp";
import type { FigureImage } from "../model/document.js";
import type { PlanPart } from "../model/plan.js";
import type { ContentPart } from "../llm/types.js";

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function figureOf(figures: Map<string, FigureImage>, id: string): FigureImage {
  const fig = figures.get(id);
  if (!fig) throw new Error(`figure ${id} has no image data (was the document extracted with render: false?)`);
  return fig;
}

async function resized(fig: FigureImage, width: number, height: number): Promise<{ data: Buffer; mime: FigureImage["mime"] }> {
  // planned at the size it was rendered: sent as extracted (no second lossy encode, no CPU)
  if (fig.width === width && fig.height === height) return { data: fig.data, mime: fig.mime };
  const pipeline = sharp(fig.data).resize(width, height, { fit: "fill" });
  // photographs stay JPEG (smaller upload); everything else PNG (sharp lines, text)
  if (fig.mime === "image/jpeg") return { data: await pipeline.jpeg({ quality: 90 }).toBuffer(), mime: "image/jpeg" };
  return { data: await pipeline.png().toBuffer(), mime: "image/png" };
}

async function composeSheet(part: Extract<PlanPart, { type: "sheet" }>, figures: Map<string, FigureImage>): Promise<Buffer> {
  const layers: sharp.OverlayOptions[] = [];
  const labels: string[] = [];
  const fontSize = Math.max(10, Math.round(part.labelHeight * 0.7));
  for (const cell of part.cells) {
    const fig = figureOf(figures, cell.figureId);
    const input = await sharp(fig.data).resize(cell.width, cell.height, { fit: "fill" }).png().toBuffer();
    layers.push({ input, left: cell.x, top: cell.y });
    labels.push(
      `<text x="${cell.x + cell.width / 2}" y="${cell.y - Math.round(part.labelHeight * 0.25)}" font-family="DejaVu Sans, sans-serif" ` +
        `font-size="${fontSize}" font-weight="bold" text-anchor="middle" fill="#000">${escapeXml(cell.figureId)}</text>`,
    );
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${part.width}" height="${part.height}">${labels.join("")}</svg>`;
  layers.push({ input: Buffer.from(svg), left: 0, top: 0 });
  return sharp({ create: { width: part.width, height: part.height, channels: 3, background: "#ffffff" } })
    .composite(layers)
    .png()
    .toBuffer();
}

/** Content parts as sent, in plan order; image bytes come from the extraction's figure images. */
export async function materializeParts(parts: PlanPart[], figures: Map<string, FigureImage>): Promise<ContentPart[]> {
  const out: ContentPart[] = [];
  for (const part of parts) {
    if (part.type === "text") {
      out.push({ type: "text", text: part.text });
    } else if (part.type === "image") {
      const { data, mime } = await resized(figureOf(figures, part.figureId), part.width, part.height);
      out.push({ type: "image", mime, data, width: part.width, height: part.height });
    } else {
      const data = await composeSheet(part, figures);
      out.push({ type: "image", mime: "image/png", data, width: part.width, height: part.height });
    }
  }
  return out;
}
