import { spawn } from "node:child_process";
import { constants } from "node:os";
import { STOP_SIGNALS, type LauncherStopMessage } from "./stop.js";

/**
 * glibc gives each thread its own malloc arena; with pdf.js worker threads, libvips and canvas
 * threads that fragments native memory (summarising a photo-heavy report peaked at ≈430 MB with
 * the default arenas, ≈380 MB with two). The variable only works if set before the process
 * starts, so on Linux bin/longdoc.js re-executes itself once with it (LONGDOC_NO_REEXEC=1 turns
 * this off). Returns false when this process should run the CLI itself.
 *
 * The launcher stays the pid the user (or a process manager) knows: every SIGINT, SIGTERM and
 * SIGHUP it receives is passed to the child as a numbered stop message, not as a signal, so a
 * Ctrl-C that reaches both (the terminal signals the whole process group) counts once.
 */
export function relaunchWithArenaLimit(script: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== "linux" || env.MALLOC_ARENA_MAX || env.LONGDOC_NO_REEXEC) return false;
  const child = spawn(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: { ...env, MALLOC_ARENA_MAX: "2" },
  });
  let received = 0;
  for (const name of STOP_SIGNALS) {
    process.on(name, () => {
      received++;
      const message: LauncherStopMessage = { longdocStop: name, count: received };
      if (child.connected) child.send(message, () => undefined);
      // a child that no longer reads its messages (stuck, or gone deaf) still gets the signal itself
      else if (received >= 2) child.kill(name);
      if (received >= 3) child.kill("SIGKILL");
    });
  }
  child.on("exit", (code, signal) => {
    // a child ended by a signal reports as a shell would: 128 + the signal's number
    process.exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
  });
  child.on("error", (err) => {
    process.stderr.write(`longdoc: cannot start ${process.execPath}: ${err.message}\n`);
    process.exitCode = 1;
  });
  return true;
}
