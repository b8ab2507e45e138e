/**
 * What a batch run shows while it works. Every figure on screen is folded from the one event
 * stream (BatchEvent) by BatchProgressState, so the display can only say what happened: requests
 * done never exceed the total, a document has one row while it is active and none after, and the
 * closing line is printed however the run ends.
 */
import { paidBy } from "../pipeline/events.js";
import { basename } from "node:path";
import type { DocumentStatus } from "../model/batch.js";
import type { BatchEvent } from "./types.js";

export type ProgressMode = "tty" | "lines" | "json" | "quiet" | "verbose";

export interface ProgressReporter {
  onEvent(e: BatchEvent): void;
  /** ends the live display (idempotent); later events are written as plain lines */
  stop(): void;
  /** the closing line from what is known, when the run ends without its batch-end event (idempotent) */
  close(): void;
}

/** Terminal → live display; pipes and CI → one line per event on stderr; --json → JSON lines on stdout. */
export function chooseProgressMode(opts: {
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  stream?: NodeJS.WriteStream;
}): ProgressMode {
  if (opts.json) return "json";
  if (opts.quiet) return "quiet";
  if (opts.verbose) return "verbose";
  const stream = opts.stream ?? process.stderr;
  return stream.isTTY && !process.env.CI ? "tty" : "lines";
}

export function createProgressReporter(
  mode: ProgressMode,
  streams: { out?: NodeJS.WritableStream; err?: NodeJS.WriteStream; now?: () => number } = {},
): ProgressReporter {
  const out = streams.out ?? process.stdout;
  const err = streams.err ?? process.stderr;
  const now = streams.now ?? Date.now;
  if (mode === "json") {
    return { onEvent: (e) => out.write(JSON.stringify(e) + "\n"), stop: () => undefined, close: () => undefined };
  }
  const state = new BatchProgressState(now);
  return mode === "tty"
    ? new LiveDisplay(state, err)
    : new LineLog(state, err, mode === "quiet" ? "quiet" : mode === "verbose" ? "verbose" : "normal");
}

/** One active document as its row shows it. */
export interface DocumentRow {
  document: string;
  name: string;
  phase: "extracting" | "planned" | "requests";
  pages: number;
  figures: number;
  /** requests the plan announced */
  planned: number;
  started: number;
  done: number;
  plannedCostUSD: number | null;
  costUSD: number;
  /** output tokens received so far by requests still streaming, by request id */
  streaming: Map<string, number>;
}

