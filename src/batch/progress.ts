import { basename } from "node:path";
import cliProgress from "cli-progress";
import type { DocumentStatus } from "../model/batch.js";
import type { BatchEvent } from "./types.js";

export type ProgressMode = "tty" | "lines" | "json";

export interface ProgressReporter {
  onEvent(e: BatchEvent): void;
  /** ends the live display (idempotent); call before printing anything else */
  stop(): void;
}

/** Terminal → live display; pipes and CI → one line per event on stderr; --json → JSON lines on stdout. */
export function chooseProgressMode(opts: { json?: boolean; stream?: NodeJS.WriteStream }): ProgressMode {
  if (opts.json) return "json";
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY && !process.env.CI ? "tty" : "lines";
}

export function createProgressReporter(
  mode: ProgressMode,
  streams: { out?: NodeJS.WritableStream; err?: NodeJS.WriteStream } = {},
): ProgressReporter {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  if (mode === "json") {
    return { onEvent: (e) => out.write(JSON.stringify(e) + "\n"), stop: () => undefined };
  }
  const state = new BatchProgressState();
  return mode === "tty" ? new LiveDisplay(state, err) : new LineLog(state, err);
}

interface ActiveDocument {
  name: string;
  phase: "extracting" | "planned" | "requests";
  pages: number;
  figures: number;
  plannedRequests: number;
  finishedRequests: number;
  inFlight: number;
}

/** Totals every display shows, folded from the events. */
export class BatchProgressState {
  total = 0;
  readonly finished: Record<DocumentStatus, number> = {
    done: 0,
    failed: 0,
    skipped: 0,
    "over-budget": 0,
    interrupted: 0,
  };
  pages = 0;
  requestsInFlight = 0;
  requestsDone = 0;
  inputTokens = 0;
  outputTokens = 0;
  costUSD = 0;
  maxCostUSD: number | null = null;
  out = "";
  readonly active = new Map<string, ActiveDocument>();

  get settled(): number {
    return Object.values(this.finished).reduce((a, b) => a + b, 0);
  }

  apply(e: BatchEvent): void {
    switch (e.type) {
      case "batch-start":
        this.total = e.documents;
        this.maxCostUSD = e.maxCostUSD;
        this.out = e.out;
        break;
      case "document-start":
        this.active.set(e.document, {
          name: basename(e.document),
          phase: "extracting",
          pages: 0,
          figures: 0,
          plannedRequests: 0,
          finishedRequests: 0,
          inFlight: 0,
        });
        break;
      case "document-extracted": {
        this.pages += e.pages;
        const a = this.active.get(e.document);
        if (a) Object.assign(a, { pages: e.pages, figures: e.figures });
        break;
      }
      case "document-planned": {
        const a = this.active.get(e.document);
        if (a) Object.assign(a, { phase: "planned", plannedRequests: e.requests });
        break;
      }
      case "request-start": {
        this.requestsInFlight++;
        const a = this.active.get(e.document);
        if (a) {
          a.phase = "requests";
          a.inFlight++;
        }
        break;
      }
      case "request-end": {
        this.requestsInFlight = Math.max(0, this.requestsInFlight - 1);
        this.requestsDone++;
        this.inputTokens += e.inputTokens;
        this.outputTokens += e.outputTokens;
        this.costUSD += e.costUSD;
        const a = this.active.get(e.document);
        if (a) {
          a.inFlight = Math.max(0, a.inFlight - 1);
          a.finishedRequests++;
        }
        break;
      }
      case "document-end": {
        const a = this.active.get(e.entry.document);
        if (a) this.requestsInFlight = Math.max(0, this.requestsInFlight - a.inFlight);
        // a skipped (up-to-date) document's pages were not counted at "extracted"
        if (e.entry.status === "skipped") this.pages += e.entry.pages;
        this.active.delete(e.entry.document);
        this.finished[e.entry.status]++;
        break;
      }
      case "batch-end":
        break;
    }
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number) => `$${n.toFixed(n >= 1 ? 2 : 4)}`;
const tokens = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : int(n));

