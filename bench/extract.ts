/**
 * npm run bench:extract — extraction speed and memory on every PDF in ../shared/corpus/real,
 * side by side with poppler (pdftotext + pdfimages -list) on the same file.
 * Each document runs in its own plain `node` child process on the compiled code in dist/ (what users
 * run; the script builds first) so its peak RSS is its own (worker threads included).
 * Arguments filter by file name: `npm run bench:extract -- DA-619p failure` runs those two only;
 * `--runs N` (default 3) runs each side N times and reports the median of each (the same statistic
 * for both, so a noisy machine moves both columns alike); peak RSS is the highest of the runs.
 * Goals: DA-619p.pdf ≤ 3× pdftotext's time; peak RSS < 400 MB on every file.
 * Page scans: files whose pages became page-scan figures are also timed against
 * `pdftoppm -scale-to 1540` over those pages (goal ≤ 3×), and three generated 4-page 600 dpi scans
 * (colour and grey JPEG, black-and-white Flate; written to a temporary folder, never committed) run
 * alongside the corpus;
 * `--no-scans` leaves them out.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const corpus = resolve(process.env.LONGDOC_CORPUS ?? join(here, "../../shared/corpus"), "real");

interface OneResult {
  pages: number;
  figures: number;
  /** pages that became page-scan figures */
  scanPages?: number[];
  paragraphs: number;
  ms: number;
  maxRssMb: number;
  error?: string;
  /** the page the worker spent longest on, and how long (ms) */
  slowestPage?: number;
  slowestPageMs?: number;
}

/**
 * One document in a plain `node` child (no TypeScript loader): the compiled extract() from dist/, as
 * users run it (npm run bench:extract builds first). Prints one JSON line of OneResult.
 */
const childProgram = `
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const file = process.argv[2];
const { extract, writeExtraction } = await import(${JSON.stringify(pathToFileURL(join(here, "../dist/extract/index.js")).href)});
const out = mkdtempSync(join(tmpdir(), "longdoc-bench-"));
const started = performance.now();
let result;
let slowestPage = 0;
let slowestPageMs = -1;
const onPageRead = (page, ms) => {
  if (ms > slowestPageMs) [slowestPage, slowestPageMs] = [page, ms];
};
try {
  const extraction = await extract(file, { onPageRead });
  await writeExtraction(extraction, out);
  const blocks = extraction.document.pages.flatMap((p) => p.blocks);
  result = {
    pages: extraction.document.pages.length,
    figures: blocks.filter((b) => b.type === "figure").length,
    paragraphs: blocks.filter((b) => b.type === "paragraph").length,
    scanPages: extraction.document.pages.filter((p) => p.blocks.some((b) => b.type === "figure" && b.kind === "page-scan")).map((p) => p.number),
    ms: performance.now() - started,
  };
} catch (err) {
  result = { pages: 0, figures: 0, paragraphs: 0, ms: performance.now() - started, error: String(err?.message ?? err) };
} finally {
  rmSync(out, { recursive: true, force: true });
}
result.maxRssMb = process.resourceUsage().maxRSS / 1024;
if (slowestPageMs >= 0) Object.assign(result, { slowestPage, slowestPageMs });
process.stdout.write(JSON.stringify(result) + "\\n");
`;

/** the child program as a file: `node -e` flags would be inherited by the worker threads (and refused) */
let script: string | undefined;
function childScript(): string {
  if (!script) {
    const dir = mkdtempSync(join(tmpdir(), "longdoc-bench-extract-"));
    script = join(dir, "one.mjs");
    writeFileSync(script, childProgram);
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return script;
}

function childRun(file: string): Promise<OneResult & { wallMs: number }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [childScript(), file], {
      stdio: ["ignore", "pipe", "inherit"],
      // what bin/longdoc.js sets before a run (see there): two malloc arenas keep native memory compact
      env: { ...process.env, MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2" },
    });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", () => {
      const line = stdout.trim().split("\n").pop() ?? "{}";
      try {
        resolvePromise({ ...(JSON.parse(line) as OneResult), wallMs: performance.now() - t0 });
      } catch {
        reject(new Error(`bench child for ${file} printed no result`));
      }
    });
  });
}

