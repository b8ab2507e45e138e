/** One row of OUT/index.json / index.csv / index.html for a batch run. */
export type DocumentStatus = "done" | "failed" | "skipped" | "over-budget" | "interrupted";

export interface IndexEntry {
  /** source path as given or found */
  document: string;
  /** output subfolder, relative to OUT */
  folder: string;
  status: DocumentStatus;
  pages: number;
  figures: number;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUSD: number;
  seconds: number;
  error?: string;
  /** why a document was not processed when that is no error, e.g. "up to date", "not started" */
  note?: string;
}

export interface BatchIndex {
  schemaVersion: 1;
  startedAt: string;
  updatedAt: string;
  documents: IndexEntry[];
}
