import { createHash } from "node:crypto";
import { InputError } from "../errors.js";

/** `--shard K/N`: this machine takes the K-th of N disjoint parts of the inputs (1 ≤ K ≤ N). */
export interface Shard {
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new InputError(`--shard must be K/N with 1 ≤ K ≤ N, e.g. 2/4 (got "${text}")`);
  return { k, n };
}

/**
 * Whether a document belongs to the shard. The key is the document's output folder name: it is the
 * same on every machine that is given the same inputs (whatever the mount point), and every key
 * falls in exactly one part, so N machines cover a folder once with no coordinator.
 */
export function inShard(key: string, shard: Shard): boolean {
  if (shard.n === 1) return true;
  const h = createHash("sha256").update(key.toLowerCase()).digest().readUInt32BE(0);
  return h % shard.n === shard.k - 1;
}

/**
 * A run file's base name for this shard, e.g. "index" → "index.shard-2-of-4": shards share OUT, so
 * their index and batch state must not share a name. Without sharding the name is unchanged.
 */
export function shardBaseName(base: string, shard: Shard | undefined): string {
  return shard && shard.n > 1 ? `${base}.shard-${shard.k}-of-${shard.n}` : base;
}

/** Matches the index files shards write: index.shard-K-of-N.json. */
export const SHARD_INDEX_PATTERN = /^index\.shard-(\d+)-of-(\d+)\.json$/;
