/**
 * Stopping a batch through the launcher (bin/longdoc.js's logic, run on the sources): what a
 * process manager, a script or a terminal does. Real processes, since signals are the point.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchEvent } from "../../src/batch/types.js";
import type { BatchIndex } from "../../src/model/batch.js";
import { writeTextPdf } from "../batch/make-pdfs.js";
import { StopRequest } from "../../src/cli/stop.js";
import { runCli, spawnCli } from "../support/cli.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { repoRoot, testOutDir } from "../support/paths.js";

const launcher = join(repoRoot, "test", "support", "launcher.ts");
const readIndex = (out: string): BatchIndex => JSON.parse(readFileSync(join(out, "index.json"), "utf8"));

interface Watched {
  child: ChildProcess;
  stderr: () => string;
  /** resolves at the first event that matches */
  event(match: (e: BatchEvent) => boolean): Promise<BatchEvent>;
  /** resolves once stderr matches */
  stderrMatches(re: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The launcher with --json, its events and stderr followed as they arrive. */
function watch(args: string[], env: Record<string, string>, detached = false): Watched {
  const child = spawnCli([...args, "--json"], { entry: launcher, env, detached });
  let stderr = "";
  let buffered = "";
  const events: BatchEvent[] = [];
  const waiters: Array<() => void> = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on("data", (d) => {
    buffered += d;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as BatchEvent);
    wake();
  });
  child.stderr!.on("data", (d) => {
    stderr += d;
    wake();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => {
      wake();
      resolve({ code, signal });
    }),
  );
  const until = <T>(check: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const test = () => {
        const found = check();
        if (found !== undefined) resolve(found);
        else if (child.exitCode !== null || child.signalCode !== null) reject(new Error(`exited before ${what}; stderr: ${stderr}`));
        else waiters.push(test);
      };
      test();
    });
  return {
    child,
    stderr: () => stderr,
    event: (match) => until(() => events.find(match), "the event"),
    stderrMatches: (re) => until(() => (re.test(stderr) ? true : undefined), String(re)).then(() => undefined),
    exit,
  };
}