function totalsLine(s: BatchProgressState): string {
  const f = s.finished;
  const extra = [
    f.failed ? `${f.failed} failed` : "",
    f.skipped ? `${f.skipped} up to date` : "",
    f["over-budget"] ? `${f["over-budget"]} over budget` : "",
    f.interrupted ? `${f.interrupted} interrupted` : "",
  ].filter(Boolean);
  const budget = s.maxCostUSD !== null ? ` of ${usd(s.maxCostUSD)}` : "";
  return [
    `${s.settled}/${s.total} docs${extra.length ? ` (${extra.join(", ")})` : ""}`,
    `${int(s.pages)} pages`,
    `${s.requestsInFlight} req in flight`,
    `${tokens(s.inputTokens)} in / ${tokens(s.outputTokens)} out tokens`,
    `${usd(s.costUSD)}${budget}`,
  ].join(" | ");
}

/** The live display's overall line: the same totals, short enough for an 80-column terminal. */
function compactTotals(s: BatchProgressState): string {
  const f = s.finished;
  const notes = [
    f.failed ? `${f.failed} failed` : "",
    f.skipped ? `${f.skipped} up to date` : "",
    f["over-budget"] ? `${f["over-budget"]} over budget` : "",
  ].filter(Boolean);
  const budget = s.maxCostUSD !== null ? `/${usd(s.maxCostUSD)}` : "";
  return [
    `${s.settled}/${s.total} docs${notes.length ? ` (${notes.join(", ")})` : ""}`,
    `${int(s.pages)} p`,
    `${s.requestsInFlight} req`,
    `${tokens(s.inputTokens + s.outputTokens)} tok`,
    `${usd(s.costUSD)}${budget}`,
  ].join(" | ");
}

function entryLine(e: Extract<BatchEvent, { type: "document-end" }>["entry"]): string {
  const name = basename(e.document);
  switch (e.status) {
    case "done":
      return `done ${name} → ${e.folder}/ (${e.pages} pages, ${e.figures} figures, ${e.requests} requests, ${tokens(e.inputTokens)} in / ${tokens(e.outputTokens)} out tokens, ${usd(e.costUSD)}, ${e.seconds.toFixed(1)} s)`;
    case "skipped":
      return `skipped (up to date) ${name} → ${e.folder}/`;
    case "over-budget":
      return `over-budget ${name}: ${e.note ?? ""}`;
    case "interrupted":
      return `interrupted ${name}${e.note ? ` (${e.note})` : ""}`;
    case "failed":
      return `failed ${name}: ${e.error ?? "unknown error"}`;
  }
}

function closingLines(e: Extract<BatchEvent, { type: "batch-end" }>, s: BatchProgressState): string[] {
  const lines = [
    `${s.total} documents: ${e.done} done, ${e.failed} failed, ${e.skipped} up to date, ${e.overBudget} over budget, ${e.interrupted} interrupted; ${usd(e.costUSD)} spent in ${e.seconds.toFixed(1)} s`,
  ];
  if (e.overBudget) lines.push(`--max-cost ${usd(s.maxCostUSD ?? 0)} reached: ${e.overBudget} document(s) not started`);
  if (e.interrupted) lines.push("interrupted: run the same command again to finish the rest");
  for (const w of e.warnings) lines.push(`warning: ${w}`);
  lines.push(`index: ${s.out}/index.html`);
  return lines;
}

/** Without a terminal: one plain line per thing that happened, on stderr. */
class LineLog implements ProgressReporter {
  constructor(
    private readonly state: BatchProgressState,
    private readonly err: NodeJS.WritableStream,
  ) {}

