/** One row of OUT/index.json / index.csv / index.html for a batch run. */
export type DocumentStatus = "done" | "failed" | "skipped" | "over-budget" | "interrupted";

export interface IndexEntry {
  /** source path as given or found */
  document: string;
  /** output subfolder, relative to OUT */
  folder: string;
  /** done, failed, skipped (up to date), over-budget or interrupted */
  status: DocumentStatus;
  /** pages read */
  pages: number;
  /** figures found */
  figures: number;
  /** model requests made, answers from the cache included */
  requests: number;
  /** prompt tokens paid (cached answers count 0) */
  inputTokens: number;
  /** output tokens paid (cached answers count 0) */
  outputTokens: number;
  /** what this document cost in this run */
  costUSD: number;
  /** wall time of this document */
  seconds: number;
  /** the one-line error of a failed document */
  error?: string;
  /** why a document was not processed when that is no error, e.g. "up to date", "not started" */
  note?: string;
}

export interface BatchIndex {
  /** 1 */
  schemaVersion: 1;
  /** ISO time the run started */
  startedAt: string;
  /** ISO time of the last change (the index is rewritten as each document ends) */
  updatedAt: string;
  /** one row per document, in input order */
  documents: IndexEntry[];
}
