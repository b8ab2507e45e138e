import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import { writeFileAtomically, writeJsonAtomically } from "../io/atomic.js";
import type { BatchIndex, IndexEntry } from "../model/batch.js";
import { renderIndexHtml } from "../report/index-html.js";

const CSV_COLUMNS: (keyof IndexEntry)[] = [
  "document",
  "folder",
  "status",
  "pages",
  "figures",
  "requests",
  "inputTokens",
  "outputTokens",
  "costUSD",
  "seconds",
  "error",
  "note",
];

export function indexToCsv(index: BatchIndex): string {
  return stringify(
    index.documents.map((d) => CSV_COLUMNS.map((c) => d[c] ?? "")),
    { header: true, columns: CSV_COLUMNS as string[] },
  );
}

/**
 * OUT/index.json, index.csv and index.html, rewritten (atomically, one write at a time, in order)
 * each time a row changes, so whatever stops the run leaves an index that is true.
 */
export class BatchIndexFile {
  private readonly rows = new Map<string, IndexEntry>();
  private readonly order: string[];
  private readonly startedAt = new Date().toISOString();
  private writing: Promise<void> = Promise.resolve();
  private htmlWarning: string | undefined;

  /**
   * `documents` fixes the row order (the batch order); rows start as "pending" until set.
   * `baseName` is "index", or a shard's own name (see shardBaseName) so shards sharing OUT never
   * overwrite each other's index.
   */
  constructor(
    private readonly outDir: string,
    documents: string[],
    private readonly baseName = "index",
  ) {
    this.order = [...documents];
  }

  set(entry: IndexEntry): Promise<void> {
    this.rows.set(entry.document, entry);
    return this.flush();
  }

  get entries(): IndexEntry[] {
    return this.order.flatMap((d) => (this.rows.has(d) ? [this.rows.get(d)!] : []));
  }

  snapshot(): BatchIndex {
    return {
      schemaVersion: 1,
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      documents: this.entries,
    };
  }

  /** The html renderer failing must not lose the json/csv (they are the record). */
  get warning(): string | undefined {
    return this.htmlWarning;
  }

  flush(): Promise<void> {
    const index = this.snapshot();
    // a failed write must not block later ones
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        this.htmlWarning = (await writeIndexFiles(this.outDir, index, this.baseName)) ?? this.htmlWarning;
      });
    return this.writing;
  }
}

/**
 * Writes <base>.json, <base>.csv and <base>.html into `outDir`, atomically. Returns a warning when
 * the html could not be rendered (the json and csv are the record and are written regardless).
 */
export async function writeIndexFiles(outDir: string, index: BatchIndex, baseName = "index"): Promise<string | undefined> {
  await writeJsonAtomically(join(outDir, `${baseName}.json`), index);
  await writeFileAtomically(join(outDir, `${baseName}.csv`), indexToCsv(index));
  let html: string;
  try {
    html = renderIndexHtml(index);
  } catch (err) {
    return `${baseName}.html not written: ${err instanceof Error ? err.message : String(err)}`;
  }
  await writeFileAtomically(join(outDir, `${baseName}.html`), html);
  return undefined;
}
