import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Argument, type Command } from "commander";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../errors.js";
import { defaultCacheDir } from "../../llm/cache.js";
import { plural } from "../../report/format.js";

/** Answers stored and their bytes (entries are <dir>/<2 hex>/<key>.json). */
async function cacheSize(dir: string): Promise<{ entries: number; bytes: number }> {
  let entries = 0;
  let bytes = 0;
  let shards: string[];
  try {
    shards = await readdir(dir);
  } catch {
    return { entries, bytes };
  }
  for (const shard of shards) {
    let files: string[];
    try {
      files = await readdir(join(dir, shard));
    } catch {
      continue; // not a shard folder
    }
    for (const f of files.filter((x) => x.endsWith(".json"))) {
      entries++;
      bytes += (await stat(join(dir, shard, f))).size;
    }
  }
  return { entries, bytes };
}

/** `longdoc cache path|info|clear`: the response cache (answers reused on a rerun, so no request is paid twice). */
export function registerCache(program: Command, ctx: CommandContext): void {
  program
    .command("cache")
    .description("the response cache: where it is, what it holds, clear it")
    .addArgument(new Argument("<action>", "path | info | clear").choices(["path", "info", "clear"]))
    .option("--cache-dir <dir>", "response cache folder (default: the user cache folder)")
    .action(async (action: "path" | "info" | "clear", o: { cacheDir?: string }) => {
      const dir = o.cacheDir ?? defaultCacheDir(ctx.io.env);
      if (action === "path") {
        ctx.io.stdout.write(dir + "\n");
      } else if (action === "info") {
        const { entries, bytes } = await cacheSize(dir);
        ctx.io.stdout.write(`${dir}: ${plural(entries, "answer")}, ${(bytes / 1e6).toFixed(1)} MB\n`);
      } else {
        const { entries } = await cacheSize(dir);
        await rm(dir, { recursive: true, force: true });
        ctx.io.stdout.write(`cleared ${dir} (${plural(entries, "answer")} removed; a rerun pays for its requests again)\n`);
      }
      ctx.setExitCode(ExitCode.ok);
    });
}
