/**
 * Builds a real report folder (figures/ + report.html) for the browser test, from the most complete
 * pipeline that works right now: summarize() offline → extract() + the offline summary → a PDF-less
 * hand-made document (only while extraction is unfinished). Payloads are injected into the summary
 * so the browser can show they stay text.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createCanvas } from "@napi-rs/canvas";
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";
import type { DocumentModel } from "../../src/model/document.js";
import type { Summary } from "../../src/model/summary.js";
import { renderReportHtml } from "../../src/report/html.js";
import { buildOfflineSummary } from "../../src/pipeline/offline.js";
import { repoRoot } from "../support/paths.js";

export const SCRIPT_CAPTION = "<script>window.__pwned=1</script>Figure with a hostile caption";
export const IMG_DESCRIPTION = 'A chart. <img src=x onerror="window.__pwned=1"> (this tag must show as text)';

export interface ReportFixture {
  dir: string;
  summary: Summary;
  document: DocumentModel;
  how: "summarize" | "extract" | "handmade";
}

function chartPng(label: string, hue: number, w = 480, h = 320): Buffer {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, w, h);
  ctx.strokeStyle = "#333333";
  ctx.lineWidth = 2;
  ctx.strokeRect(40, 20, w - 60, h - 60);
  const bars = [0.3, 0.7, 0.5, 0.9, 0.4];
  bars.forEach((v, i) => {
    ctx.fillStyle = `hsl(${hue + i * 12}, 65%, 45%)`;
    const bw = (w - 100) / bars.length - 10;
    ctx.fillRect(55 + i * (bw + 10), 20 + (h - 60) * (1 - v), bw, (h - 60) * v);
  });
  ctx.fillStyle = "#000000";
  ctx.font = "20px sans-serif";
  ctx.fillText(label, 50, h - 15);
  return canvas.toBuffer("image/png");
}

/** A small illustrated PDF: two pages, headings, paragraphs and an embedded chart each. */
async function makePdf(path: string): Promise<void> {
  const pdf = await PDFDocument.create();
  pdf.setTitle("Report fixture: illustrated notes");
  pdf.setAuthor("longdoc tests");
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const text =
    "Trace trees record hot loops and compile them to machine code. The recorder follows the interpreter " +
    "and writes a typed intermediate form. Guards leave the trace when a type or branch differs.";
  for (let n = 1; n <= 2; n++) {
    const page = pdf.addPage([595, 842]);
    page.drawText(n === 1 ? "1 Introduction" : "2 Results", { x: 60, y: 770, size: 20, font: bold });
    let y = 740;
    for (const line of [text.slice(0, 95), text.slice(95, 190), text.slice(190)]) {
      page.drawText(line.trim(), { x: 60, y, size: 11, font });
      y -= 16;
    }
    const img = await pdf.embedPng(chartPng(`Chart ${n}`, n * 120));
    page.drawImage(img, { x: 100, y: 380, width: 390, height: 260 });
    page.drawText(`Figure ${n}: Loop speed-up by benchmark, run ${n}.`, { x: 100, y: 360, size: 10, font, color: rgb(0, 0, 0) });
    page.drawText("The figure above compares the interpreter with the traced code.", { x: 60, y: 320, size: 11, font });
  }
  await writeFile(path, await pdf.save({ useObjectStreams: false }));
}

function findFixturePdf(): string | undefined {
  const dir = join(repoRoot, "fixtures");
  if (!existsSync(dir)) return undefined;
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith(".pdf") ? [join(d, e.name)] : [],
    );
  // a project fixture with figures is what the report is for; prefer ones that say so
  const pdfs = walk(dir).sort();
  return pdfs.find((p) => /illustr|figure|manual|report/i.test(p)) ?? pdfs[0];
}