  onEvent(e: BatchEvent): void {
    this.state.apply(e);
    const s = this.state;
    const write = (line: string) => this.err.write(line + "\n");
    switch (e.type) {
      case "batch-start":
        for (const k of e.skippedInputs) write(`note: skipped ${k.path}: ${k.reason}`);
        write(`${e.documents} documents, ${e.concurrency} at a time, ${e.requests} requests in flight → ${e.out}`);
        break;
      case "document-start":
        write(`[${s.settled}/${s.total}] start ${basename(e.document)}`);
        break;
      case "document-planned":
        if (e.requests > 0) write(`[${s.settled}/${s.total}] planned ${basename(e.document)}: ${e.requests} requests, about ${usd(e.plannedCostUSD)}`);
        break;
      case "document-end":
        write(`[${s.settled}/${s.total}] ${entryLine(e.entry)} | ${totalsLine(s)}`);
        break;
      case "batch-end":
        for (const line of closingLines(e, s)) write(line);
        break;
    }
  }

  stop(): void {}
}

/** On a terminal: an overall bar and one line per document in flight (cli-progress). */
class LiveDisplay implements ProgressReporter {
  private readonly multibar: cliProgress.MultiBar;
  private overall: cliProgress.SingleBar | undefined;
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private stopped = false;

  constructor(
    private readonly state: BatchProgressState,
    private readonly err: NodeJS.WriteStream,
  ) {
    this.multibar = new cliProgress.MultiBar(
      {
        stream: err,
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
        etaBuffer: 20,
        fps: 5,
        format: (options, params, payload: { kind: "overall" | "doc"; line: string }) => {
          if (payload.kind === "overall") {
            const width = 16;
            const filled = Math.round(params.progress * width);
            const bar = "█".repeat(filled) + "░".repeat(width - filled);
            const eta = params.value > 0 && params.value < params.total ? ` | ETA ${formatSeconds(params.eta)}` : "";
            return `${bar} ${payload.line}${eta}`;
          }
          return `  ${payload.line}`;
        },
      },
      cliProgress.Presets.shades_classic,
    );
  }

  private docLine(doc: string): string {
    const a = this.state.active.get(doc);
    if (!a) return "";
    const name = a.name.length > 32 ? a.name.slice(0, 29) + "..." : a.name.padEnd(32);
    if (a.phase === "extracting") return `${name} extracting`;
    const pages = `${a.pages} p, ${a.figures} fig`;
    if (a.plannedRequests === 0) return `${name} ${pages} | writing`;
    const req = `requests ${a.finishedRequests}/${a.plannedRequests}${a.inFlight ? ` (${a.inFlight} in flight)` : ""}`;
    return `${name} ${pages} | ${req}`;
  }

  private refresh(): void {
    this.overall?.update(this.state.settled, { kind: "overall", line: compactTotals(this.state) });
    for (const [doc, bar] of this.bars) bar.update(0, { kind: "doc", line: this.docLine(doc) });
  }

  onEvent(e: BatchEvent): void {
    if (this.stopped) return;
    this.state.apply(e);
    switch (e.type) {
      case "batch-start":
        for (const k of e.skippedInputs) this.multibar.log(`note: skipped ${k.path}: ${k.reason}\n`);
        this.overall = this.multibar.create(e.documents, 0, { kind: "overall", line: compactTotals(this.state) });
        break;
      case "document-start":
        this.bars.set(e.document, this.multibar.create(1, 0, { kind: "doc", line: this.docLine(e.document) }));
        break;
      case "document-end": {
        const bar = this.bars.get(e.entry.document);
        if (bar) this.multibar.remove(bar);
        this.bars.delete(e.entry.document);
        if (e.entry.status !== "done") this.multibar.log(entryLine(e.entry) + "\n");
        break;
      }
      case "batch-end":
        this.refresh();
        this.stop();
        for (const line of closingLines(e, this.state)) this.err.write(line + "\n");
        return;
    }
    this.refresh();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.multibar.stop();
  }
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
