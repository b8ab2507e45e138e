import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../errors.js";

/** `longdoc index OUT`: one index.json / index.csv / index.html from the shards' indexes. */
export function registerIndex(program: Command, ctx: CommandContext): void {
  program
    .command("index")
    .description("merge the shard indexes of a folder run (--shard K/N) into one index.json/csv/html")
    .argument("<out>", "the output folder the shards share")
    .option("--json", "print the merged index.json on stdout")
    .action(async (out: string, o: { json?: boolean }) => {
      const { mergeShardIndexes } = await import("../../batch/merge-index.js");
      const merged = await mergeShardIndexes(out);
      for (const w of merged.warnings) ctx.io.stderr.write(`longdoc: ${w}\n`);
      if (merged.missingShards.length) {
        ctx.io.stderr.write(
          `longdoc: no index yet from shard ${merged.missingShards.join(", ")}: the merged index lists the others only\n`,
        );
      }
      const counts = new Map<string, number>();
      for (const d of merged.index.documents) counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
      const summary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
      if (o.json) ctx.io.stdout.write(JSON.stringify(merged.index, null, 2) + "\n");
      else
        ctx.io.stderr.write(
          `${merged.shards.length} shard index${merged.shards.length === 1 ? "" : "es"} merged: ${merged.index.documents.length} documents (${summary || "none"})\n`,
        );
      const failed = merged.index.documents.some((d) => d.status === "failed");
      ctx.setExitCode(failed ? ExitCode.someFailed : ExitCode.ok);
    });
}
