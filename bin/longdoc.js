#!/usr/bin/env node
// glibc gives each thread its own malloc arena; with pdf.js worker threads, libvips and canvas
// threads that fragments native memory (≈480 MB peak on photo-heavy PDFs, ≈340 MB with two
// arenas). The variable only works if set before the process starts, so on Linux the launcher
// re-executes itself once with it. LONGDOC_NO_REEXEC=1 turns this off.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

if (process.platform === "linux" && !process.env.MALLOC_ARENA_MAX && !process.env.LONGDOC_NO_REEXEC) {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, MALLOC_ARENA_MAX: "2" },
  });
  // Ctrl-C reaches the whole process group, the child included; only forward what is sent to us alone.
  process.on("SIGINT", () => {});
  for (const sig of ["SIGTERM", "SIGHUP"]) process.on(sig, () => child.kill(sig));
  child.on("exit", (code, signal) => {
    process.exitCode = code ?? (signal === "SIGINT" ? 130 : 1);
  });
} else {
  await import("../dist/bin.js");
}
