/**
 * Stopping a run on request: the first SIGINT, SIGTERM or SIGHUP (or a stop the launcher forwards)
 * aborts `signal`: no new work starts, requests in flight get the grace period, the run writes what
 * it has and exits 128 + the signal's number. A second request exits at once.
 */

import { DEFAULT_GRACE_MS } from "../llm/slots.js";

export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignalName = (typeof STOP_SIGNALS)[number];

/** 128 + the signal number, as shells and process managers read an exit by signal */
export const STOP_EXIT_CODES: Record<StopSignalName, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** after the grace, time to abandon requests and write the index before the process exits anyway */
const WIND_DOWN_MS = 4_000;

/** The reason `StopRequest.signal` aborts with. */
export class StopError extends Error {
  constructor(readonly signalName: StopSignalName) {
    super(`interrupted (${signalName})`);
    this.name = "StopError";
  }
  get exitCode(): number {
    return STOP_EXIT_CODES[this.signalName];
  }
}

/** Where a stop request came from: this process, or the launcher that started it (bin/longdoc.js). */
export type StopSource = "own" | "launcher";

export interface StopRequestOptions {
  /** ends the process at once (second request, or the grace plus wind-down passed); none in-process */
  forceExit?: (code: number) => void;
  /** one-line notices ("SIGTERM: …") */
  notice?: (line: string) => void;
}

export class StopRequest {
  private readonly controller = new AbortController();
  private own = 0;
  private forwarded = 0;
  private level = 0;
  private graceMs = DEFAULT_GRACE_MS;
  private graceful = false;
  private deadline: NodeJS.Timeout | undefined;

  constructor(private readonly options: StopRequestOptions = {}) {}

  /** aborts at the first stop request, with a StopError */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** 130 / 143 / 129 after a stop, else null */
  get exitCode(): number | null {
    const reason: unknown = this.controller.signal.reason;
    return this.signal.aborted && reason instanceof StopError ? reason.exitCode : null;
  }

  get grace(): number {
    return this.graceMs;
  }

  /**
   * --grace: how long requests in flight may still run after a stop. A command that sets it
   * winds down on a stop; under any other (extract, plan) a stop quits at once: their outputs
   * are written atomically, so nothing half-written is left.
   */
  setGrace(ms: number): void {
    this.graceMs = ms;
    this.graceful = true;
    if (this.deadline) this.armDeadline();
  }

  /**
   * One stop request. A Ctrl-C in a terminal reaches the whole process group, so this process and
   * its launcher both see it and the launcher forwards its own count: the two counts are of the
   * same events, and only the higher one says how many stops were asked for.
   */
  request(name: StopSignalName, source: StopSource = "own", count?: number): void {
    if (source === "own") this.own++;
    else this.forwarded = count ?? this.forwarded + 1;
    const level = Math.max(this.own, this.forwarded);
    if (level <= this.level) return;
    this.level = level;
    if (level === 1 && !this.graceful) {
      this.controller.abort(new StopError(name));
      this.options.forceExit?.(STOP_EXIT_CODES[name]);
      return;
    }
    if (level === 1) {
      this.options.notice?.(
        `${name}: no new work starts; requests in flight get ${Math.round(this.graceMs / 1000)} s, then the index is written (again to quit at once)`,
      );
      this.controller.abort(new StopError(name));
      this.armDeadline();
      return;
    }
    this.options.notice?.(`${name} again: quitting at once`);
    this.options.forceExit?.(this.exitCode ?? STOP_EXIT_CODES[name]);
  }

  /** the run ended on its own: no deadline is left to keep */
  dispose(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  private armDeadline(): void {
    clearTimeout(this.deadline);
    if (!this.options.forceExit) return;
    this.deadline = setTimeout(() => {
      this.options.notice?.(`still running ${Math.round((this.graceMs + WIND_DOWN_MS) / 1000)} s after the stop: quitting`);
      this.options.forceExit!(this.exitCode ?? STOP_EXIT_CODES.SIGINT);
    }, this.graceMs + WIND_DOWN_MS);
    this.deadline.unref();
  }
}

/** The message bin/longdoc.js sends its child for each stop signal it receives. */
export interface LauncherStopMessage {
  longdocStop: StopSignalName;
  /** how many stop signals the launcher has received so far */
  count: number;
}

export function isLauncherStopMessage(m: unknown): m is LauncherStopMessage {
  return (
    typeof m === "object" &&
    m !== null &&
    STOP_SIGNALS.includes((m as LauncherStopMessage).longdocStop) &&
    typeof (m as LauncherStopMessage).count === "number"
  );
}

/**
 * Routes SIGINT, SIGTERM, SIGHUP and the launcher's forwarded stops to `stop` for this process's
 * lifetime (the CLI entry point only: a library never takes over a process's signals).
 */
export function listenForStops(stop: StopRequest, proc: NodeJS.Process = process): () => void {
  const handlers = STOP_SIGNALS.map((name) => [name, () => stop.request(name)] as const);
  for (const [name, handler] of handlers) proc.on(name, handler);
  const onMessage = (m: unknown) => {
    if (isLauncherStopMessage(m)) stop.request(m.longdocStop, "launcher", m.count);
  };
  // a launcher that is gone (killed outright) can no longer relay anything: stop as on a hangup
  const onDisconnect = () => stop.request("SIGHUP", "launcher");
  const launched = proc.connected === true;
  if (launched) {
    proc.on("message", onMessage);
    proc.on("disconnect", onDisconnect);
  }
  return () => {
    for (const [name, handler] of handlers) proc.off(name, handler);
    if (launched) {
      proc.off("message", onMessage);
      proc.off("disconnect", onDisconnect);
    }
    stop.dispose();
  };
}
