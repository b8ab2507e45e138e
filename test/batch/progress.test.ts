/**
 * The progress display replays event streams — one recorded from a real batch run (`longdoc
 * summarize <folder> --json` against the fake server, Mistral flavour, paths replaced by /run; a
 * broken file among four good ones) and one with the awkward cases (a repair beyond the plan, a
 * repeated start, streaming tokens, a failure with requests in flight, an interrupt) — and every
 * rendered frame's counts must agree with the events so far.
 */
import { reqEnd, reqProgress, reqStart } from "./request-events.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BatchProgressState, closingLines, createProgressReporter, renderFrame } from "../../src/batch/progress.js";
import type { BatchEvent } from "../../src/batch/types.js";
import type { IndexEntry } from "../../src/model/batch.js";

const recorded: BatchEvent[] = readFileSync(join(import.meta.dirname, "recorded", "summarize-5-docs.jsonl"), "utf8")
  .trim()
  .split("\n")
  .map((l) => JSON.parse(l) as BatchEvent);

const entry = (document: string, status: IndexEntry["status"], requests = 0): IndexEntry => ({
  document,
  folder: document.replace(/^.*\/|\.pdf$/g, ""),
  status,
  pages: 3,
  figures: 1,
  requests,
  inputTokens: 0,
  outputTokens: 0,
  costUSD: 0,
  seconds: 1,
});

/** The awkward cases, in one stream. */
const awkward: BatchEvent[] = [
  { type: "batch-start", documents: 3, skippedInputs: [], concurrency: 2, requests: 4, maxCostUSD: null, out: "/o" },
  { type: "document-start", document: "/a.pdf", folder: "a" },
  { type: "document-start", document: "/a.pdf", folder: "a" }, // repeated: still one row
  { type: "document-extracted", document: "/a.pdf", pages: 3, figures: 1 },
  { type: "document-planned", document: "/a.pdf", requests: 1, plannedCostUSD: 0.01 },
  reqStart("/a.pdf", "r1"),
  reqProgress("/a.pdf", "r1", 120),
  reqProgress("/a.pdf", "r1", 480),
  reqEnd("/a.pdf", "r1", 1000, 500, 0.008),
  // a repair request the plan did not announce: done must not pass the total
  reqStart("/a.pdf", "r1-repair"),
  reqEnd("/a.pdf", "r1-repair", 1200, 400, 0.004),
  { type: "document-start", document: "/b.pdf", folder: "b" },
  { type: "document-planned", document: "/b.pdf", requests: 3, plannedCostUSD: 0.02 },
  // an answer whose start was not seen still counts once
  reqEnd("/b.pdf", "r9", 10, 10, 0.001),
  reqStart("/b.pdf", "r1"),
  reqStart("/b.pdf", "r2"),
  { type: "document-end", entry: entry("/a.pdf", "done", 2) },
  // b fails with two requests in flight: none may stay counted
  { type: "document-end", entry: entry("/b.pdf", "failed") },
  { type: "document-start", document: "/c.pdf", folder: "c" },
  // interrupted here: no batch-end
];

interface Truth {
  done: number;
  running: number;
  activeDocs: Set<string>;
  settled: number;
}

/** Replays events, rendering a frame after each; checks each frame against counts kept independently. */
function replay(events: BatchEvent[], check: (frame: string[], s: BatchProgressState, t: Truth) => void): BatchProgressState {
  let clock = 0;
  const s = new BatchProgressState(() => clock);
  const started = new Map<string, Set<string>>();
  const ended = new Map<string, Set<string>>();
  const t: Truth = { done: 0, running: 0, activeDocs: new Set(), settled: 0 };
  for (const e of events) {
    clock += 1500;
    s.apply(e);
    if (e.type === "document-start") t.activeDocs.add(e.document);
    if (e.type === "request-start") (started.get(e.document) ?? started.set(e.document, new Set()).get(e.document)!).add(e.requestId);
    if (e.type === "request-end") {
      t.done++;
      (ended.get(e.document) ?? ended.set(e.document, new Set()).get(e.document)!).add(e.requestId);
    }
    if (e.type === "document-end") {
      t.activeDocs.delete(e.entry.document);
      started.delete(e.entry.document);
      t.settled++;
    }
    t.running = [...started].reduce((n, [doc, ids]) => n + [...ids].filter((id) => !ended.get(doc)?.has(id)).length, 0);
    check(renderFrame(s, 400), s, t);
  }
  return s;
}

