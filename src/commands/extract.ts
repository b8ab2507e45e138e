import type { Command } from "commander";
import type { CommandContext } from "../cli.js";

// Placeholder until the extract command lands; it registers nothing yet.
export function registerExtract(_program: Command, _ctx: CommandContext): void {}