function hasTool(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`]).status === 0;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** one run of a poppler tool, in ms */
function timeTool(cmd: string, args: string[]): number {
  const t0 = performance.now();
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
  } catch {
    /* poppler fails on some files; its time still counts */
  }
  return performance.now() - t0;
}

function popplerRss(file: string): number | undefined {
  if (!hasTool("/usr/bin/time")) return undefined;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "pdftotext", file, "/dev/null"], { encoding: "utf8" });
  const kb = Number(r.stderr.trim().split("\n").pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

const BOOK_NAME = "generated-book-600p.pdf";

/** the 600-page illustrated book, written to a temporary folder removed on exit */
async function generatedBook(): Promise<string> {
  const { buildIllustratedBook } = await import("../scripts/fixtures/long-book.js");
  const dir = mkdtempSync(join(tmpdir(), "longdoc-bench-book-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, BOOK_NAME);
  writeFileSync(file, await buildIllustratedBook(600));
  return file;
}

/** pdftoppm at the figure size over the given pages, in contiguous runs (one process per run), in ms */
function timePdftoppm(file: string, pages: number[], outDir: string): number {
  let ms = 0;
  for (let i = 0; i < pages.length;) {
    let j = i;
    while (j + 1 < pages.length && pages[j + 1] === pages[j] + 1) j++;
    ms += timeTool("pdftoppm", ["-f", String(pages[i]), "-l", String(pages[j]), "-scale-to", "1540", "-jpeg", file, join(outDir, "p")]);
    i = j + 1;
  }
  return ms;
}

/**
 * Three 4-page 600 dpi scans (colour and grey JPEG pages, black-and-white Flate pages: the last go
 * through pdf.js's own decoder), generated into a temporary folder.
 */
async function generatedScans(): Promise<string[]> {
  const { makeScannedPdf } = await import("../scripts/fixtures/scan-pdf.js");
  const dir = mkdtempSync(join(tmpdir(), "longdoc-bench-scans-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const kinds = [
    { name: "colour", opts: { colour: true } },
    { name: "grey", opts: { colour: false } },
    { name: "bilevel-flate", opts: { encoding: "flate-bilevel" as const } },
  ];
  const out: string[] = [];
  for (const { name, opts } of kinds) {
    const file = join(dir, `scan-600dpi-4p-${name}.pdf`);
    writeFileSync(file, await makeScannedPdf({ pages: 4, dpi: 600, ...opts }));
    out.push(file);
  }
  return out;
}

async function main(): Promise<void> {
  // optional arguments: only the corpus files whose names contain one of them
  const argv = process.argv.slice(2);
  const runsAt = argv.indexOf("--runs");
  const runs = runsAt >= 0 ? Math.max(1, Number(argv.splice(runsAt, 2)[1]) || 1) : 3;
  const noScansAt = argv.indexOf("--no-scans");
  const withScans = noScansAt < 0;
  if (!withScans) argv.splice(noScansAt, 1);
  const only = argv.map((a) => a.toLowerCase());
  const corpusFiles = readdirSync(corpus)
    .filter((f) => f.toLowerCase().endsWith(".pdf"))
    .filter((f) => only.length === 0 || only.some((o) => f.toLowerCase().includes(o)))
    .sort()
    .map((f) => join(corpus, f));
  if (withScans) process.stderr.write("  generating three 4-page 600 dpi scans...\n");
  const files = [...corpusFiles, ...(withScans ? await generatedScans() : [])];
  const ppmDir = mkdtempSync(join(tmpdir(), "longdoc-bench-ppm-"));
  process.on("exit", () => rmSync(ppmDir, { recursive: true, force: true }));
  const scanRows: string[][] = [["file", "scan pages", "longdoc s", "peak RSS MB", "pdftoppm -scale-to 1540 s", "× pdftoppm"]];
  // a long illustrated book, generated here (too large to commit): memory on long documents
  if (only.length === 0 || only.some((o) => BOOK_NAME.includes(o))) files.push(await generatedBook());
  const poppler = hasTool("pdftotext") && hasTool("pdfimages");
  if (!poppler) {
    console.log("poppler not found: install it for the reference columns (Debian/Ubuntu: apt-get install -y poppler-utils)");
  }
  const rows: string[][] = [
    [
      "file",
      "pages",
      "figures",
      "longdoc s",
      "pages/s",
      "peak RSS MB",
      "pdftotext s",
      "pdfimages -list s",
      "poppler RSS MB",
      "× pdftotext",
      "slowest page s",
    ],
  ];
  for (const path of files) {
    const f = basename(path);
    // the two sides alternate, so a slow spell of the machine falls on both
    const ours: Array<OneResult & { wallMs: number }> = [];
    const texts: number[] = [];
    const imageLists: number[] = [];
    const ppms: number[] = [];
    for (let i = 0; i < runs; i++) {
      ours.push(await childRun(path));
      if (poppler) texts.push(timeTool("pdftotext", [path, "/dev/null"]));
      if (poppler) imageLists.push(timeTool("pdfimages", ["-list", path]));
      const scans = ours[ours.length - 1]!.scanPages ?? [];
      if (poppler && hasTool("pdftoppm") && scans.length > 0) ppms.push(timePdftoppm(path, scans, ppmDir));
    }
    const r = { ...ours[0], ms: median(ours.map((o) => o.ms)), maxRssMb: Math.max(...ours.map((o) => o.maxRssMb)) };
    const text = poppler ? median(texts) : NaN;
    const images = poppler ? median(imageLists) : NaN;
    const prss = poppler ? popplerRss(path) : undefined;
    rows.push([
      basename(f),
      String(r.pages),
      r.error ? `error: ${r.error.slice(0, 40)}` : String(r.figures),
      (r.ms / 1000).toFixed(2),
      r.pages ? (r.pages / (r.ms / 1000)).toFixed(1) : "-",
      r.maxRssMb.toFixed(0),
      poppler ? (text / 1000).toFixed(2) : "-",
      poppler ? (images / 1000).toFixed(2) : "-",
      prss !== undefined ? prss.toFixed(0) : "-",
      poppler ? (r.ms / text).toFixed(2) : "-",
      r.slowestPageMs !== undefined ? `${(r.slowestPageMs / 1000).toFixed(2)} (p${r.slowestPage})` : "-",
    ]);
    if (ppms.length > 0) {
      const ppm = median(ppms);
      scanRows.push([
        f,
        String(r.scanPages!.length),
        (r.ms / 1000).toFixed(2),
        r.maxRssMb.toFixed(0),
        (ppm / 1000).toFixed(2),
        (r.ms / ppm).toFixed(2),
      ]);
    }
    process.stderr.write(`  ${f} done\n`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
  console.log(
    `\nlongdoc s = extract() + writing document.json/md/figures, in a fresh plain node process on the compiled dist/ (excludes Node start-up);`,
  );
  console.log(`times are medians of ${runs} runs of each side, alternating; peak RSS is the highest of longdoc's runs`);
  console.log(`slowest page = the page the pdf.js worker spent longest reading (text and figure analysis), with its number`);
  console.log(`${BOOK_NAME} is generated by scripts/fixtures/long-book.ts into a temporary folder`);
  console.log("goals: DA-619p.pdf ≤ 3× pdftotext; peak RSS < 400 MB on every file");
  if (scanRows.length > 1) {
    console.log("\nfiles with page scans, next to pdftoppm rendering the same pages at the figure size:");
    const sw = scanRows[0].map((_, i) => Math.max(...scanRows.map((r) => r[i].length)));
    for (const r of scanRows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(sw[i]) : c.padStart(sw[i]))).join("  "));
    console.log("longdoc s is the whole extraction (text, figures, writing), pdftoppm only renders; goal ≤ 3× pdftoppm, peak RSS < 400 MB");
  }
}

await main();
