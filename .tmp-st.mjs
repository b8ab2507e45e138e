import { readFile } from "node:fs/promises";
const { openPdf } = await import("./dist/extract/open.js");
const { readPageLayout } = await import("./dist/extract/layout.js");
const { findRunningHeads } = await import("./dist/extract/running-heads.js");
const { bodyFontSize, headingScale } = await import("./dist/extract/headings.js");
const f = process.argv[2];
const { doc } = await openPdf(f, new Uint8Array(await readFile(f)));
const layouts = [];
for (let n = 1; n <= doc.numPages; n++) { const p = await doc.getPage(n); layouts.push(await readPageLayout(p)); p.cleanup(); }
const finalHeads = findRunningHeads(layouts);
const tl = layouts.filter((l) => l.textLayer);
const finalScale = headingScale(tl, bodyFontSize(tl));
console.log("final scale", JSON.stringify(finalScale));
const eqSet = (a, b) => a.size === b.size && [...a].every((x) => b.has(x));
let specOk = 0, specBad = 0, scaleBad = 0;
for (let end = 32; end <= layouts.length + 31; end += 32) {
  const sub = layouts.slice(0, Math.min(end, layouts.length));
  const heads = findRunningHeads(sub);
  const t = sub.filter((l) => l.textLayer);
  const sc = headingScale(t, bodyFontSize(t));
  const same = JSON.stringify(sc) === JSON.stringify(finalScale);
  for (let i = Math.max(0, end - 32); i < sub.length; i++) { if (eqSet(heads[i], finalHeads[i]) && same) specOk++; else specBad++; }
  if (!same) scaleBad++;
  if (end <= 96 || !same) console.log(end, JSON.stringify(sc));
}
console.log("speculative pages ok", specOk, "bad", specBad, "runs with other scale", scaleBad);
