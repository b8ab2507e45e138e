import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "../errors.js";
import type { BatchIndex, IndexEntry } from "../model/batch.js";
import { writeIndexFiles } from "./index-file.js";
import { SHARD_INDEX_PATTERN } from "./shard.js";

export interface MergedIndex {
  index: BatchIndex;
  /** the shard index files merged, by name */
  shards: string[];
  /** shards of an N/N split that wrote no index yet (still running, or never started) */
  missingShards: string[];
  warnings: string[];
}

/**
 * `longdoc index OUT`: merges the index of every shard that ran into OUT (index.shard-K-of-N.json)
 * into one index.json / index.csv / index.html. A document listed by two shard files (a rerun with a
 * different N) keeps the row of the most recently updated file. Rows are ordered by document path,
 * which is the same order on every machine.
 */
export async function mergeShardIndexes(out: string): Promise<MergedIndex> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch (err) {
    throw new InputError(`cannot read the output folder (${(err as NodeJS.ErrnoException).code ?? "error"})`, out);
  }
  const shardFiles = names.filter((n) => SHARD_INDEX_PATTERN.test(n)).sort();
  if (shardFiles.length === 0) throw new InputError("no shard index (index.shard-K-of-N.json) in this folder: nothing to merge", out);

  const warnings: string[] = [];
  const loaded: { name: string; index: BatchIndex }[] = [];
  for (const name of shardFiles) {
    try {
      const index = JSON.parse(await readFile(join(out, name), "utf8")) as BatchIndex;
      if (index?.schemaVersion !== 1 || !Array.isArray(index.documents)) throw new Error("not a longdoc index");
      loaded.push({ name, index });
    } catch (err) {
      warnings.push(`${name} skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const splits = new Set(shardFiles.map((n) => Number(SHARD_INDEX_PATTERN.exec(n)![2])));
  if (splits.size > 1)
    warnings.push(
      `shard indexes of different splits (${[...splits].map((n) => `/${n}`).join(", ")}): the newest row of each document wins`,
    );
  const missingShards: string[] = [];
  for (const n of splits) {
    for (let k = 1; k <= n; k++) if (!names.includes(`index.shard-${k}-of-${n}.json`)) missingShards.push(`${k}/${n}`);
  }

  // oldest first, so a newer file's row replaces an older one's
  loaded.sort((a, b) => (a.index.updatedAt < b.index.updatedAt ? -1 : a.index.updatedAt > b.index.updatedAt ? 1 : 0));
  const rows = new Map<string, IndexEntry>();
  for (const { index } of loaded) for (const row of index.documents) rows.set(row.folder.toLowerCase(), row);
  const documents = [...rows.values()].sort((a, b) => (a.document < b.document ? -1 : a.document > b.document ? 1 : 0));
  const startedAt = loaded.map((l) => l.index.startedAt).sort()[0] ?? new Date().toISOString();
  const index: BatchIndex = { schemaVersion: 1, startedAt, updatedAt: new Date().toISOString(), documents };
  const htmlWarning = await writeIndexFiles(out, index);
  if (htmlWarning) warnings.push(htmlWarning);
  return { index, shards: loaded.map((l) => l.name), missingShards, warnings };
}
