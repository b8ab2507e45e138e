/** The PDF outline (bookmarks) with page numbers resolved, flattened with levels. */
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { OutlineEntry } from "../model/document.js";

type OutlineNode = Awaited<ReturnType<PDFDocumentProxy["getOutline"]>>[number];

const MAX_ENTRIES = 5000;

export async function readOutline(doc: PDFDocumentProxy): Promise<OutlineEntry[]> {
  let roots: OutlineNode[] | null;
  try {
    roots = await doc.getOutline();
  } catch {
    return [];
  }
  const out: OutlineEntry[] = [];
  const walk = async (nodes: OutlineNode[], level: number) => {
    for (const node of nodes) {
      if (out.length >= MAX_ENTRIES || level > 20) return;
      const page = await resolvePage(doc, node.dest);
      const title = (node.title ?? "").replace(/\s+/g, " ").trim();
      if (title && page) out.push({ title, page, level });
      if (node.items?.length) await walk(node.items, level + 1);
    }
  };
  await walk(roots ?? [], 1);
  return out;
}

async function resolvePage(doc: PDFDocumentProxy, dest: OutlineNode["dest"]): Promise<number | undefined> {
  try {
    const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
    if (!Array.isArray(explicit) || explicit.length === 0) return undefined;
    const ref = explicit[0];
    const index = typeof ref === "number" ? ref : await doc.getPageIndex(ref as { num: number; gen: number });
    return index + 1;
  } catch {
    return undefined;
  }
}
