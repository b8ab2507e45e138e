import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { reqEnd, reqStart } from "./request-events.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CostGuard } from "../../src/batch/cost-guard.js";
import { BatchIndexFile } from "../../src/batch/index-file.js";
import { BatchProgressState, createProgressReporter } from "../../src/batch/progress.js";
import { findUpToDate, hashOptions, writeDoneMarker } from "../../src/batch/resume.js";
import { sha256OfFile } from "../../src/io/sha256.js";
import type { IndexEntry } from "../../src/model/batch.js";
import { testOutDir } from "../support/paths.js";

/** RFC 4180 reading, enough to check what csv-stringify wrote (no csv parser is installed). */
function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

const row = (document: string, status: IndexEntry["status"], extra: Partial<IndexEntry> = {}): IndexEntry => ({
  document,
  folder: document.replace(/\.pdf$/, ""),
  status,
  pages: 3,
  figures: 1,
  requests: 2,
  inputTokens: 1000,
  outputTokens: 200,
  costUSD: 0.00027,
  seconds: 1.5,
  ...extra,
});

describe("CostGuard", () => {
  it("admits while spent + in-flight plans + the new plan stay within the limit", () => {
    const guard = new CostGuard(1.0);
    expect(guard.admit("a", 0.4)).toBe(true);
    expect(guard.admit("b", 0.4)).toBe(true);
    expect(guard.admit("c", 0.3)).toBe(false); // 0.8 planned in flight + 0.3 > 1.0
    guard.record("a", 0.1);
    guard.release("a"); // a spent 0.1 of its 0.4: 0.3 is free again
    expect(guard.spentUSD).toBeCloseTo(0.1);
    expect(guard.admit("c", 0.3)).toBe(true); // 0.1 + 0.4 + 0.3 = 0.8
    expect(guard.admit("d", 0.25)).toBe(false);
  });

  it("tells a plan that can never fit from one that must wait, and wakes waiters on a change", async () => {
    const guard = new CostGuard(1.0);
    expect(guard.admit("a", 0.6)).toBe(true);
    expect(guard.admit("b", 0.6)).toBe(false);
    expect(guard.neverFits(0.6)).toBe(false); // it fits once a has settled
    let woke = false;
    const waiting = guard.changed().then(() => (woke = true));
    guard.record("a", 0.5);
    await waiting;
    expect(woke).toBe(true);
    guard.release("a");
    expect(guard.neverFits(0.6)).toBe(true); // 0.5 spent + 0.6 > 1.0
    expect(guard.admit("b", 0.5)).toBe(true);
  });

  it("admits everything without a limit", () => {
    const guard = new CostGuard(undefined);
    expect(guard.admit("a", 1e9)).toBe(true);
  });
});

describe("options hash and done marker", () => {
  it("ignores speed, display and place options but not content options", () => {
    const base = { provider: "openai", model: "m", reasoning: "none", prompt: undefined };
    expect(hashOptions({ ...base, out: "x", concurrency: 3, requests: 9, json: true, cacheDir: "/c" })).toBe(hashOptions(base));
    expect(hashOptions({ ...base, model: "other" })).not.toBe(hashOptions(base));
    expect(hashOptions({ ...base, prompt: "focus on safety" })).not.toBe(hashOptions(base));
    expect(hashOptions(base, { schema: "a" })).not.toBe(hashOptions(base, { schema: "b" }));
    // key order does not matter
    expect(hashOptions({ model: "m", provider: "openai" })).toBe(hashOptions({ provider: "openai", model: "m" }));
  });

  it("finds a marker only for the same bytes and options", async () => {
    const dir = testOutDir("batch-marker");
    rmSync(dir, { recursive: true, force: true });
    const file = join(dir, "in.pdf");
    writeFileSync(join(testOutDir("batch-marker"), "in.pdf"), "%PDF-1.4 one");
    const sha = await sha256OfFile(file);
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const folder = join(dir, "in");
    expect(await findUpToDate(folder, sha, "h1")).toBeNull();
    await writeDoneMarker(folder, { sha256: sha, optionsHash: "h1", finishedAt: "t", entry: row("in.pdf", "done") });
    expect((await findUpToDate(folder, sha, "h1"))?.entry.status).toBe("done");
    expect(await findUpToDate(folder, sha, "h2")).toBeNull();
    writeFileSync(file, "%PDF-1.4 two");
    expect(await findUpToDate(folder, await sha256OfFile(file), "h1")).toBeNull();
  });
});

