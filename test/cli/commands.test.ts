/** The CLI conventions a user brings: short flags, `-` for stdin, folders everywhere, models, cache, config, report. */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { repoRoot, testOutDir } from "../support/paths.js";
import { freshDir, readJson, samplePdf } from "../e2e/helpers.js";

const fixtures = join(repoRoot, "fixtures");
const pkg = readJson<{ version: string }>(join(repoRoot, "package.json"));

/** A folder with two small PDFs and a non-PDF. */
function smallFolder(name: string): string {
  const dir = freshDir(name);
  mkdirSync(join(dir, "in", "sub"), { recursive: true });
  cpSync(samplePdf, join(dir, "in", "bike-share-report.pdf"));
  cpSync(join(fixtures, "two-columns.pdf"), join(dir, "in", "sub", "two-columns.pdf"));
  writeFileSync(join(dir, "in", "notes.txt"), "not a pdf");
  return dir;
}

describe("global conventions", () => {
  it("--version prints the package version; --help shows a getting-started example", async () => {
    const v = await runCli(["--version"]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = await runCli(["--help"]);
    expect(h.stdout).toMatch(/Getting started:[\s\S]*longdoc summarize report\.pdf/);
    for (const cmd of ["summarize", "figures", "extract", "plan", "report", "models", "cache", "config"]) expect(h.stdout).toContain(cmd);
  });

  it("-q and -v cannot be combined (exit 2)", async () => {
    const r = await runCli(["extract", samplePdf, "-q", "-v"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot be used with/);
  });
});

describe("extract and plan", () => {
  it("`-` reads the PDF from standard input, named stdin unless --name", async () => {
    const dir = freshDir("stdin");
    const bytes = readFileSync(samplePdf);
    const a = await runCli(["extract", "-", "-o", join(dir, "a")], { input: bytes });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toMatch(/stdin\.pdf: 5 pages/);
    expect(existsSync(join(dir, "a", "document.json"))).toBe(true);
    const b = await runCli(["summarize", "-", "--name", "bikes", "-o", dir, "--provider", "offline", "-q"], { input: bytes, env: {} });
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(dir, "bikes", "summary.json"))).toBe(true);
    // the document is named after --name
    // ... and so is its source: the temporary copy it was read from is gone after the run
    expect(readJson<{ source: { path: string } }>(join(dir, "bikes", "summary.json")).source.path).toBe("bikes.pdf");
    expect(readJson<{ source: { path: string } }>(join(dir, "a", "document.json")).source.path).toBe("stdin.pdf");
    const broken = await runCli(["extract", "-", "--name", "scan", "-o", join(dir, "c")], { input: Buffer.from("%PDF-1.7\nnot really\n") });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^longdoc: scan\.pdf: /);
    expect(broken.stderr).not.toMatch(/longdoc-stdin-/);
    const empty = await runCli(["extract", "-"], { input: "" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/standard input was empty/);
  });

  it("extract takes a folder: one subfolder per PDF under -o, non-PDFs noted", async () => {
    const dir = smallFolder("extract-folder");
    const r = await runCli(["extract", join(dir, "in"), "-o", join(dir, "out")]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["bike-share-report", "two-columns"]);
    expect(r.stderr).toMatch(/skipped .*notes\.txt: not a PDF/);
    const quiet = await runCli(["extract", join(dir, "in"), "-o", join(dir, "out"), "-q"]);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout + quiet.stderr).toBe("");
  });

  it("plan takes a glob, -m picks the model, --json gives one line per document, -o writes plan.json", async () => {
    const dir = smallFolder("plan-glob");
    const r = await runCli(["plan", join(dir, "in", "**", "*.pdf"), "-m", "mistral-small-latest", "--json", "-o", join(dir, "out")], {
      env: {},
    });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { document: string; model: string });
    expect(lines.map((l) => l.document.split("/").at(-1)).sort()).toEqual(["bike-share-report.pdf", "two-columns.pdf"]);
    expect(lines.every((l) => l.model === "mistral-small-latest")).toBe(true);
    expect(existsSync(join(dir, "out", "two-columns", "plan.json"))).toBe(true);
  });
});

