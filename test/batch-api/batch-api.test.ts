import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchState } from "../../src/batch-api/state.js";
import type { BatchIndex } from "../../src/model/batch.js";
import type { UsageReport } from "../../src/pipeline/usage.js";
import { writeTextPdf } from "../batch/make-pdfs.js";
import { runCli, type CliResult } from "../support/cli.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { repoRoot, testOutDir } from "../support/paths.js";

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T;

function freshDir(name: string): string {
  const dir = testOutDir(join("batch-api", name));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Polls fast and sends a round soon after the last request: the provider's minutes become milliseconds. */
const FAST = { LONGDOC_BATCH_POLL_MS: "40", LONGDOC_BATCH_SETTLE_MS: "150" };

function cliArgs(server: FakeServer, input: string, out: string, extra: string[] = []): string[] {
  return [
    "summarize",
    input,
    "--out",
    out,
    "--batch-api",
    "--provider",
    server.flavour,
    "--base-url",
    server.url,
    "--no-cache",
    // a small window, so a 16-page document is planned as map requests and a reduce
    "--context-window",
    "7000",
    "--max-output-tokens",
    "1500",
    ...extra,
  ];
}

const env = (server: FakeServer) => ({
  ...FAST,
  ...(server.flavour === "mistral" ? { MISTRAL_API_KEY: server.apiKey! } : { LONGDOC_API_KEY: server.apiKey! }),
});

/** custom_ids of a job's input file. */
function jobCustomIds(server: FakeServer, job: number): string[] {
  const j = server.batch!.jobs[job]!;
  return j.inputFiles.flatMap((f) =>
    server
      .batch!.files.get(f)!
      .content.split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l).custom_id as string),
  );
}

