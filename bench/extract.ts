/**
 * npm run bench:extract — extraction speed and memory on every PDF in ../shared/corpus/real,
 * side by side with poppler (pdftotext + pdfimages -list) on the same file.
 * Each document runs in its own plain `node` child process on the compiled code in dist/ (what users
 * run; the script builds first) so its peak RSS is its own (worker threads included).
 * Arguments filter by file name: `npm run bench:extract -- DA-619p failure` runs those two only.
 * Goals (issue 2): DA-619p.pdf ≤ 3× pdftotext's time; peak RSS < 400 MB on every file.
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
  paragraphs: number;
  ms: number;
  maxRssMb: number;
  error?: string;
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
try {
  const extraction = await extract(file);
  await writeExtraction(extraction, out);
  const blocks = extraction.document.pages.flatMap((p) => p.blocks);
  result = {
    pages: extraction.document.pages.length,
    figures: blocks.filter((b) => b.type === "figure").length,
    paragraphs: blocks.filter((b) => b.type === "paragraph").length,
    ms: performance.now() - started,
  };
} catch (err) {
  result = { pages: 0, figures: 0, paragraphs: 0, ms: performance.now() - started, error: String(err?.message ?? err) };
} finally {
  rmSync(out, { recursive: true, force: true });
}
result.maxRssMb = process.resourceUsage().maxRSS / 1024;
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

/** best of two runs, in ms */
function timeTool(cmd: string, args: string[]): number {
  let best = Infinity;
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    try {
      execFileSync(cmd, args, { stdio: "ignore" });
    } catch {
      /* poppler fails on some files; its time still counts */
    }
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

function popplerRss(file: string): number | undefined {
  if (!hasTool("/usr/bin/time")) return undefined;
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "pdftotext", file, "/dev/null"], { encoding: "utf8" });
  const kb = Number(r.stderr.trim().split("\n").pop());
  return Number.isFinite(kb) ? kb / 1024 : undefined;
}

async function main(): Promise<void> {
  // optional arguments: only the corpus files whose names contain one of them
  const only = process.argv.slice(2).map((a) => a.toLowerCase());
  const files = readdirSync(corpus)
    .filter((f) => f.toLowerCase().endsWith(".pdf"))
    .filter((f) => only.length === 0 || only.some((o) => f.toLowerCase().includes(o)))
    .sort();
  const poppler = hasTool("pdftotext") && hasTool("pdfimages");
  if (!poppler) {
    console.log("poppler not found: install it for the reference columns (Debian/Ubuntu: apt-get install -y poppler-utils)");
  }
  const rows: string[][] = [["file", "pages", "figures", "longdoc s", "pages/s", "peak RSS MB", "pdftotext s", "pdfimages -list s", "poppler RSS MB", "× pdftotext"]];
  for (const f of files) {
    const path = join(corpus, f);
    const r = await childRun(path);
    const text = poppler ? timeTool("pdftotext", [path, "/dev/null"]) : NaN;
    const images = poppler ? timeTool("pdfimages", ["-list", path]) : NaN;
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
      poppler ? (r.ms / text).toFixed(1) : "-",
    ]);
    process.stderr.write(`  ${f} done\n`);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
  console.log("\nlongdoc s = extract() + writing document.json/md/figures, in a fresh plain node process on the compiled dist/ (excludes Node start-up);");
  console.log("goals: DA-619p.pdf ≤ 3× pdftotext; peak RSS < 400 MB on every file");
}

await main();