function checkFrame(frame: string[], s: BatchProgressState, t: Truth): void {
  const head = /(\d+)\/(\d+) docs.* requests (\d+)\/(\d+) done(?:, (\d+) running)?/.exec(frame[0]);
  expect(head, frame[0]).not.toBeNull();
  const [settled, total, done, all, running] = head!.slice(1).map((x) => Number(x ?? 0));
  expect(settled).toBe(t.settled);
  expect(total).toBe(s.total);
  expect(done).toBe(t.done);
  expect(done).toBeLessThanOrEqual(all);
  expect(running).toBe(t.running);
  expect(running).toBeLessThanOrEqual(all - done);
  // one row per active document, none for finished ones
  const rows = frame.slice(2);
  expect(rows).toHaveLength(t.activeDocs.size);
  for (const doc of t.activeDocs)
    expect(
      rows.filter((r) => r.trim().startsWith(doc.replace(/^.*\//, ""))),
      doc,
    ).toHaveLength(1);
  for (const row of rows) {
    const m = /requests (\d+)\/(\d+) done(?:, (\d+) running)?/.exec(row);
    if (m) expect(Number(m[1])).toBeLessThanOrEqual(Number(m[2]));
  }
  expect(frame.join("\n")).not.toMatch(/\b1 pages\b|\b1 figures\b|\b0 req\b/);
}

describe("progress frames replayed from event streams", () => {
  it("a recorded run: every frame's counts match the events so far, and the end says where the outputs are", () => {
    const s = replay(recorded, checkFrame);
    expect(s.finished).toMatchObject({ done: 4, failed: 1 });
    const closing = closingLines(s);
    expect(closing[0]).toMatch(
      /^5 documents: 4 done, 1 failed, 0 interrupted; \$0\.\d{4} spent in \d+s; outputs in \/run\/out\/ \(index\.html\)$/,
    );
  });

  it("awkward streams: repairs beyond the plan, repeated starts, streaming tokens, failures in flight", () => {
    const frames: string[][] = [];
    const s = replay(awkward, (frame, state, t) => {
      checkFrame(frame, state, t);
      frames.push(frame);
    });
    // tokens arriving are shown while they stream, and folded into the totals at the end
    expect(frames[6].join("\n")).toMatch(/\+120 arriving/);
    expect(frames[7].join("\n")).toMatch(/a\.pdf .*480 tokens arriving/);
    expect(frames[8].join("\n")).not.toMatch(/arriving/);
    // spend so far and expected: a's plan is spent, b's is still to come, c is estimated from the average
    expect(frames[12][1]).toMatch(/\$0\.0120 spent, ~\$0\.0470 expected/);
    expect(s.requestsInFlight).toBe(0);
    // interrupted without a batch-end: the closing line still says what happened
    expect(closingLines(s)[0]).toBe("3 documents: 1 done, 1 failed, 1 interrupted; $0.0130 spent in 29s; outputs in /o/ (index.html)");
  });

  it("the ETA is smoothed: a sudden fast document moves it only part of the way", () => {
    let clock = 0;
    const s = new BatchProgressState(() => clock);
    s.apply({ type: "batch-start", documents: 10, skippedInputs: [], concurrency: 1, requests: 1, maxCostUSD: null, out: "/o" });
    const steps: Array<{ eta: number; raw: number }> = [];
    for (let i = 0; i < 10; i++) {
      const doc = `/d${i}.pdf`;
      s.apply({ type: "document-start", document: doc, folder: `d${i}` });
      // documents take 10 s each, except the fifth, which is up to date at once
      clock += i === 4 ? 100 : 10_000;
      s.apply({ type: "document-end", entry: entry(doc, i === 4 ? "skipped" : "done") });
      const eta = s.etaSeconds();
      const f = (i + 1) / 10;
      if (eta !== null) steps.push({ eta, raw: ((clock / 1000) * (1 - f)) / f });
    }
    // at the up-to-date document the raw estimate drops by a third; the shown one barely moves
    const [before, at] = [steps[3], steps[4]];
    expect(before.raw - at.raw).toBeGreaterThan(15);
    expect(Math.abs(before.eta - at.eta)).toBeLessThan(0.25 * (before.raw - at.raw));
    // and it still counts down with the run and ends near zero
    for (let i = 1; i < steps.length; i++) expect(steps[i].eta).toBeLessThanOrEqual(steps[i - 1].eta + 1);
    expect(steps.at(-2)!.eta).toBeLessThan(30);
  });

  it("-q shows only failures and the closing line; a stop mid-run still ends with the closing line", () => {
    const lines: string[] = [];
    const err = { write: (t: string) => lines.push(...t.trimEnd().split("\n")) } as unknown as NodeJS.WriteStream;
    const quiet = createProgressReporter("quiet", { err });
    for (const e of awkward) quiet.onEvent(e);
    quiet.close();
    quiet.close(); // once only
    expect(lines[0]).toMatch(/^\[2\/3\] failed b\.pdf/);
    expect(lines.filter((l) => /^3 documents:/.test(l))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/run the same command again/);
  });
});
