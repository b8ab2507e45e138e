import { spawn } from "node:child_process";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { runCli as runCliInProcess } from "../../src/cli/program.js";
import { StopRequest } from "../../src/cli/stop.js";
import { repoRoot } from "./paths.js";

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a run sees: nothing of the test process's but PATH, HOME and the cache location. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    ...(process.env.XDG_CACHE_HOME ? { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME } : {}),
    NO_COLOR: "1",
    ...extra,
  };
}

/** A stream that keeps what is written to it, as text. */
class TextSink extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * Runs the CLI in this process: the same argv parsing, commands and exit codes as `longdoc …`,
 * with stdout and stderr captured and the environment replaced (PATH, HOME and the cache
 * location kept), without the cost of starting Node and loading TypeScript for every call.
 * `stop` lets a test stop the run as a signal would.
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; stop?: StopRequest; input?: string | Buffer; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  // a working folder is the process's own: a run that needs another gets a process of its own
  if (opts.cwd !== undefined) return runCliProcess(args, opts);
  const stdout = new TextSink();
  const stderr = new TextSink();
  const stdin = Readable.from([Buffer.from(opts.input ?? "")]);
  const code = await runCliInProcess(args, { stdout, stderr, env: cliEnv(opts.env), stop: opts.stop ?? new StopRequest(), stdin });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/**
 * Runs the CLI from source in a child process, as a user runs it: for what needs a process of its
 * own (signals, the launcher, exit codes seen by a shell). `entry` is src/cli/bin.ts, or
 * test/support/launcher.ts for bin/longdoc.js's re-executing launcher.
 */
export function spawnCli(
  args: string[],
  opts: { env?: Record<string, string>; entry?: string; detached?: boolean; cwd?: string; input?: string | Buffer } = {},
) {
  const entry = opts.entry ?? join(repoRoot, "src", "cli", "bin.ts");
  const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: cliEnv(opts.env),
    stdio: [opts.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    detached: opts.detached,
  });
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  return child;
}

/** spawnCli, collecting the output; resolves when the process exits (killed after `timeoutMs`). */
export function runCliProcess(
  args: string[],
  opts: { env?: Record<string, string>; entry?: string; timeoutMs?: number; cwd?: string; input?: string | Buffer } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, opts);
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
  });
}