async function viaSummarize(pdf: string, out: string): Promise<{ summary: Summary; document: DocumentModel; dir: string } | undefined> {
  const modPath = join(repoRoot, "src/pipeline/document.ts");
  if (!existsSync(modPath)) return undefined;
  try {
    const mod = (await import(pathToFileURL(modPath).href)) as {
      summarize?: (pdf: string, opts: Record<string, unknown>) => Promise<unknown>;
    };
    if (!mod.summarize) return undefined;
    await mod.summarize(pdf, { provider: "offline", out, cache: false });
    const sub = readdirSync(out, { withFileTypes: true }).find((e) => e.isDirectory() && existsSync(join(out, e.name, "summary.json")));
    if (!sub) return undefined;
    const dir = join(out, sub.name);
    return {
      dir,
      summary: JSON.parse(await readFile(join(dir, "summary.json"), "utf8")) as Summary,
      document: JSON.parse(await readFile(join(dir, "document.json"), "utf8")) as DocumentModel,
    };
  } catch (err) {
    console.warn(`[report fixture] summarize() not usable yet: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

async function viaExtract(pdf: string, dir: string): Promise<{ summary: Summary; document: DocumentModel } | undefined> {
  try {
    const { extract, writeExtraction } = await import("../../src/extract/index.js");
    const extraction = await extract(pdf);
    if (extraction.figures.size === 0) return undefined;
    await writeExtraction(extraction, dir);
    return { summary: buildOfflineSummary(extraction.document), document: extraction.document };
  } catch (err) {
    console.warn(`[report fixture] extract() not usable yet: ${(err as Error).message.split("\n")[0]}`);
    return undefined;
  }
}

async function handmade(pdf: string, dir: string): Promise<{ summary: Summary; document: DocumentModel }> {
  await mkdir(join(dir, "figures"), { recursive: true });
  const bytes = await readFile(pdf);
  const pages: DocumentModel["pages"] = [];
  for (let n = 1; n <= 2; n++) {
    await writeFile(join(dir, "figures", `p${n}-f1.png`), chartPng(`Chart ${n}`, n * 120));
    pages.push({
      number: n,
      width: 595,
      height: 842,
      textLayer: true,
      blocks: [
        { type: "heading", level: 1, text: n === 1 ? "1 Introduction" : "2 Results" },
        {
          type: "paragraph",
          text: "Trace trees record hot loops and compile them to machine code. The recorder follows the interpreter and writes a typed intermediate form.",
        },
        {
          type: "figure",
          id: `p${n}-f1`,
          kind: "raster",
          bbox: [100, 202, 490, 462],
          caption: `Figure ${n}: Loop speed-up by benchmark, run ${n}.`,
          file: `figures/p${n}-f1.png`,
          width: 480,
          height: 320,
        },
        { type: "paragraph", text: "The figure above compares the interpreter with the traced code." },
      ],
    });
  }
  const document: DocumentModel = {
    schemaVersion: 1,
    source: {
      path: pdf,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      bytes: bytes.length,
      pages: 2,
      title: "Report fixture: illustrated notes",
      encrypted: false,
    },
    outline: [],
    pages,
    warnings: [],
  };
  return { summary: buildOfflineSummary(document), document };
}

/** Payloads in the places a model answer fills: a caption, a description, a key point, the summary. */
function inject(summary: Summary, document: DocumentModel): void {
  const first = summary.figures[0];
  if (first) {
    first.caption = SCRIPT_CAPTION;
    first.description = IMG_DESCRIPTION;
    for (const p of document.pages) for (const b of p.blocks) if (b.type === "figure" && b.id === first.id) b.caption = SCRIPT_CAPTION;
  }
  for (const f of summary.figures.slice(1))
    if (!f.description) f.description = `Bars for each benchmark on page ${f.page}; taller is faster.`;
  summary.keyPoints.unshift({
    text: `Key point with markup <b onmouseover="window.__pwned=1">bold?</b> stays text.`,
    pages: [summary.figures[0]?.page ?? 1],
  });
  summary.summary = `${summary.summary}\n\nModel said: <script>window.__pwned=2</script> — shown as text.`;
}

export async function buildReportFixture(outRoot: string): Promise<ReportFixture> {
  await rm(outRoot, { recursive: true, force: true });
  await mkdir(outRoot, { recursive: true });
  let pdf = findFixturePdf();
  if (!pdf) {
    pdf = join(outRoot, "generated-illustrated.pdf");
    await makePdf(pdf);
  }
  let result: ReportFixture | undefined;
  const s = await viaSummarize(pdf, join(outRoot, "out"));
  if (s) result = { ...s, how: "summarize" };
  if (!result) {
    const dir = join(outRoot, "out", "doc");
    const e = await viaExtract(pdf, dir);
    if (e) result = { ...e, dir, how: "extract" };
  }
  if (!result) {
    const dir = join(outRoot, "out", "doc");
    result = { ...(await handmade(pdf, dir)), dir, how: "handmade" };
  }
  inject(result.summary, result.document);
  await writeFile(join(result.dir, "report.html"), renderReportHtml(result.summary, result.document));
  return result;
}