/** Seconds of history the ETA is averaged over: long enough not to jump, short enough to follow a change. */
const ETA_SMOOTHING_S = 20;

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
  inputTokens = 0;
  outputTokens = 0;
  costUSD = 0;
  maxCostUSD: number | null = null;
  out = "";
  startedAt: number;
  ended: Extract<BatchEvent, { type: "batch-end" }> | null = null;
  readonly active = new Map<string, DocumentRow>();
  /** requests done by documents that have left the active set */
  private doneByFinished = 0;
  private plannedDocs = 0;
  private plannedCostSum = 0;
  private eta: { seconds: number; at: number } | null = null;

  constructor(private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  get elapsedSeconds(): number {
    return Math.max(0, (this.now() - this.startedAt) / 1000);
  }

  get settled(): number {
    return Object.values(this.finished).reduce((a, b) => a + b, 0);
  }

  get requestsDone(): number {
    let n = this.doneByFinished;
    for (const a of this.active.values()) n += a.done;
    return n;
  }

  /** done + what active documents still have to send; never below done */
  get requestsTotal(): number {
    let n = this.doneByFinished;
    for (const a of this.active.values()) n += Math.max(a.planned, a.started, a.done);
    return n;
  }

  get requestsInFlight(): number {
    let n = 0;
    for (const a of this.active.values()) n += a.started - a.done;
    return n;
  }

  get streamingTokens(): number {
    let n = 0;
    for (const a of this.active.values()) for (const t of a.streaming.values()) n += t;
    return n;
  }

  /**
   * Spend expected by the end: spent so far, what active documents' plans still have to spend, and
   * for documents not yet planned the average plan so far. Null until one document has planned.
   */
  get expectedCostUSD(): number | null {
    if (this.plannedDocs === 0) return null;
    let rest = 0;
    let planned = 0;
    for (const a of this.active.values()) {
      if (a.plannedCostUSD === null) continue;
      planned++;
      rest += Math.max(0, a.plannedCostUSD - a.costUSD);
    }
    const unplanned = Math.max(0, this.total - this.settled - planned);
    return this.costUSD + rest + unplanned * (this.plannedCostSum / this.plannedDocs);
  }

  /** Share of the run done, 0–1: settled documents, plus each active one by its phase and requests. */
  get fraction(): number {
    if (this.total === 0) return 0;
    let partial = 0;
    for (const a of this.active.values()) {
      if (a.phase === "extracting") continue;
      const all = Math.max(a.planned, a.started, a.done);
      partial += 0.2 + (all > 0 ? 0.8 * (a.done / all) : 0);
    }
    return Math.min(1, (this.settled + partial) / this.total);
  }

  /**
   * Seconds left: elapsed × (1 − f) / f, averaged exponentially over about ETA_SMOOTHING_S of run
   * time (the estimate also counts down between updates). Null while too little is known.
   */
  etaSeconds(): number | null {
    const t = this.now();
    const elapsed = (t - this.startedAt) / 1000;
    const f = this.fraction;
    if (f <= 0.02 || f >= 1 || elapsed < 2) return this.eta ? Math.max(0, this.eta.seconds - (t - this.eta.at) / 1000) : null;
    const raw = (elapsed * (1 - f)) / f;
    if (!this.eta) {
      this.eta = { seconds: raw, at: t };
      return raw;
    }
    const dt = (t - this.eta.at) / 1000;
    const predicted = Math.max(0, this.eta.seconds - dt);
    const alpha = 1 - Math.exp(-dt / ETA_SMOOTHING_S);
    this.eta = { seconds: predicted + alpha * (raw - predicted), at: t };
    return this.eta.seconds;
  }

  private row(document: string): DocumentRow {
    let a = this.active.get(document);
    if (!a) {
      // an event for a document whose start was not seen (a resumed stream): it still gets one row
      a = {
        document,
        name: basename(document),
        phase: "extracting",
        pages: 0,
        figures: 0,
        planned: 0,
        started: 0,
        done: 0,
        plannedCostUSD: null,
        costUSD: 0,
        streaming: new Map(),
      };
      this.active.set(document, a);
    }
    return a;
  }

  apply(e: BatchEvent): void {
    switch (e.type) {
      case "batch-start":
        this.total = e.documents;
        this.maxCostUSD = e.maxCostUSD;
        this.out = e.out;
        break;
      case "document-start":
        this.row(e.document);
        break;
      case "document-extracted": {
        const a = this.row(e.document);
        this.pages += e.pages - a.pages;
        Object.assign(a, { pages: e.pages, figures: e.figures });
        break;
      }
      case "document-planned": {
        const a = this.row(e.document);
        if (a.plannedCostUSD === null) {
          this.plannedDocs++;
          this.plannedCostSum += e.plannedCostUSD;
        }
        Object.assign(a, { phase: a.phase === "requests" ? "requests" : "planned", planned: e.requests, plannedCostUSD: e.plannedCostUSD });
        break;
      }
      case "request-start": {
        const a = this.row(e.document);
        a.phase = "requests";
        a.started++;
        break;
      }
      case "request-progress": {
        const a = this.row(e.document);
        a.streaming.set(e.requestId, e.tokens);
        break;
      }
      case "request-end": {
        const a = this.row(e.document);
        a.done++;
        a.started = Math.max(a.started, a.done);
        a.streaming.delete(e.requestId);
        const paid = paidBy(e);
        a.costUSD += paid.costUSD;
        this.inputTokens += paid.inputTokens;
        this.outputTokens += paid.outputTokens;
        this.costUSD += paid.costUSD;
        break;
      }
      case "document-end": {
        const a = this.active.get(e.entry.document);
        if (a) this.doneByFinished += a.done;
        // a skipped (up-to-date) document's pages were not counted at "extracted"
        if (e.entry.status === "skipped" && !a) this.pages += e.entry.pages;
        this.active.delete(e.entry.document);
        this.finished[e.entry.status]++;
        break;
      }
      case "batch-end":
        this.ended = e;
        break;
    }
  }
}

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const usd = (n: number) => `$${n.toFixed(n >= 1 ? 2 : 4)}`;
const tokens = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(0)}k` : int(n));
const count = (n: number, noun: string) => `${int(n)} ${noun}${n === 1 ? "" : "s"}`;

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60) % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

function docsPart(s: BatchProgressState): string {
  const f = s.finished;
  const notes = [
    f.failed ? `${f.failed} failed` : "",
    f.skipped ? `${f.skipped} up to date` : "",
    f["over-budget"] ? `${f["over-budget"]} over budget` : "",
    f.interrupted ? `${f.interrupted} interrupted` : "",
  ].filter(Boolean);
  return `${s.settled}/${s.total} docs${notes.length ? ` (${notes.join(", ")})` : ""}`;
}

function requestsPart(done: number, total: number, running: number): string {
  return `requests ${done}/${total} done${running ? `, ${running} running` : ""}`;
}

function spendPart(s: BatchProgressState): string {
  const expected = s.expectedCostUSD;
  const budget = s.maxCostUSD !== null ? ` (limit ${usd(s.maxCostUSD)})` : "";
  return `${usd(s.costUSD)} spent${expected !== null && expected > s.costUSD ? `, ~${usd(expected)} expected` : ""}${budget}`;
}

function tokensPart(s: BatchProgressState): string {
  const streaming = s.streamingTokens;
  return `${tokens(s.inputTokens)} in / ${tokens(s.outputTokens)} out tokens${streaming ? ` (+${tokens(streaming)} arriving)` : ""}`;
}

/** The live display's lines for the state at this moment: two overall lines, then one per active document. */
export function renderFrame(s: BatchProgressState, width = 100): string[] {
  const barWidth = 16;
  const filled = Math.round(s.fraction * barWidth);
  const bar = "█".repeat(filled) + "░".repeat(barWidth - filled);
  const eta = s.etaSeconds();
  const lines = [
    `${bar} ${docsPart(s)} · ${requestsPart(s.requestsDone, s.requestsTotal, s.requestsInFlight)}`,
    `${tokensPart(s)} · ${spendPart(s)} · ${formatDuration(s.elapsedSeconds)}${eta !== null ? `, about ${formatDuration(eta)} left` : ""}`,
  ];
  for (const a of s.active.values()) lines.push(`  ${documentLine(a)}`);
  return lines.map((l) => (l.length > width ? `${l.slice(0, Math.max(0, width - 1))}…` : l));
}

export function documentLine(a: DocumentRow): string {
  const name = a.name.length > 32 ? a.name.slice(0, 31) + "…" : a.name.padEnd(32);
  if (a.phase === "extracting") return `${name} extracting`;
  const facts = `${count(a.pages, "page")}, ${count(a.figures, "figure")}`;
  const total = Math.max(a.planned, a.started, a.done);
  if (total === 0) return `${name} ${facts} · writing`;
  let streaming = 0;
  for (const t of a.streaming.values()) streaming += t;
  return `${name} ${facts} · ${requestsPart(a.done, total, a.started - a.done)}${streaming ? ` · ${tokens(streaming)} tokens arriving` : ""}`;
}

function entryLine(e: Extract<BatchEvent, { type: "document-end" }>["entry"]): string {
  const name = basename(e.document);
  switch (e.status) {
    case "done":
      return `done ${name} → ${e.folder}/ (${count(e.pages, "page")}, ${count(e.figures, "figure")}, ${count(e.requests, "request")}, ${tokens(e.inputTokens)} in / ${tokens(e.outputTokens)} out tokens, ${usd(e.costUSD)}, ${e.seconds.toFixed(1)} s)`;
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

/** The closing lines: what was done, failed and interrupted, the spend, the time, where the outputs are. */
export function closingLines(s: BatchProgressState): string[] {
  const f = s.finished;
  const e = s.ended;
  const seconds = e ? e.seconds : s.elapsedSeconds;
  const cost = e ? e.costUSD : s.costUSD;
  const notStarted = Math.max(0, s.total - s.settled - s.active.size);
  const interrupted = f.interrupted + (e ? 0 : s.active.size);
  const parts = [
    `${f.done} done`,
    `${f.failed} failed`,
    f.skipped ? `${f.skipped} up to date` : "",
    f["over-budget"] ? `${f["over-budget"]} over budget` : "",
    `${interrupted} interrupted`,
    !e && notStarted ? `${notStarted} not started` : "",
  ].filter(Boolean);
  const lines = [
    `${count(s.total, "document")}: ${parts.join(", ")}; ${usd(cost)} spent in ${formatDuration(seconds)}; outputs in ${s.out || "."}/ (index.html)`,
  ];
  if (f["over-budget"]) lines.push(`--max-cost ${usd(s.maxCostUSD ?? 0)} reached: ${f["over-budget"]} document(s) not started`);
  if (interrupted || notStarted) lines.push("interrupted: run the same command again to finish the rest (finished documents are kept)");
  for (const w of e?.warnings ?? []) lines.push(`warning: ${w}`);
  return lines;
}

/** Without a terminal: one plain line per thing that happened, on stderr. */
class LineLog implements ProgressReporter {
  private closed = false;
  constructor(
    private readonly state: BatchProgressState,
    private readonly err: NodeJS.WritableStream,
    private readonly level: "quiet" | "normal" | "verbose",
  ) {}

  onEvent(e: BatchEvent): void {
    this.state.apply(e);
    const s = this.state;
    const write = (line: string) => this.err.write(line + "\n");
    const normal = this.level !== "quiet";
    const at = `[${s.settled}/${s.total}]`;
    switch (e.type) {
      case "batch-start":
        if (normal) for (const k of e.skippedInputs) write(`note: skipped ${k.path}: ${k.reason}`);
        if (normal) write(`${count(e.documents, "document")}, ${e.concurrency} at a time, ${e.requests} requests in flight → ${e.out}`);
        break;
      case "document-start":
        if (normal) write(`${at} start ${basename(e.document)}`);
        break;
      case "document-planned":
        if (normal && e.requests > 0)
          write(`${at} planned ${basename(e.document)}: ${count(e.requests, "request")}, about ${usd(e.plannedCostUSD)}`);
        break;
      case "request-end":
        if (this.level === "verbose") {
          write(
            `${at} ${basename(e.document)}: request ${e.requestId} ${e.cached ? "answered from the cache" : `done: ${tokens(e.inputTokens ?? 0)} in / ${tokens(e.outputTokens)} out tokens, ${usd(e.costUSD)}`}`,
          );
        }
        break;
      case "document-end":
        if (normal || e.entry.status === "failed") {
          write(
            `${at} ${entryLine(e.entry)} | ${docsPart(s)} · ${requestsPart(s.requestsDone, s.requestsTotal, s.requestsInFlight)} · ${spendPart(s)}`,
          );
        }
        break;
      case "batch-end":
        this.close();
        break;
    }
  }

  stop(): void {}

  close(): void {
    if (this.closed || this.state.total === 0) return;
    this.closed = true;
    for (const line of closingLines(this.state)) this.err.write(line + "\n");
  }
}

/** On a terminal: the overall lines and one row per active document, redrawn in place. */
class LiveDisplay implements ProgressReporter {
  private drawn = 0;
  private live = true;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly state: BatchProgressState,
    private readonly err: NodeJS.WriteStream,
  ) {
    // the clock and the ETA move between events too
    this.timer = setInterval(() => this.draw(), 500);
    this.timer.unref();
  }

  private clear(): void {
    if (this.drawn > 0) this.err.write(`\u001b[${this.drawn}F\u001b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    if (!this.live) return;
    const lines = renderFrame(this.state, Math.max(20, (this.err.columns ?? 100) - 1));
    this.clear();
    this.err.write(lines.join("\n") + "\n");
    this.drawn = lines.length;
  }

  /** A line that stays (above the live area). */
  private log(line: string): void {
    this.clear();
    this.err.write(line + "\n");
  }

  onEvent(e: BatchEvent): void {
    this.state.apply(e);
    switch (e.type) {
      case "batch-start":
        for (const k of e.skippedInputs) this.log(`note: skipped ${k.path}: ${k.reason}`);
        break;
      case "document-end":
        this.log(entryLine(e.entry));
        break;
      case "batch-end":
        this.close();
        return;
    }
    this.draw();
  }

  stop(): void {
    if (!this.live) return;
    this.clear();
    this.live = false;
    clearInterval(this.timer);
  }

  close(): void {
    this.stop();
    if (this.closed || this.state.total === 0) return;
    this.closed = true;
    for (const line of closingLines(this.state)) this.err.write(line + "\n");
  }
}
