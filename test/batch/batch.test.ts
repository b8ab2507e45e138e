import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchEvent } from "../../src/batch/types.js";
import type { BatchIndex, IndexEntry } from "../../src/model/batch.js";
import { runCli, spawnCli } from "../support/cli.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { corpusFile, hasCorpus, testOutDir } from "../support/paths.js";
import { writeTextPdf } from "./make-pdfs.js";

const readIndex = (out: string): BatchIndex => JSON.parse(readFileSync(join(out, "index.json"), "utf8"));
const byStatus = (index: BatchIndex, status: IndexEntry["status"]) => index.documents.filter((d) => d.status === status);

function freshDir(name: string): string {
  const dir = testOutDir(name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

describe("batch: a folder with good, broken and non-PDF files", () => {
  it("writes every good summary, records each failure with its error, exits 1", async () => {
    const root = freshDir("batch-mixed");
    const input = join(root, "in");
    await writeTextPdf(join(input, "alpha.pdf"), 1);
    await writeTextPdf(join(input, "nested", "beta.PDF"), 2);
    await writeTextPdf(join(input, "nested", "alpha.pdf"), 3); // same stem as ../alpha.pdf
    writeFileSync(join(input, "broken.pdf"), Buffer.from("this is not a pdf at all\n".repeat(40)));
    writeFileSync(join(input, "notes.txt"), "not a PDF");
    if (hasCorpus) copyFileSync(corpusFile("edge/password.pdf"), join(input, "locked.pdf"));
    const out = join(root, "out");

    const r = await runCli(["summarize", input, "--out", out, "--provider", "offline"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/notes\.txt: not a PDF/);

    const index = readIndex(out);
    expect(index.documents).toHaveLength(hasCorpus ? 5 : 4);
    const done = byStatus(index, "done");
    expect(done.map((d) => d.folder).sort()).toEqual(["beta", "in_alpha", "nested_alpha"]);
    for (const d of done) {
      const summary = JSON.parse(readFileSync(join(out, d.folder, "summary.json"), "utf8"));
      expect(summary.engine.mode).toBe("offline");
      expect(summary.source.path).toBe(d.document);
      expect(d.pages).toBe(2);
      expect(existsSync(join(out, d.folder, "report.html"))).toBe(true);
    }
    const failed = byStatus(index, "failed");
    expect(failed).toHaveLength(hasCorpus ? 2 : 1);
    const broken = failed.find((d) => d.document.endsWith("broken.pdf"))!;
    expect(broken.error).toMatch(/PDF/);
    expect(broken.error).not.toMatch(/\n| {4}at /); // one line, no stack
    if (hasCorpus) {
      const locked = failed.find((d) => d.document.endsWith("locked.pdf"))!;
      expect(locked.error).toMatch(/encrypted|password/i);
    }
    const csv = readFileSync(join(out, "index.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("document,folder,status,pages,figures,requests,inputTokens,outputTokens,costUSD,seconds,error,note");
    expect(csv).toHaveLength(index.documents.length + 1);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("nested_alpha");

    // a rerun skips what is up to date and still reports the failures
    const again = await runCli(["summarize", input, "--out", out, "--provider", "offline"]);
    expect(again.code).toBe(1);
    const second = readIndex(out);
    expect(byStatus(second, "skipped").map((d) => d.note)).toEqual(["up to date", "up to date", "up to date"]);
    expect(byStatus(second, "failed")).toHaveLength(hasCorpus ? 2 : 1);
  });
});

describe("batch against the fake model server", () => {
  let server: FakeServer;
  const docs: string[] = [];
  let input: string;

  beforeAll(async () => {
    // every request takes at least 3 s, so an interrupt lands while work is in flight
    server = await startFakeServer({
      flavour: "mistral",
      latency: { prefillTokensPerSec: 5000, outputTokensPerSec: 2000, overheadMs: 3000 },
    });
    input = join(freshDir("batch-server"), "in");
    for (let i = 1; i <= 6; i++) {
      const file = join(input, `doc${i}.pdf`);
      await writeTextPdf(file, 10 + i);
      docs.push(file);
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  const env = () => ({ MISTRAL_API_KEY: server.apiKey ?? "", LONGDOC_BASE_URL: "" });
  const args = (out: string, cache: string, extra: string[] = []) => [
    "summarize",
    input,
    "--out",
    out,
    "--provider",
    "mistral",
    "--base-url",
    server.url,
    "--cache-dir",
    cache,
    // one request slot: at most 1 + 2 × 1 documents are open, so an interrupt always leaves some
    "--concurrency",
    "1",
    "--requests",
    "1",
    ...extra,
  ];
  /** summary.json without usage (answers from the cache are free, so a resumed run spends less) */
  const summaryOf = (out: string, folder: string) => {
    const { usage: _usage, ...rest } = JSON.parse(readFileSync(join(out, folder, "summary.json"), "utf8"));
    return rest;
  };

  it("killed mid-run and rerun gives the uninterrupted outputs without sending any request twice", async () => {
    const root = testOutDir("batch-server");
    for (const d of ["out-a", "out-b", "cache-a", "cache-b"]) rmSync(join(root, d), { recursive: true, force: true });

    // A: uninterrupted
    const startA = server.requests.length;
    const a = await runCli(args(join(root, "out-a"), join(root, "cache-a")), { env: env() });
    expect(a.code, a.stderr).toBe(0);
    const bodiesA = server.requests.slice(startA).map((r) => r.rawBody);
    expect(bodiesA.length).toBeGreaterThanOrEqual(4);

    // B: SIGINT once the first document is done, then the same command again
    const startB = server.requests.length;
    const outB = join(root, "out-b");
    const interrupted = await runUntilFirstDoneThenInterrupt(args(outB, join(root, "cache-b")), env());
    expect(interrupted.code, interrupted.stderr).toBe(130);
    expect(interrupted.inFlightAtSignal.length).toBeGreaterThan(0);
    const partial = readIndex(outB);
    expect(byStatus(partial, "done").length).toBeGreaterThanOrEqual(1);
    expect(byStatus(partial, "interrupted").length).toBeGreaterThanOrEqual(1);
    expect(byStatus(partial, "done").length + byStatus(partial, "interrupted").length).toBe(docs.length);

    const b2 = await runCli(args(outB, join(root, "cache-b")), { env: env() });
    expect(b2.code, b2.stderr).toBe(0);
    const final = readIndex(outB);
    expect(final.documents.every((d) => d.status === "done" || d.status === "skipped")).toBe(true);
    expect(byStatus(final, "skipped").length).toBe(byStatus(partial, "done").length);

    // the answers in flight at the signal were received, cached, and reused by the rerun
    for (const doc of interrupted.inFlightAtSignal) {
      const entry = final.documents.find((d) => d.document === doc)!;
      if (entry.status === "skipped") continue; // it even finished before the run stopped
      const usage = JSON.parse(readFileSync(join(outB, entry.folder, "usage.json"), "utf8"));
      expect(usage.totals.cachedRequests).toBeGreaterThan(0);
    }

    const bodiesB = server.requests.slice(startB).map((r) => r.rawBody);
    expect(new Set(bodiesB).size).toBe(bodiesB.length); // no request sent twice
    expect([...bodiesB].sort()).toEqual([...bodiesA].sort()); // and exactly the requests of run A

    for (const d of readIndex(join(root, "out-a")).documents) {
      expect(summaryOf(outB, d.folder)).toEqual(summaryOf(join(root, "out-a"), d.folder));
      for (const file of ["document.json", "plan.json"]) {
        expect(readFileSync(join(outB, d.folder, file), "utf8")).toBe(readFileSync(join(root, "out-a", d.folder, file), "utf8"));
      }
    }
  }, 600_000);

  it("--max-cost skips documents whose planned cost would pass the limit", async () => {
    const root = testOutDir("batch-server");
    const outA = join(root, "out-a"); // the uninterrupted run of the test above
    const indexA = readIndex(outA);
    const planned = indexA.documents.map(
      (d) => JSON.parse(readFileSync(join(outA, d.folder, "plan.json"), "utf8")).estimatedCostUSD as number,
    );
    const actual = indexA.documents.map((d) => d.costUSD);
    const plannedMax = Math.max(...planned);
    const actualMin = Math.min(...actual);
    expect(actualMin).toBeGreaterThan(0);
    // room for one document's plan plus what one and a half finished ones spend: the first
    // document fits; the second waits for it to finish, then fits (1 spent + 1 planned); a third
    // never does (2 spent + 1 planned > limit)
    const limit = plannedMax + 1.5 * actualMin;
    expect(2 * Math.min(...planned)).toBeGreaterThan(limit);

    const out = join(root, "out-cost");
    rmSync(out, { recursive: true, force: true });
    const start = server.requests.length;
    const r = await runCli(args(out, join(root, "cache-cost"), ["--max-cost", limit.toFixed(6), "--no-cache"]), {
      env: env(),
    });
    expect(r.code, r.stderr).toBe(0);
    const index = readIndex(out);
    const done = byStatus(index, "done");
    const over = byStatus(index, "over-budget");
    expect(done).toHaveLength(2);
    expect(over).toHaveLength(docs.length - done.length);
    expect(over[0].note).toMatch(/would pass --max-cost/);
    expect(r.stderr).toMatch(new RegExp(`--max-cost \\$[0-9.]+ reached: ${over.length} document\\(s\\) not started`));
    const spent = index.documents.reduce((s, d) => s + d.costUSD, 0);
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBeLessThanOrEqual(limit);
    // documents over budget sent nothing and wrote no summary
    expect(server.requests.length - start).toBe(done.reduce((s, d) => s + d.requests, 0));
    for (const d of over) expect(existsSync(join(out, d.folder, "summary.json"))).toBe(false);
  }, 600_000);
});

/**
 * Runs the CLI with --json and sends SIGINT once a document is done while another document has a
 * request in flight (the case where an answer is paid for but not yet received). Resolves on exit.
 */
function runUntilFirstDoneThenInterrupt(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; inFlightAtSignal: string[] }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli([...args, "--json"], { env });
    let stderr = "";
    let buffered = "";
    let anyDone = false;
    const inFlight = new Map<string, number>();
    let inFlightAtSignal: string[] = [];
    child.stderr!.on("data", (d) => (stderr += d));
    child.stdout!.on("data", (d) => {
      buffered += d;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const e = JSON.parse(line) as BatchEvent;
        if (e.type === "request-start") inFlight.set(e.document, (inFlight.get(e.document) ?? 0) + 1);
        if (e.type === "request-end") inFlight.set(e.document, (inFlight.get(e.document) ?? 1) - 1);
        if (e.type === "document-end" && e.entry.status === "done") anyDone = true;
        const busy = [...inFlight].filter(([, n]) => n > 0).map(([doc]) => doc);
        if (anyDone && busy.length > 0 && inFlightAtSignal.length === 0) {
          inFlightAtSignal = busy;
          child.kill("SIGINT");
        }
      }
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stderr, inFlightAtSignal });
    });
  });
}
