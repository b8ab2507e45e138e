import { createHash } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomically } from "../io/atomic.js";
import type { IndexEntry } from "../model/batch.js";

/** Written last into OUT/<folder>/, after every other output: its presence means "complete". */
export const DONE_MARKER = ".longdoc-done.json";

export interface DoneMarker {
  schemaVersion: 1;
  sha256: string;
  optionsHash: string;
  finishedAt: string;
  /** the index row of the run that produced the outputs (reused when the document is skipped) */
  entry: IndexEntry;
}

/**
 * Options that do not change a document's outputs: where they go, how fast, the budget,
 * the display, where the cache lives. Secrets are left out so they never reach a file.
 */
const NOT_OUTPUT_AFFECTING = new Set([
  "out",
  "concurrency",
  "requests",
  "maxCost",
  "maxCostUSD",
  "idleTimeoutMs",
  "priceInput",
  "priceOutput",
  "json",
  "cache",
  "noCache",
  "cacheDir",
  "apiKey",
  "password",
  "signal",
  "onEvent",
  "requestSlots",
  "progress",
  "quiet",
  "verbose",
  "force",
]);

/**
 * Stable hash of the options that shape a document's outputs (sorted keys, undefined dropped).
 * `extra` carries what the options only point to, e.g. the content of a --schema file.
 */
export function hashOptions(options: object, extra: Record<string, unknown> = {}): string {
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || typeof value === "function" || NOT_OUTPUT_AFFECTING.has(key)) continue;
    picked[key] = value;
  }
  return createHash("sha256")
    .update(stableJson({ options: picked, extra }))
    .digest("hex");
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && typeof v !== "function")
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The previous run's marker when it is for the same bytes and the same options, else null. */
export async function findUpToDate(folder: string, sha256: string, optionsHash: string): Promise<DoneMarker | null> {
  try {
    const marker = JSON.parse(await readFile(join(folder, DONE_MARKER), "utf8")) as DoneMarker;
    if (marker.schemaVersion === 1 && marker.sha256 === sha256 && marker.optionsHash === optionsHash) {
      return marker;
    }
  } catch {
    // no marker or unreadable: the document is (re)done
  }
  return null;
}

export async function writeDoneMarker(folder: string, marker: Omit<DoneMarker, "schemaVersion">): Promise<void> {
  await writeJsonAtomically(join(folder, DONE_MARKER), { schemaVersion: 1, ...marker });
}

/** Removed before a document is redone, so a half-rewritten folder never claims to be complete. */
export async function removeDoneMarker(folder: string): Promise<void> {
  await rm(join(folder, DONE_MARKER), { force: true });
}