describe("models, cache, config", () => {
  it("models lists the profile with window, image limits and prices per provider", async () => {
    const r = await runCli(["models"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mistral-small-2603$/m);
    expect(r.stdout).toMatch(/aliases .*mistral-small-latest/);
    expect(r.stdout).toMatch(/window +262,144 tokens/);
    expect(r.stdout).toMatch(/longest side ≤ 1540 px/);
    expect(r.stdout).toMatch(/mistral \$0\.15 in \/ \$0\.6 out/);
    expect(r.stdout).toMatch(/openrouter \(other host\) \$0\.19 in \/ \$0\.75 out/);
    const j = await runCli(["models", "--json"]);
    expect(JSON.parse(j.stdout)[0].window).toBe(262144);
  });

  it("cache path, info and clear act on the response cache folder", async () => {
    const dir = join(freshDir("cache"), "responses");
    mkdirSync(join(dir, "ab"), { recursive: true });
    writeFileSync(join(dir, "ab", "ab12.json"), JSON.stringify({ version: 1, text: "x".repeat(1000) }));
    writeFileSync(join(dir, "ab", "ab34.json"), "{}");
    expect((await runCli(["cache", "path", "--cache-dir", dir])).stdout.trim()).toBe(dir);
    const info = await runCli(["cache", "info", "--cache-dir", dir]);
    expect(info.stdout).toMatch(/2 answers, 0\.0 MB/);
    const clear = await runCli(["cache", "clear", "--cache-dir", dir]);
    expect(clear.code).toBe(0);
    expect(clear.stdout).toMatch(/2 answers removed/);
    expect(existsSync(dir)).toBe(false);
    const home = testOutDir("cache-home");
    const dflt = await runCli(["cache", "path"], { env: { XDG_CACHE_HOME: home } });
    expect(dflt.stdout.trim()).toBe(join(home, "longdoc", "responses"));
    const bad = await runCli(["cache", "frob"]);
    expect(bad.code).toBe(2);
  });

  it("config file values apply unless the environment or a flag says otherwise; `config` shows where each comes from", async () => {
    const dir = freshDir("config");
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ provider: "offline", out: join(dir, "from-config"), requests: 2 }));
    const shown = await runCli(["config"], {
      env: { LONGDOC_CONFIG: config, LONGDOC_MODEL: "mistral-small-latest", MISTRAL_API_KEY: "k" },
    });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^provider +offline +config file$/m);
    expect(shown.stdout).toMatch(/^model +mistral-small-latest +environment \(LONGDOC_MODEL\)$/m);
    expect(shown.stdout).toMatch(/^requests +2 +config file$/m);
    expect(shown.stdout).not.toContain('"k"');

    // the config file's out is used…
    const a = await runCli(["summarize", samplePdf, "-q"], { env: { LONGDOC_CONFIG: config } });
    expect(a.code, a.stderr).toBe(0);
    expect(existsSync(join(dir, "from-config", "bike-share-report", "summary.json"))).toBe(true);
    // …the environment beats it, and a flag beats both
    const b = await runCli(["summarize", samplePdf, "-q"], { env: { LONGDOC_CONFIG: config, LONGDOC_OUT: join(dir, "from-env") } });
    expect(b.code, b.stderr).toBe(0);
    expect(existsSync(join(dir, "from-env", "bike-share-report", "summary.json"))).toBe(true);
    const c = await runCli(["summarize", samplePdf, "-q", "-o", join(dir, "from-flag")], {
      env: { LONGDOC_CONFIG: config, LONGDOC_OUT: join(dir, "from-env") },
    });
    expect(c.code, c.stderr).toBe(0);
    expect(existsSync(join(dir, "from-flag", "bike-share-report", "summary.json"))).toBe(true);

    writeFileSync(config, JSON.stringify({ requests: 0 }));
    const bad = await runCli(["config"], { env: { LONGDOC_CONFIG: config } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/config\.json: config file: "requests" must be a whole number/);
  });
});

describe("plan --reasoning", () => {
  it("plans with the reserve a reasoning run gets, so its upper bound prices the thinking too", async () => {
    const plain = await runCli(["plan", samplePdf, "--json"]);
    const high = await runCli(["plan", samplePdf, "--json", "--reasoning", "high"]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(high.code, high.stderr).toBe(0);
    const a = JSON.parse(plain.stdout) as { outputReserve: number; estimatedCostUSD: number };
    const b = JSON.parse(high.stdout) as { outputReserve: number; estimatedCostUSD: number };
    expect(a.outputReserve).toBe(8192);
    expect(b.outputReserve).toBe(32_768);
    expect(b.estimatedCostUSD).toBeGreaterThan(a.estimatedCostUSD);
    // an explicit reserve still wins
    const given = await runCli(["plan", samplePdf, "--json", "--reasoning", "high", "--max-output-tokens", "5000"]);
    expect((JSON.parse(given.stdout) as { outputReserve: number }).outputReserve).toBe(5000);
  });
});