describe("--batch-api against the fake Mistral batch API", () => {
  let server: FakeServer;
  let input: string;
  let shaOf: Map<string, string>;

  beforeAll(async () => {
    server = await startFakeServer({ flavour: "mistral", batch: { queuedMs: 100, runningMs: 100 } });
    input = join(freshDir("inputs"), "in");
    await writeTextPdf(join(input, "long.pdf"), 1, 16);
    await writeTextPdf(join(input, "short.pdf"), 2, 1);
    await writeTextPdf(join(input, "other.pdf"), 3, 1);
    shaOf = new Map();
  });
  afterAll(async () => {
    await server?.close();
  });

  const sha = (out: string, folder: string) => {
    if (!shaOf.has(folder)) shaOf.set(folder, readJson<{ source: { sha256: string } }>(join(out, folder, "document.json")).source.sha256);
    return shaOf.get(folder)!;
  };

  it("runs a map-reduce document in two rounds with no live request; every request is batch-priced", async () => {
    const jobsBefore = server.batch!.jobs.length;
    const out = join(freshDir("two-rounds"), "out");
    const r = await runCli(cliArgs(server, input, out), { env: env(server), timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests, "no live chat request").toHaveLength(0);

    const plan = readJson<{ mode: string; requests: { id: string; kind: string }[] }>(join(out, "long", "plan.json"));
    expect(plan.mode).toBe("map-reduce");
    const maps = plan.requests.filter((q) => q.kind === "map").map((q) => q.id);
    const reduces = plan.requests.filter((q) => q.kind === "reduce").map((q) => q.id);
    expect(maps.length).toBeGreaterThan(1);

    const jobs = server.batch!.jobs.slice(jobsBefore);
    expect(jobs).toHaveLength(2);
    const round1 = jobCustomIds(server, jobsBefore);
    const round2 = jobCustomIds(server, jobsBefore + 1);
    const longSha = sha(out, "long").slice(0, 16);
    // round 1: every leaf of every document (the long one's maps, the short ones' single requests)
    expect(
      round1
        .filter((id) => id.startsWith(longSha))
        .map((id) => id.split("-")[2])
        .sort(),
    ).toEqual([...maps].sort());
    expect(round1.some((id) => id.startsWith(sha(out, "short").slice(0, 16)))).toBe(true);
    expect(round1.some((id) => id.startsWith(sha(out, "other").slice(0, 16)))).toBe(true);
    // round 2: what needed their answers
    expect(round2.map((id) => id.split("-")[2])).toEqual(reduces);
    expect(round2.every((id) => id.split("-")[1] === "p1")).toBe(true);

    for (const folder of ["long", "short", "other"]) {
      const usage = readJson<UsageReport>(join(out, folder, "usage.json"));
      expect(usage.prices, "batch price from the profile").toEqual({ input: 0.075, output: 0.3 });
      expect(usage.requests.every((q) => q.batch === true)).toBe(true);
      const expected = usage.requests.reduce((s, q) => s + ((q.promptTokens ?? 0) * 0.075 + q.outputTokens * 0.3) / 1e6, 0);
      expect(usage.totals.costUSD).toBeCloseTo(expected, 5);
      expect(existsSync(join(out, folder, "summary.json"))).toBe(true);
    }
    const state = readJson<BatchState>(join(out, "batch-state.json"));
    expect(state.jobs.map((j) => [j.round, j.status])).toEqual([
      [1, "SUCCESS"],
      [2, "SUCCESS"],
    ]);
    expect(r.stderr).toMatch(/batch round 1: job \S+ sent: \d+ requests from 3 documents/);

    // the same command again: everything is up to date, nothing is sent
    const again = await runCli(cliArgs(server, input, out), { env: env(server), timeoutMs: 170_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(server.batch!.jobs.length).toBe(jobsBefore + 2);
    expect(readJson<BatchIndex>(join(out, "index.json")).documents.every((d) => d.status === "skipped")).toBe(true);
  }, 180_000);

  it("re-plans a document whose line failed with a context error, in the next round", async () => {
    const jobsBefore = server.batch!.jobs.length;
    const out = join(freshDir("context-line"), "out");
    // the short document's single request comes back as a context overflow inside the job
    const shortSha = readJson<{ source: { sha256: string } }>(
      join(testOutDir(join("batch-api", "two-rounds")), "out", "short", "document.json"),
    ).source.sha256;
    server.batch!.failLine({ customId: new RegExp(`^${shortSha.slice(0, 16)}-`), kind: "context-overflow" });
    const r = await runCli(cliArgs(server, input, out), { env: env(server), timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(server.requests).toHaveLength(0);
    const round1 = jobCustomIds(server, jobsBefore);
    const round2 = jobCustomIds(server, jobsBefore + 1);
    const short1 = round1.filter((id) => id.startsWith(shortSha.slice(0, 16)));
    const short2 = round2.filter((id) => id.startsWith(shortSha.slice(0, 16)));
    expect(short1).toHaveLength(1);
    expect(short2.length, "re-planned requests go in round 2").toBeGreaterThan(0);
    expect(short2).not.toContain(short1[0]); // a new plan: new ids, so the request is really sent again
    expect(short1[0]!.split("-")[1]).toBe("p1");
    expect(short2.every((id) => id.split("-")[1] === "p2")).toBe(true);
    const summary = readJson<{ warnings: string[] }>(join(out, "short", "summary.json"));
    expect(summary.warnings.join(" ")).toMatch(/context overflow/);
    const plan = readJson<{ window: number }>(join(out, "short", "plan.json"));
    expect(plan.window).toBeLessThan(6000);
    // usage.json has the failed line too, billed nothing (an error line has no usage), and the re-planned ones
    const usage = readJson<UsageReport>(join(out, "short", "usage.json"));
    const failed = usage.requests.filter((q) => q.status === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.costUSD).toBe(0);
    expect(failed[0]!.calls.map((c) => [c.outcome, c.billed])).toEqual([["context-overflow", false]]);
    expect(usage.requests.filter((q) => q.status === "ok")).toHaveLength(short2.length);
  }, 180_000);

  it("an expired job is reported and its unanswered requests are sent again once, in the next round", async () => {
    const jobsBefore = server.batch!.jobs.length;
    const out = join(freshDir("expired"), "out");
    server.batch!.expireNextJob(1);
    const r = await runCli(cliArgs(server, input, out), { env: env(server), timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/TIMEOUT_EXCEEDED: 1\/\d+ answered/);
    expect(r.stderr).toMatch(/\(\d+ sent again\)/);
    const first = server.batch!.jobs[jobsBefore]!;
    expect(first.status).toBe("TIMEOUT_EXCEEDED");
    const round1 = jobCustomIds(server, jobsBefore);
    const later = server.batch!.jobs.slice(jobsBefore + 1).flatMap((_, i) => jobCustomIds(server, jobsBefore + 1 + i));
    // every request of round 1 but the one answered is sent exactly once more
    const answered = round1.filter((id) => !later.includes(id));
    expect(answered).toHaveLength(1);
    for (const id of round1.filter((x) => x !== answered[0]))
      expect(
        later.filter((x) => x === id),
        id,
      ).toHaveLength(1);
    expect(readJson<BatchIndex>(join(out, "index.json")).documents.every((d) => d.status === "done")).toBe(true);
    const state = readJson<BatchState>(join(out, "batch-state.json"));
    expect(Object.values(state.resubmitted).every((n) => n === 1)).toBe(true);
  }, 180_000);

  it("--max-cost: documents that do not fit are not sent and are marked over budget", async () => {
    const jobsBefore = server.batch!.jobs.length;
    const out = join(freshDir("max-cost"), "out");
    // about one short document's round-1 estimate (input + 1,500-token output reserve at $0.30/M)
    const r = await runCli(cliArgs(server, input, out, ["--max-cost", "0.0006"]), { env: env(server), timeoutMs: 170_000 });
    expect(r.code, r.stderr).toBe(0);
    const index = readJson<BatchIndex>(join(out, "index.json"));
    const over = index.documents.filter((d) => d.status === "over-budget");
    expect(over.length).toBeGreaterThan(0);
    const sent = server.batch!.jobs.slice(jobsBefore).flatMap((_, i) => jobCustomIds(server, jobsBefore + i));
    for (const d of over) {
      const docSha = sha(join(testOutDir(join("batch-api", "two-rounds")), "out"), d.folder).slice(0, 16);
      expect(
        sent.some((id) => id.startsWith(docSha)),
        `${d.folder} sent nothing`,
      ).toBe(false);
    }
    const state = readJson<BatchState>(join(out, "batch-state.json"));
    expect(state.jobs.reduce((s, j) => s + j.estimatedCostUSD, 0)).toBeLessThanOrEqual(0.0006);
  }, 180_000);
});

describe("--batch-api: interrupted while polling, then rerun", () => {
  let server: FakeServer;
  beforeAll(async () => {
    // the job stays queued for a while: the interrupt lands while the run polls it
    server = await startFakeServer({ flavour: "mistral", batch: { queuedMs: 4_000, runningMs: 200 } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("creates no second job for the round and sends no request twice", async () => {
    const root = freshDir("interrupt");
    const input = join(root, "in");
    for (let i = 1; i <= 3; i++) await writeTextPdf(join(input, `doc${i}.pdf`), 20 + i, 1);
    const out = join(root, "out");
    const args = cliArgs(server, input, out);

    const first = await runUntilJob(args, env(server), join(out, "batch-state.json"));
    expect(first.code, first.stderr).toBe(130);
    expect(server.batch!.jobs).toHaveLength(1);
    expect(server.batch!.jobs[0]!.status).not.toBe("SUCCESS");

    const second = await runCli(args, { env: env(server), timeoutMs: 170_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/resuming 1 job/);
    expect(server.batch!.jobs, "no second job").toHaveLength(1);
    const uploaded = server.batch!.uploadedCustomIds();
    expect(new Set(uploaded).size, "no request sent twice").toBe(uploaded.length);
    expect(server.batch!.calls.filter((c) => c.method === "POST" && c.path.endsWith("/files"))).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
    expect(readJson<BatchIndex>(join(out, "index.json")).documents.map((d) => d.status)).toEqual(["done", "done", "done"]);
  }, 180_000);
});

describe("--batch-api on other providers", () => {
  it("an OpenAI-compatible server with /v1/files and /v1/batches runs through the second wire shape", async () => {
    const server = await startFakeServer({ flavour: "openai", batch: { queuedMs: 50, runningMs: 50 } });
    try {
      const root = freshDir("openai");
      await writeTextPdf(join(root, "in", "a.pdf"), 31, 1);
      const r = await runCli(cliArgs(server, join(root, "in"), join(root, "out")), { env: env(server), timeoutMs: 170_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(server.requests).toHaveLength(0);
      expect(server.batch!.jobs).toHaveLength(1);
      expect(server.batch!.jobs[0]!.status).toBe("completed");
      expect(server.batch!.calls.some((c) => c.path === "/v1/batches")).toBe(true);
      expect(existsSync(join(root, "out", "a", "summary.json"))).toBe(true);
    } finally {
      await server.close();
    }
  }, 180_000);

  it("OpenRouter (no batch API) and the offline engine are refused with exit 2", async () => {
    const root = freshDir("unsupported");
    await writeTextPdf(join(root, "in", "a.pdf"), 41, 1);
    const openrouter = await runCli(
      ["summarize", join(root, "in"), "--out", join(root, "out"), "--batch-api", "--provider", "openrouter"],
      {
        env: { OPENROUTER_API_KEY: "k" },
      },
    );
    expect(openrouter.code).toBe(2);
    expect(openrouter.stderr).toMatch(/--batch-api is not supported by provider openrouter/);
    const offline = await runCli(["summarize", join(root, "in"), "--out", join(root, "out"), "--batch-api", "--provider", "offline"]);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toMatch(/--batch-api needs a model provider/);
  }, 180_000);

  it("`longdoc plan` shows the batch price next to the live one", async () => {
    const root = freshDir("plan");
    await writeTextPdf(join(root, "a.pdf"), 51, 2);
    const r = await runCli(["plan", join(root, "a.pdf"), "--provider", "mistral"]);
    expect(r.code, r.stderr).toBe(0);
    const live = /^\s+mistral\s+\$(\d+\.\d+), at most \$(\d+\.\d+)/m.exec(r.stdout)!;
    const batch = /mistral batch API \(--batch-api\)\s+\$(\d+\.\d+), at most \$(\d+\.\d+)/.exec(r.stdout)!;
    expect(Number(batch[1])).toBeCloseTo(Number(live[1]) / 2, 3);
    expect(Number(batch[2])).toBeCloseTo(Number(live[2]) / 2, 3);
  }, 180_000);
});

/** Runs the CLI and sends SIGINT once batch-state.json names a created job. */
function runUntilJob(args: string[], env: Record<string, string>, statePath: string): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "src", "cli", "bin.ts"), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const watch = setInterval(() => {
      try {
        const state = readJson<BatchState>(statePath);
        if (state.jobs.some((j) => j.jobId)) {
          clearInterval(watch);
          // one poll has seen it queued
          setTimeout(() => child.kill("SIGINT"), 200);
        }
      } catch {
        /* not written yet */
      }
    }, 50);
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearInterval(watch);
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
