#!/usr/bin/env node
// On Linux the CLI runs in a child with MALLOC_ARENA_MAX=2 (see src/cli/launcher.ts for why, and how
// signals reach it); this process only relays signals and the exit code.
import { fileURLToPath } from "node:url";
import { relaunchWithArenaLimit } from "../dist/cli/launcher.js";

if (!relaunchWithArenaLimit(fileURLToPath(import.meta.url))) await import("../dist/cli/bin.js");
