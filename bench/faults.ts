/**
 * npm run bench:faults — what each fault kind costs: for every fault a real service produces,
 * injected by the fake server once (it heals) and on every request (it does not), the calls made,
 * the calls the provider bills (or may bill), the seconds, and the outcome, next to the budget of
 * at most 3 paid calls per planned request. The sample PDF is extracted once per run through the
 * library (summarize), exactly as the CLI runs it; short idle timeouts keep the stalls quick.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarize } from "../src/pipeline/document.js";
import { formatError, exitCodeOf } from "../src/errors.js";
import { startFakeServer, type Fault, type Flavour } from "../test/support/fake-server.js";
import { repoRoot } from "../test/support/paths.js";

const SAMPLE = join(repoRoot, "fixtures", "sample", "bike-share-report.pdf");
const KEY = "bench-faults-key";
const IDLE_MS = 1_000;
/** enough copies that a fault "on every request" outlasts every retry layer */
const PERSISTENT = 12;

interface Case {
  name: string;
  flavour: Flavour;
  fault: Fault;
  args?: { maxOutputTokens?: number };
}

const cases: Case[] = [
  { name: "server error 500", flavour: "openai", fault: { kind: "server-error", status: 500 } },
  { name: "rate limit 429 (Retry-After 1)", flavour: "mistral", fault: { kind: "rate-limit", retryAfter: 1 } },
  { name: "connection reset", flavour: "openai", fault: { kind: "reset" } },
  { name: "stall before headers", flavour: "vllm", fault: { kind: "stall" } },
  { name: "stall mid-stream", flavour: "mistral", fault: { kind: "stall-mid-stream" } },
  { name: "error inside a 200 (mid-stream)", flavour: "openrouter", fault: { kind: "error-in-200", code: 502, midStream: true } },
  { name: "invalid JSON", flavour: "openai", fault: { kind: "invalid-json" } },
  { name: "empty answer", flavour: "mistral", fault: { kind: "empty" } },
  { name: "truncated (finish length)", flavour: "openai", fault: { kind: "truncated" }, args: { maxOutputTokens: 2000 } },
  { name: "reasoning used the budget", flavour: "vllm", fault: { kind: "truncated-thinking" }, args: { maxOutputTokens: 2000 } },
  { name: "refusal / content filter", flavour: "vllm", fault: { kind: "refusal" } },
  { name: "context overflow 400", flavour: "llamacpp", fault: { kind: "context-overflow" } },
  { name: "model_length (Mistral)", flavour: "mistral", fault: { kind: "model-length" } },
  { name: "413 too large", flavour: "vllm", fault: { kind: "too-large" } },
  { name: "too many images 400", flavour: "openai", fault: { kind: "too-many-images", limit: 1 } },
  { name: "OpenRouter 404 no host", flavour: "openrouter", fault: { kind: "no-host" } },
  { name: "401 unauthorized", flavour: "mistral", fault: { kind: "unauthorized" } },
  { name: "429 quota", flavour: "openai", fault: { kind: "quota" } },
];

interface Row {
  fault: string;
  mode: "once" | "always";
  planned: number;
  made: number;
  billed: number;
  seconds: number;
  outcome: string;
  budget: string;
}

function providerOf(f: Flavour): string {
  return f === "mistral" || f === "openrouter" ? f : "openai";
}

async function runCase(c: Case, mode: "once" | "always", root: string): Promise<Row> {
  const server = await startFakeServer({ flavour: c.flavour, apiKey: KEY });
  server.inject(Array.from({ length: mode === "once" ? 1 : PERSISTENT }, () => c.fault));
  const env: NodeJS.ProcessEnv =
    c.flavour === "mistral"
      ? { MISTRAL_API_KEY: KEY }
      : c.flavour === "openrouter"
        ? { OPENROUTER_API_KEY: KEY }
        : { LONGDOC_API_KEY: KEY };
  const t0 = performance.now();
  let outcome: string;
  let planned = 0;
  try {
    const r = await summarize(
      SAMPLE,
      {
        out: join(root, `${c.name.replace(/\W+/g, "-")}-${mode}`),
        provider: providerOf(c.flavour),
        baseUrl: server.url,
        env,
        cache: false,
        idleTimeoutMs: IDLE_MS,
        maxOutputTokens: c.args?.maxOutputTokens,
      },
      {},
    );
    planned = new Set(r.usage.requests.map((q) => q.id)).size;
    outcome = "ok";
  } catch (err) {
    outcome = `exit ${exitCodeOf(err)}: ${formatError(err)
      .replace(/^.*?request /, "request ")
      .slice(0, 70)}`;
  }
  const seconds = (performance.now() - t0) / 1000;
  // paid: the server started answering (a 200): billed, or billed for what it did before it was cut
  const billed = server.requests.filter((q) => q.status === 200 || q.billed).length;
  planned = Math.max(planned, 1);
  await server.close();
  return { fault: c.name, mode, planned, made: server.requests.length, billed, seconds, outcome, budget: `≤ ${3 * planned} paid` };
}

async function main() {
  const root = await mkdtemp(join(tmpdir(), "longdoc-bench-faults-"));
  const rows: Row[] = [];
  try {
    for (const c of cases) {
      for (const mode of ["once", "always"] as const) {
        const row = await runCase(c, mode, root);
        rows.push(row);
        process.stderr.write(
          `${row.fault} (${mode}): ${row.made} made, ${row.billed} billed, ${row.seconds.toFixed(1)} s, ${row.outcome}\n`,
        );
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const header = ["fault", "injected", "requests", "calls made", "calls billed", "budget", "seconds", "outcome"];
  const lines = rows.map((r) => [
    r.fault,
    r.mode,
    String(r.planned),
    String(r.made),
    String(r.billed),
    r.budget,
    r.seconds.toFixed(1),
    r.outcome,
  ]);
  const width = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(width[i])).join(" | ") + " |";
  console.log(fmt(header));
  console.log("|" + width.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const l of lines) console.log(fmt(l));
  const over = rows.filter((r) => r.billed > 3 * r.planned);
  console.log(
    over.length
      ? `\nOVER BUDGET: ${over.map((r) => `${r.fault} (${r.mode})`).join(", ")}`
      : "\nevery fault kind stayed within 3 paid calls per planned request",
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