/** The process the launcher started: its pid and whether it runs with two malloc arenas. */
function launchedChild(pid: number): { pid: number; arenas: string | undefined } | null {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return null;
  const [child] = readFileSync(file, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  if (!child) return null;
  const environ = readFileSync(`/proc/${child}/environ`, "utf8").split("\0");
  return { pid: child, arenas: environ.find((v) => v.startsWith("MALLOC_ARENA_MAX="))?.split("=")[1] };
}

describe("stopping a batch through the launcher", () => {
  let server: FakeServer;
  let input: string;
  const root = testOutDir("signals");

  beforeAll(async () => {
    // every answer takes 2 s, so a stop lands while a request is in flight
    server = await startFakeServer({
      flavour: "mistral",
      latency: { prefillTokensPerSec: 50_000, outputTokensPerSec: 5_000, overheadMs: 2_000 },
    });
    input = join(root, "in");
    rmSync(input, { recursive: true, force: true });
    mkdirSync(input, { recursive: true });
    for (let i = 1; i <= 3; i++) await writeTextPdf(join(input, `doc${i}.pdf`), 40 + i, 1);
  });
  afterAll(async () => {
    await server?.close();
  });

  const env = () => ({ MISTRAL_API_KEY: server.apiKey ?? "" });
  const args = (name: string, extra: string[] = []) => {
    const out = join(root, name);
    rmSync(out, { recursive: true, force: true });
    rmSync(`${out}-cache`, { recursive: true, force: true });
    return {
      out,
      args: [
        "summarize",
        input,
        "--out",
        out,
        "--provider",
        "mistral",
        "--base-url",
        server.url,
        "--cache-dir",
        `${out}-cache`,
        "--concurrency",
        "1",
        "--requests",
        "1",
        ...extra,
      ],
    };
  };
  /** once the server has the next request (a request-start event comes before the request is on the wire) */
  const serverReceived = async (before: number) => {
    while (server.requests.length === before) await new Promise((r) => setTimeout(r, 50));
  };
  /** bodies the server answered (paid for) since `from` */
  const answered = (from: number, to = server.requests.length) =>
    new Set(
      server.requests
        .slice(from, to)
        .filter((r) => r.status === 200)
        .map((r) => r.rawBody),
    );

  it(
    "SIGTERM to the launcher's pid: the request in flight finishes within the grace, the rest is interrupted, exit 143; a rerun pays nothing twice",
    { timeout: 300_000 },
    async () => {
      const { out, args: a } = args("term");
      const first = server.requests.length;
      const run = watch(a, env());
      await run.event((e) => e.type === "request-start");
      const launched = launchedChild(run.child.pid!);
      if (launched) expect(launched.arenas).toBe("2"); // the pid we signal is the launcher, not the CLI
      run.child.kill("SIGTERM");
      const { code } = await run.exit;
      expect(code, run.stderr()).toBe(143);
      expect(run.stderr()).toMatch(/SIGTERM: no new work starts/);

      const index = readIndex(out);
      const statuses = index.documents.map((d) => d.status);
      expect(statuses.filter((s) => s === "done")).toHaveLength(1); // its one request finished in the grace
      expect(statuses.filter((s) => s === "interrupted")).toHaveLength(2);
      const paid = answered(first);
      expect(paid.size).toBe(1);

      const rerunFrom = server.requests.length;
      const rerun = await runCli(a.slice(), { env: env() });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(
        readIndex(out)
          .documents.map((d) => d.status)
          .sort(),
      ).toEqual(["done", "done", "skipped"]);
      const resent = server.requests.slice(rerunFrom).map((r) => r.rawBody);
      expect(resent).toHaveLength(2);
      for (const body of resent) expect(paid.has(body)).toBe(false);
    },
  );

  it(
    "SIGINT to the launcher's pid: a request that never answers is abandoned after --grace and recorded, exit 130",
    { timeout: 300_000 },
    async () => {
      const { out, args: a } = args("int", ["--grace", "1"]);
      server.inject({ kind: "stall" });
      const before = server.requests.length;
      const run = watch(a, env());
      await serverReceived(before);
      run.child.kill("SIGINT");
      const { code } = await run.exit;
      expect(code, run.stderr()).toBe(130);
      expect(server.pendingFaults()).toBe(0);

      const index = readIndex(out);
      expect(index.documents.every((d) => d.status === "interrupted")).toBe(true);
      const cut = index.documents.filter((d) => d.requests > 0);
      expect(cut).toHaveLength(1);
      // the abandoned request may be billed: its input is recorded at the planner's estimate
      expect(cut[0].inputTokens).toBeGreaterThan(0);
      expect(cut[0].costUSD).toBeGreaterThan(0);
      expect(cut[0].note).toMatch(/1 request\(s\) cut off in flight/);
      // the others sent nothing: not started, or stopped while they were being read
      for (const d of index.documents.filter((d) => d !== cut[0])) expect(d).toMatchObject({ requests: 0, costUSD: 0 });

      const rerun = await runCli(a.slice(), { env: env() });
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(readIndex(out).documents.every((d) => d.status === "done")).toBe(true);
    },
  );

  it("Ctrl-C in a terminal (SIGINT to the process group) stops once; a second one quits at once", { timeout: 300_000 }, async () => {
    // its own process group, as a shell makes for a job; a grace far longer than the test may take
    const { out, args: a } = args("group", ["--grace", "600"]);
    server.inject({ kind: "stall" });
    const before = server.requests.length;
    const run = watch(a, env(), true);
    await serverReceived(before);
    const group = -run.child.pid!;
    process.kill(group, "SIGINT");
    await run.stderrMatches(/SIGINT: no new work starts/);
    // the launcher's copy of the same Ctrl-C reaches the CLI too; give it time to arrive
    await new Promise((r) => setTimeout(r, 2_000));
    expect(run.child.exitCode, run.stderr()).toBeNull();
    expect(run.stderr()).not.toMatch(/quitting at once/);
    process.kill(group, "SIGINT");
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(130);
    expect(run.stderr()).toMatch(/SIGINT again: quitting at once/);
    expect(run.stderr().match(/no new work starts/g)).toHaveLength(1);
    expect(existsSync(out)).toBe(true);
  });

  it(
    "one document (in process): a stop abandons the request in flight after --grace, reports it, exit 143",
    { timeout: 300_000 },
    async () => {
      const out = join(root, "single");
      rmSync(out, { recursive: true, force: true });
      server.inject({ kind: "stall" });
      const before = server.requests.length;
      const stop = new StopRequest();
      const run = runCli(
        [
          "summarize",
          join(input, "doc1.pdf"),
          "--out",
          out,
          "--provider",
          "mistral",
          "--base-url",
          server.url,
          "--no-cache",
          "--grace",
          "0.5",
          "--json",
        ],
        { env: env(), stop },
      );
      await serverReceived(before);
      stop.request("SIGTERM");
      const r = await run;
      expect(r.code, r.stderr).toBe(143);
      const events = r.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const abandoned = events.find((e) => e.type === "request-end");
      expect(abandoned).toMatchObject({ abandoned: true, outputTokens: 0 });
      expect(abandoned.inputTokens).toBeGreaterThan(0);
      expect(events.find((e) => e.type === "result")).toMatchObject({ ok: false, exitCode: 143 });
      expect(server.requests.length - before).toBe(1); // nothing new started after the stop
      expect(existsSync(join(out, "doc1", "summary.json"))).toBe(false);
    },
  );
});
