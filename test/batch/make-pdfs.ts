import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";

/**
 * A small text PDF with a heading and paragraphs on each page; `seed` varies the words so every
 * document has its own content (and its own request bodies) at about the same size.
 */
export async function writeTextPdf(path: string, seed: number, pages = 2): Promise<void> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Test report ${seed}`);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const words = ["river", "bridge", "budget", "station", "harbour", "survey", "transit", "energy", "school", "market"];
  for (let p = 1; p <= pages; p++) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Section ${p} of report ${seed}`, { x: 60, y: 770, size: 18, font: bold });
    let y = 730;
    for (let line = 0; line < 24; line++) {
      const text = Array.from({ length: 11 }, (_, i) => words[(seed * 7 + p * 3 + line * 5 + i) % words.length]).join(" ");
      page.drawText(`${text} ${seed}.${p}.${line}`, { x: 60, y, size: 11, font });
      y -= 24;
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, await doc.save());
}
