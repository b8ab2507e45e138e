import { readFile } from "node:fs/promises";
const { openPdf } = await import("./dist/extract/open.js");
const { textItemsFromOperatorList } = await import("./dist/extract/glyph-text.js");
const { readPageLayout } = await import("./dist/extract/layout.js");
const { ANALYSIS_OPERATOR_LIST } = await import("./dist/extract/pdfjs.js");
const f = process.argv[2];
const { doc } = await openPdf(f, new Uint8Array(await readFile(f)));
const pages = []; 
let t = performance.now();
for (let n = 1; n <= Math.min(doc.numPages, +(process.argv[3] ?? 200)); n++) {
  const page = await doc.getPage(n);
  const ops = await page.getOperatorList(ANALYSIS_OPERATOR_LIST);
  pages.push({ page, ops });
}
console.log("oplists", Math.round(performance.now() - t), "ms for", pages.length);
for (let r = 0; r < 5; r++) {
  t = performance.now(); let items = 0;
  for (const { page, ops } of pages) {
    const fontOf = (id) => (page.commonObjs.has(id) ? page.commonObjs.get(id) : undefined);
    items += textItemsFromOperatorList(ops, fontOf, page.view).length;
  }
  const t1 = performance.now();
  for (const { page } of pages) await readPageLayout(page);
  console.log("glyph-text", Math.round(t1 - t), "ms, items", items, " readPageLayout(total incl glyph-text)", Math.round(performance.now() - t1));
}