describe("BatchIndexFile", () => {
  it("writes json and csv in batch order as rows arrive, with errors in one cell", async () => {
    const dir = testOutDir("batch-index");
    rmSync(dir, { recursive: true, force: true });
    const index = new BatchIndexFile(dir, ["a.pdf", "b.pdf", "c.pdf"]);
    await index.set(row("c.pdf", "failed", { error: 'c.pdf: bad, "quoted"\nsecond line' }));
    let json = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    expect(json.documents.map((d: IndexEntry) => d.document)).toEqual(["c.pdf"]);
    await index.set(row("a.pdf", "done"));
    json = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    expect(json.schemaVersion).toBe(1);
    expect(json.documents.map((d: IndexEntry) => d.document)).toEqual(["a.pdf", "c.pdf"]);
    const csv = parseCsv(readFileSync(join(dir, "index.csv"), "utf8"));
    expect(csv).toHaveLength(2);
    expect(csv[0]).toMatchObject({ document: "a.pdf", status: "done", pages: "3", costUSD: "0.00027", error: "" });
    expect(csv[1].error).toBe('c.pdf: bad, "quoted"\nsecond line');
  });
});

describe("progress", () => {
  const entry = (document: string, status: IndexEntry["status"], extra: Partial<IndexEntry> = {}) => ({
    ...row(document, status),
    ...extra,
  });

  it("folds events into totals: in-flight requests, tokens, cost, finished documents", () => {
    const s = new BatchProgressState();
    s.apply({ type: "batch-start", documents: 3, skippedInputs: [], concurrency: 2, requests: 4, maxCostUSD: 1, out: "/o" });
    s.apply({ type: "document-start", document: "/a.pdf", folder: "a" });
    s.apply({ type: "document-extracted", document: "/a.pdf", pages: 10, figures: 2 });
    s.apply(reqStart("/a.pdf", "r1"));
    s.apply(reqStart("/a.pdf", "r2"));
    expect(s.requestsInFlight).toBe(2);
    s.apply(reqEnd("/a.pdf", "r1", 900, 100, 0.01));
    expect(s.requestsInFlight).toBe(1);
    // the document fails with a request still counted in flight: it must not stay counted
    s.apply({ type: "document-end", entry: entry("/a.pdf", "failed") });
    expect(s.requestsInFlight).toBe(0);
    s.apply({ type: "document-end", entry: entry("/b.pdf", "skipped", { pages: 4 }) });
    expect(s).toMatchObject({ pages: 14, inputTokens: 900, outputTokens: 100, costUSD: 0.01, settled: 2 });
    expect(s.finished).toMatchObject({ failed: 1, skipped: 1, done: 0 });
  });

  it("without a terminal writes one plain line per event to stderr", () => {
    const lines: string[] = [];
    const err = { write: (t: string) => lines.push(...t.trimEnd().split("\n")) } as unknown as NodeJS.WriteStream;
    const reporter = createProgressReporter("lines", { err });
    reporter.onEvent({
      type: "batch-start",
      documents: 1,
      skippedInputs: [{ path: "/in/notes.txt", reason: "not a PDF" }],
      concurrency: 2,
      requests: 4,
      maxCostUSD: null,
      out: "/o",
    });
    reporter.onEvent({ type: "document-start", document: "/in/a.pdf", folder: "a" });
    reporter.onEvent({ type: "document-end", entry: entry("/in/a.pdf", "failed", { error: "/in/a.pdf: encrypted PDF" }) });
    expect(lines[0]).toBe("note: skipped /in/notes.txt: not a PDF");
    expect(lines).toContain("[0/1] start a.pdf");
    expect(lines.find((l) => l.startsWith("[1/1] failed a.pdf: /in/a.pdf: encrypted PDF"))).toBeDefined();
    expect(lines.every((l) => !l.includes("\u001b"))).toBe(true); // no escape codes in logs
  });

  it("--json writes each event as one JSON line on stdout", () => {
    const out: string[] = [];
    const reporter = createProgressReporter("json", { out: { write: (t: string) => out.push(t) } as unknown as NodeJS.WritableStream });
    reporter.onEvent({ type: "document-start", document: "/in/a.pdf", folder: "a" });
    expect(out).toEqual(['{"type":"document-start","document":"/in/a.pdf","folder":"a"}\n']);
  });
});
