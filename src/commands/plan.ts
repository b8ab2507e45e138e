import type { Command } from "commander";
import type { CommandContext } from "../cli.js";

// Placeholder until the plan command lands; it registers nothing yet.
export function registerPlan(_program: Command, _ctx: CommandContext): void {}
