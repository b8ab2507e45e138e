import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import envPaths from "env-paths";
import { writeJsonAtomically } from "../io/atomic.js";
import type { ModelAnswer } from "./types.js";

/** The default cache folder: the user cache folder for longdoc (e.g. ~/.cache/longdoc). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  // env-paths reads process.env; a run given its own environment (an in-process caller) is read here
  const xdg = process.platform === "linux" ? env.XDG_CACHE_HOME : undefined;
  return join(xdg ? join(xdg, "longdoc") : envPaths("longdoc", { suffix: "" }).cache, "responses");
}

/**
 * Cache key: sha256 of the provider name, the endpoint host+path and the exact body as sent.
 * Headers (where the key lives) never go in, so the key cannot reach the cache.
 */
export function cacheKey(provider: string, baseUrl: string, body: unknown): string {
  let endpoint = baseUrl;
  try {
    const u = new URL(baseUrl);
    endpoint = u.host + u.pathname; // not the full URL: it could carry credentials in userinfo or query
  } catch {
    /* offline / unusual: keep as is */
  }
  return createHash("sha256").update(JSON.stringify({ provider, endpoint })).update("\n").update(JSON.stringify(body)).digest("hex");
}

interface CacheEntry {
  version: 1;
  text: string;
  finishReason: string;
  usage: ModelAnswer["usage"];
  latencyMs: number;
  storedAt: string;
}

export class ResponseCache {
  constructor(readonly dir: string) {}

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** A stored answer, or null on a miss or an unreadable entry (treated as a miss). */
  async get(key: string): Promise<Omit<ModelAnswer, "cached" | "attempts"> | null> {
    try {
      const entry = JSON.parse(await readFile(this.pathOf(key), "utf8")) as CacheEntry;
      if (entry.version !== 1 || typeof entry.text !== "string") return null;
      return { text: entry.text, finishReason: entry.finishReason, usage: entry.usage, latencyMs: entry.latencyMs };
    } catch {
      return null;
    }
  }

  /** Only complete answers are stored: callers never pass errors or truncated output. */
  async set(key: string, answer: ModelAnswer): Promise<void> {
    const entry: CacheEntry = {
      version: 1,
      text: answer.text,
      finishReason: answer.finishReason,
      usage: answer.usage,
      latencyMs: answer.latencyMs,
      storedAt: new Date().toISOString(),
    };
    await writeJsonAtomically(this.pathOf(key), entry);
  }
}
