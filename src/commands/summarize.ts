import type { Command } from "commander";
import type { CommandContext } from "../cli.js";

// Placeholder until the summarize command lands; it registers nothing yet.
export function registerSummarize(_program: Command, _ctx: CommandContext): void {}
