import type { Command } from "commander";
import type { CommandContext } from "../program.js";
import { ExitCode } from "../../errors.js";

/** `longdoc models`: the model profiles in effect (built-in and the user's profiles.json). */
export function registerModels(program: Command, ctx: CommandContext): void {
  program
    .command("models")
    .description("model profiles: ids, aliases, window, image limits, prices per provider")
    .option("--profiles <file>", "model profiles JSON (default ~/.config/longdoc/profiles.json)")
    .option("--json", "print the profiles as JSON")
    .action(async (o: { profiles?: string; json?: boolean }) => {
      const { loadProfiles, defaultProfilesFile } = await import("../../budget/profiles.js");
      const profiles = loadProfiles(o.profiles);
      if (o.json) {
        ctx.io.stdout.write(JSON.stringify(profiles, null, 2) + "\n");
      } else {
        const lines: string[] = [];
        for (const p of profiles) {
          lines.push(p.id);
          if (p.aliases?.length) lines.push(`  aliases      ${p.aliases.join(", ")}`);
          lines.push(`  window       ${p.window.toLocaleString("en-US")} tokens (input and output together)`);
          lines.push(
            `  images       longest side ≤ ${p.image.maxSide} px (never shrunk below ${p.image.minSide} px), ${p.image.patch} px per token side`,
          );
          const caps = Object.entries(p.imageCaps).filter(([name]) => name !== "offline");
          lines.push(`  images/req   ${caps.map(([name, n]) => `${name} ${n}`).join(", ")}`);
          const prices = Object.entries(p.prices).flatMap(([provider, rows]) =>
            rows.map((r) => `${provider}${r.host !== provider ? ` (${r.host})` : ""} $${r.inputPerM} in / $${r.outputPerM} out`),
          );
          lines.push(`  per 1M tok   ${prices.length ? prices.join("; ") : "no price (self-hosted)"}`);
          lines.push("");
        }
        lines.push(`profiles file: ${o.profiles ?? defaultProfilesFile()} (adds or overrides entries; see docs/cli.md)`);
        ctx.io.stdout.write(lines.join("\n") + "\n");
      }
      ctx.setExitCode(ExitCode.ok);
    });
}
