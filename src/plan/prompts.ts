/**
 * System prompts per task and request kind. The model-call stage never writes its own: it sends
 * plan.requests[i].system (single, map) or what buildReduceParts returns (reduce), so the text
 * counted by the planner is the text sent.
 */
import type { OutlineEntry } from "../model/document.js";
import type { RequestKind } from "../model/plan.js";

import type { Task } from "../model/task.js";

const READING_GUIDE =
  "The document arrives as text in reading order. Each page starts with a marker like [page 12]. " +
  "Each figure is introduced by a line 'Figure <id> (page N): <caption>' directly before its image; " +
  "small figures may be tiled into one sheet image whose cells are labelled with their figure ids, " +
  "and the text before the sheet says which figure is where. Cite page numbers from the markers.";

const TASK_GOAL: Record<Task, string> = {
  summarize:
    "Write a structured summary of the document: its title, an overall summary, key points with the pages " +
    "they come from, a summary per section with its page range, and a description of each figure " +
    "(by id) saying what it shows and why it matters for the text.",
  figures:
    "Describe every figure of the document (by id): what it shows, the labels, values and parts a reader " +
    "needs, and how it relates to the surrounding text. Also give a short overall summary and the sections.",
};

const CUSTOM_GOAL = "Fill the JSON schema you are given with information from the document; use only what the document says.";

function kindInstruction(kind: RequestKind): string {
  switch (kind) {
    case "single":
      return "You are given the whole document.";
    case "map":
      return (
        "The document is too long for one request, so you are given one consecutive part of it, with the " +
        "document's title and outline for orientation. Cover only this part; keep page numbers exact, " +
        "describe every figure in it, and do not guess about other parts. Your answer will be combined with " +
        "the answers for the other parts."
      );
    case "reduce":
      return (
        "You are given partial results, each made from one consecutive part of the same document (in order, " +
        "with their page ranges), and the document's title and outline. Combine them into one result for the " +
        "whole document: merge sections that continue across parts, keep every figure description and page " +
        "reference, remove repetition, and write the overall summary for the whole document."
      );
  }
}

export interface PromptOptions {
  task: Task;
  kind: RequestKind;
  userPrompt?: string;
  customSchema?: boolean;
}

/** The system message for one request. The user's --prompt is appended verbatim. */
export function systemPrompt(opts: PromptOptions): string {
  const parts = [
    "You analyse long illustrated documents and answer with JSON that matches the given schema.",
    kindInstruction(opts.kind),
    opts.kind === "reduce" ? "" : READING_GUIDE,
    opts.customSchema ? CUSTOM_GOAL : TASK_GOAL[opts.task],
  ].filter(Boolean);
  const prompt = opts.userPrompt?.trim();
  if (prompt) parts.push(`Additional instruction from the user: ${prompt}`);
  return parts.join("\n\n");
}

// A long outline costs tokens in every request; past this many entries the deepest levels go first.
const MAX_OUTLINE_ENTRIES = 300;

function outlineLines(outline: OutlineEntry[]): string[] {
  let entries = outline;
  if (entries.length > MAX_OUTLINE_ENTRIES) {
    let depth = Math.max(...entries.map((e) => e.level));
    while (depth > 1 && entries.filter((e) => e.level <= depth).length > MAX_OUTLINE_ENTRIES) depth--;
    entries = entries.filter((e) => e.level <= depth).slice(0, MAX_OUTLINE_ENTRIES);
  }
  const lines = entries.map((e) => `${"  ".repeat(Math.max(0, e.level - 1))}- ${e.title.trim()} (p. ${e.page})`);
  if (entries.length < outline.length) lines.push(`  (${outline.length - entries.length} deeper outline entries left out)`);
  return lines;
}

export interface HeaderOptions {
  title: string;
  pageCount: number;
  outline: OutlineEntry[];
  kind: RequestKind;
  /** map: this part's number and the number of parts, and its pages */
  part?: { index: number; of: number; pages: [number, number] };
  /** reduce: how many partial results follow */
  partials?: number;
}

/** The first text part of every request: what the document is and where this request sits in it. */
export function documentHeader(opts: HeaderOptions): string {
  const lines = [`Document: ${opts.title}`, `Pages: ${opts.pageCount}`];
  if (opts.part) {
    lines.push(`This request: part ${opts.part.index} of ${opts.part.of}, pages ${opts.part.pages[0]}-${opts.part.pages[1]}`);
  }
  if (opts.partials !== undefined) lines.push(`Partial results that follow: ${opts.partials}`);
  const outline = outlineLines(opts.outline);
  if (outline.length > 0) lines.push("Outline:", ...outline);
  return lines.join("\n") + "\n\n";
}
