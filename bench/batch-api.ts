/**
 * npm run bench:batch-api [-- --docs 1000 --long-every 20]
 *
 * A folder of generated PDFs (small text reports; every Nth one 16 pages long, so that with a 6,000-
 * token window it is planned as map requests plus a reduce, and the run needs a second round) goes
 * through the compiled CLI, `bin/longdoc.js summarize <folder> --batch-api --json`, against the fake
 * Mistral batch API (jobs queued 0.2 s, running 0.2 s; the run polls every 50 ms). Printed per round:
 * requests, documents, JSONL bytes uploaded, and the client-side time that round took before it was
 * submitted (round 1: from the start — extraction, planning, writing the JSONL, upload and create;
 * later rounds: from the previous job's answers to the next submission). Next to it, the reference:
 * the live path's own planning over the same folder, `summarize --dry-run` (extraction, planning and
 * every request body written, no model call). Peak RSS of each CLI process is read from the process
 * itself at exit (resourceUsage().maxRSS). Compare the two only as ratios within one run: the machine
 * is shared.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { BatchIndex } from "../src/model/batch.js";
import { writeTextPdf } from "../test/batch/make-pdfs.js";
import { startFakeServer } from "../test/support/fake-server.js";
import { repoRoot } from "../test/support/paths.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "1000" },
    "long-every": { type: "string", default: "20" },
  },
});
const docCount = Number(values.docs);
const longEvery = Number(values["long-every"]);

interface Run {
  code: number | null;
  seconds: number;
  maxRssMiB: number;
  events: { at: number; e: Record<string, unknown> }[];
  stderr: string;
}

/** Runs the compiled CLI with --json; every stdout line is an event, timed as it arrives. */
function runCli(args: string[], env: Record<string, string>, rssFile: string, preload: string): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", preload, join(repoRoot, "bin", "longdoc.js"), ...args, "--json"], {
      cwd: repoRoot,
      // MALLOC_ARENA_MAX set: the launcher runs the CLI in this process instead of re-executing it,
      // so the RSS read at exit is the CLI's
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        NO_COLOR: "1",
        MALLOC_ARENA_MAX: "2",
        BENCH_RSS_FILE: rssFile,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const events: Run["events"] = [];
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        events.push({ at: (performance.now() - t0) / 1000, e: JSON.parse(line) });
      } catch {
        /* not an event */
      }
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      let kib = 0;
      try {
        kib = Number(readFileSync(rssFile, "utf8"));
      } catch {
        /* the process died before writing it */
      }
      resolvePromise({ code, seconds: (performance.now() - t0) / 1000, maxRssMiB: kib / 1024, events, stderr });
    });
  });
}

const f1 = (n: number) => n.toFixed(1);

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "longdoc-bench-batch-api-"));
  const input = join(work, "in");
  const tGen = performance.now();
  let longDocs = 0;
  for (let i = 1; i <= docCount; i++) {
    const long = longEvery > 0 && i % longEvery === 0;
    if (long) longDocs++;
    await writeTextPdf(join(input, `report-${String(i).padStart(4, "0")}.pdf`), i, long ? 16 : 1 + (i % 3));
  }
  const preload = join(work, "rss.mjs");
  await writeFile(
    preload,
    'import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n',
  );
  console.log(
    `longdoc --batch-api benchmark: ${docCount} generated PDFs (${longDocs} of 16 pages, the rest 1-3 pages), made in ${f1((performance.now() - tGen) / 1000)} s`,
  );
  const server = await startFakeServer({ flavour: "mistral", batch: { queuedMs: 200, runningMs: 200 } });
  const common = [
    "--provider",
    "mistral",
    "--base-url",
    server.url,
    "--no-cache",
    "--context-window",
    "6000",
    "--max-output-tokens",
    "1500",
  ];
  const env = { MISTRAL_API_KEY: server.apiKey!, LONGDOC_BATCH_POLL_MS: "50", LONGDOC_BATCH_SETTLE_MS: "300" };
  try {
    // the reference: the live path's planning (extraction, plan, request bodies), no model call
    const live = await runCli(
      ["summarize", input, "--out", join(work, "out-dry"), "--dry-run", ...common],
      env,
      join(work, "rss-dry"),
      preload,
    );
    const livePlanned = live.events.filter((x) => x.e.type === "document-planned");
    const liveLastPlanned = livePlanned.length ? livePlanned[livePlanned.length - 1]!.at : NaN;

    const batch = await runCli(
      ["summarize", input, "--out", join(work, "out-batch"), "--batch-api", ...common],
      env,
      join(work, "rss-batch"),
      preload,
    );
    const index = JSON.parse(readFileSync(join(work, "out-batch", "index.json"), "utf8")) as BatchIndex;
    const done = index.documents.filter((d) => d.status === "done").length;

    console.log(
      `fake Mistral batch API: jobs queued 0.2 s then running 0.2 s; polled every 50 ms; live requests seen: ${server.requests.length}\n`,
    );
    console.log("run                          | exit | docs done | wall s | last doc planned s | peak RSS MiB");
    console.log(
      `live path, --dry-run (ref.)  | ${String(live.code).padStart(4)} | ${String(livePlanned.length).padStart(9)} | ${f1(live.seconds).padStart(6)} | ${f1(liveLastPlanned).padStart(18)} | ${f1(live.maxRssMiB).padStart(12)}`,
    );
    const batchPlanned = batch.events.filter((x) => x.e.type === "document-planned");
    console.log(
      `--batch-api                  | ${String(batch.code).padStart(4)} | ${String(done).padStart(9)} | ${f1(batch.seconds).padStart(6)} | ${f1(batchPlanned.length ? batchPlanned[batchPlanned.length - 1]!.at : NaN).padStart(18)} | ${f1(batch.maxRssMiB).padStart(12)}`,
    );

    console.log("\nround | requests | documents | JSONL KiB | submitted at s | client-side s (since previous answers) | job answered at s");
    let previousAnswers = 0;
    for (const r of batch.events.filter((x) => x.e.type === "batch-round")) {
      const e = r.e as { round: number; jobId: string; requests: number; documents: number; bytes: number };
      const answered = batch.events.find((x) => x.e.type === "batch-job" && x.e.jobId === e.jobId && x.e.status === "SUCCESS");
      console.log(
        `${String(e.round).padStart(5)} | ${String(e.requests).padStart(8)} | ${String(e.documents).padStart(9)} | ${f1(e.bytes / 1024).padStart(9)} | ${f1(r.at).padStart(14)} | ${f1(r.at - previousAnswers).padStart(38)} | ${answered ? f1(answered.at).padStart(17) : "-".padStart(17)}`,
      );
      previousAnswers = answered?.at ?? r.at;
    }
    console.log(
      `\nround 1 client-side time / live planning time (last document planned): ${f1((batch.events.find((x) => x.e.type === "batch-round")?.at ?? NaN) / liveLastPlanned)}×; peak RSS ratio ${f1(batch.maxRssMiB / live.maxRssMiB)}×`,
    );
    if (batch.code !== 0 || live.code !== 0)
      console.log(`\nstderr (batch):\n${batch.stderr.slice(-2000)}\nstderr (dry run):\n${live.stderr.slice(-1000)}`);
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

await main();
