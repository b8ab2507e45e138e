/**
 * npm run bench:batch [-- --docs 40 --requests 1,4,16 --concurrency 2]
 *
 * A batch of PDFs (the project fixtures, plus the corpus's real documents when ../shared/corpus is
 * there, copied round-robin into a temp folder) summarised by what users run — the compiled CLI,
 * `bin/longdoc.js summarize <folder> --json` (npm run bench:batch builds dist/ first) — against the
 * fake OpenAI-compatible server with a latency model: prefill 5,000 tokens/s, 100 output tokens/s,
 * 400 ms per request. Response cache off. Prints wall time next to two ideals and the ratios:
 *
 * ideal (issue) = server / R — the issue's definition: total server time divided by --requests
 *   server = Σ over all requests of the time the server spent on it (the latency model applied to
 *            the prompt and completion tokens it counted)
 *   R      = --requests (request slots)
 * ideal (bound) = first + max(server / R, chain) — a lower bound no scheduler can beat, adding what
 *   the issue's ideal leaves out:
 *   chain  = the longest single document's dependent path (slowest map or single request, then its
 *            reduce and follow-up requests in turn), which no number of slots can shorten
 *   first  = time from the start until the first request is sent (process start, opening,
 *            extracting and planning the first document must happen before any request can exist)
 * A ratio near 1 means request slots never sat idle waiting for extraction or scheduling.
 * Diagnostics: "cpu stage" = Σ per document of (start → planned) / --concurrency, the wall time
 * the extraction+planning stage needs on its own; when it exceeds the ideal, extraction (CPU) and
 * not the request slots bounds the run. "load" = 1-minute load average at the end (compare with the
 * machine's cores). "slot busy" = Σ over requests of (request-start → request-end events) / R: the
 * ideal (issue) plus what the client and server add to each request beyond the latency model (body
 * building, transfer, checks), as seen from the CLI. "all planned" = when the last document was planned:
 * what comes after it is the tail, requests only. Wall time includes the CLI's process start-up.
 */
import { spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync, readFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import type { BatchIndex } from "../src/model/batch.js";
import type { BatchEvent } from "../src/batch/types.js";
import { corpusRoot, repoRoot } from "../test/support/paths.js";
import { startFakeServer, type LatencyModel } from "../test/support/fake-server.js";

const { values } = parseArgs({
  options: {
    docs: { type: "string", default: "40" },
    requests: { type: "string", default: "1,4,16" },
    concurrency: { type: "string", default: "2" },
    "max-pages": { type: "string", default: "100" },
  },
});
const docCount = Number(values.docs);
const slotsList = values.requests!.split(",").map(Number);
const concurrency = Number(values.concurrency);

const latency: LatencyModel = { prefillTokensPerSec: 5000, outputTokensPerSec: 100, overheadMs: 400, maxDelayMs: 600_000 };
const serverMs = (prompt: number, completion: number) =>
  Math.min(
    latency.maxDelayMs!,
    latency.overheadMs + (prompt / latency.prefillTokensPerSec) * 1000 + (completion / latency.outputTokensPerSec) * 1000,
  );

async function sources(): Promise<string[]> {
  const pdfsIn = async (dir: string) =>
    existsSync(dir)
      ? (await readdir(dir))
          .filter((f) => f.toLowerCase().endsWith(".pdf"))
          .sort()
          .map((f) => join(dir, f))
      : [];
  const list = [...(await pdfsIn(join(repoRoot, "fixtures"))), ...(await pdfsIn(join(repoRoot, "fixtures", "sample")))];
  const real = join(corpusRoot, "real");
  if (existsSync(real)) {
    // the page cap keeps one huge document from being the whole benchmark
    const manifest = JSON.parse(readFileSync(join(corpusRoot, "manifest.json"), "utf8"));
    for (const file of await pdfsIn(real)) {
      const pages = manifest[`real/${basename(file)}`]?.pages ?? 0;
      if (pages <= Number(values["max-pages"])) list.push(file);
    }
  }
  return list;
}

const fmt = (s: number) => s.toFixed(1).padStart(7);

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "longdoc-bench-batch-"));
  const input = join(work, "in");
  await mkdir(input);
  const src = await sources();
  // copies only in the temp folder, never in the repo
  for (let i = 0; i < docCount; i++) {
    const from = src[i % src.length];
    await copyFile(from, join(input, `${String(i + 1).padStart(2, "0")}-${basename(from)}`));
  }
  const server = await startFakeServer({ flavour: "openai", apiKey: null, latency });
  console.log(`longdoc batch benchmark: ${docCount} documents (${src.length} distinct) in ${input}`);
  console.log(
    `fake server latency: prefill ${latency.prefillTokensPerSec} tok/s, output ${latency.outputTokensPerSec} tok/s, ${latency.overheadMs} ms/request; cache off; --concurrency ${concurrency}`,
  );
  console.log("ideal (issue) = Σ server time / R   (the issue's definition: total server time divided by --requests)");
  console.log("ideal (bound) = first request + max(Σ server time / R, longest document chain)   (see bench/batch.ts)\n");
  console.log(
    "requests | docs ok | requests sent | server Σ s | ideal (issue) s | first s | chain s | ideal (bound) s |  wall s | wall/ideal (issue) | wall/ideal (bound) | cpu stage s | slot busy s | all planned s | load",
  );
  try {
    for (const slots of slotsList) {
      const out = join(work, `out-r${slots}`);
      const before = server.requests.length;
      const chains = new Map<string, { lead: number; tail: number }>();
      let firstRequestAt: number | undefined;
      const cpuStart = new Map<string, number>();
      let cpuStage = 0;
      const requestStart = new Map<string, number>();
      let slotBusy = 0;
      let lastPlannedAt = 0;
      const t0 = performance.now();
      const code = await runCli(
        [
          "summarize",
          input,
          "--out",
          out,
          "--provider",
          "openai",
          "--base-url",
          server.url,
          "--no-cache",
          "--json",
          "--concurrency",
          String(concurrency),
          "--requests",
          String(slots),
        ],
        (e) => {
          if (e.type === "request-start") {
            firstRequestAt ??= performance.now();
            requestStart.set(`${e.document}\0${e.requestId}`, performance.now());
          }
          if (e.type === "request-end") slotBusy += (performance.now() - requestStart.get(`${e.document}\0${e.requestId}`)!) / 1000;
          if (e.type === "document-start") cpuStart.set(e.document, performance.now());
          if (e.type === "document-planned") {
            cpuStage += (performance.now() - cpuStart.get(e.document)!) / 1000;
            lastPlannedAt = performance.now();
          }
        },
      );
      const result = { index: JSON.parse(readFileSync(join(out, "index.json"), "utf8")) as BatchIndex };
      const wall = (performance.now() - t0) / 1000;
      const sent = server.requests.slice(before).filter((r) => r.status === 200);
      const serverTotal = sent.reduce((s, r) => s + serverMs(r.promptTokens ?? 0, r.completionTokens ?? 0), 0) / 1000;
      // per-document chains from usage.json: the slowest first-level request, then each later one
      for (const entry of result.index.documents) {
        if (entry.status !== "done") continue;
        const usage = JSON.parse(readFileSync(join(out, entry.folder, "usage.json"), "utf8")) as {
          requests: { kind: string; promptTokens: number | null; outputTokens: number }[];
        };
        const c = { lead: 0, tail: 0 };
        for (const r of usage.requests) {
          const ms = serverMs(r.promptTokens ?? 0, r.outputTokens) / 1000;
          if (r.kind === "single" || r.kind === "map") c.lead = Math.max(c.lead, ms);
          else c.tail += ms;
        }
        chains.set(entry.document, c);
      }
      const chain = Math.max(0, ...[...chains.values()].map((c) => c.lead + c.tail));
      const first = ((firstRequestAt ?? t0) - t0) / 1000;
      const issueIdeal = serverTotal / slots;
      const ideal = first + Math.max(issueIdeal, chain);
      const ok = result.index.documents.filter((d) => d.status === "done").length;
      console.log(
        [
          String(slots).padStart(8),
          String(ok).padStart(7),
          String(sent.length).padStart(13),
          fmt(serverTotal).padStart(10),
          fmt(issueIdeal).padStart(15),
          fmt(first),
          fmt(chain),
          fmt(ideal).padStart(15),
          fmt(wall),
          (wall / issueIdeal).toFixed(3).padStart(18),
          (wall / ideal).toFixed(3).padStart(18),
          fmt(cpuStage / concurrency).padStart(11),
          fmt(slotBusy / slots).padStart(11),
          fmt((lastPlannedAt - t0) / 1000).padStart(12),
          loadavg()[0].toFixed(1),
        ].join(" | "),
      );
      if (code !== 0) console.log(`         the CLI exited with code ${code}`);
      const failed = result.index.documents.filter((d) => d.status !== "done");
      for (const f of failed) console.log(`         ${f.status}: ${basename(f.document)}: ${f.error ?? ""}`);
    }
  } finally {
    await server.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** bin/longdoc.js (compiled, as installed) with --json; each event line goes to onEvent as it arrives. */
function runCli(args: string[], onEvent: (e: BatchEvent) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // requests go to the fake server only: no real key travels along
    for (const k of Object.keys(env)) if (/API_KEY$|^LONGDOC_BASE_URL$/.test(k)) delete env[k];
    const child = spawn(process.execPath, [join(repoRoot, "bin", "longdoc.js"), ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
    createInterface({ input: child.stdout }).on("line", (line) => {
      try {
        onEvent(JSON.parse(line) as BatchEvent);
      } catch {
        /* not an event line */
      }
    });
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
