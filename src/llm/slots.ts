/**
 * Model request slots: at most `size` model calls in flight, shared by every document of a run.
 * When a slot frees, the waiting call with the highest priority goes next (ties: first come), so
 * long requests start early and short ones fill the end of a run instead of trailing it.
 */
import PQueue from "p-queue";

export interface RequestSlots {
  /** runs `fn` in a slot; `priority` is the call's expected server seconds (higher goes first) */
  run<T>(fn: () => Promise<T>, priority?: number): Promise<T>;
  readonly size: number;
  /** calls running now */
  readonly active: number;
  /** calls waiting for a slot */
  readonly waiting: number;
}

/** The same slots with `run` wrapped (a gate before a call, bookkeeping around it); the counts stay the shared ones. */
export function wrapRequestSlots(shared: RequestSlots, run: RequestSlots["run"]): RequestSlots {
  return {
    run,
    size: shared.size,
    get active() {
      return shared.active;
    },
    get waiting() {
      return shared.waiting;
    },
  };
}

export function createRequestSlots(size: number): RequestSlots {
  const queue = new PQueue({ concurrency: size });
  return {
    run: <T>(fn: () => Promise<T>, priority = 0) => queue.add(fn, { priority }) as Promise<T>,
    size,
    get active() {
      return queue.pending;
    },
    get waiting() {
      return queue.size;
    },
  };
}

/** what Docker and systemd wait before they kill */
export const DEFAULT_GRACE_MS = 10_000;

/**
 * A signal that aborts `graceMs` after `stop` does (with the stop's reason), or at once when
 * nothing is in flight at the stop: for the work that requests in flight belong to.
 */
export function afterGrace(stop: AbortSignal, graceMs: number, busy: () => boolean): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onStop = () => {
    if (!busy()) controller.abort(stop.reason);
    else timer = setTimeout(() => controller.abort(stop.reason), graceMs);
  };
  if (stop.aborted) onStop();
  else stop.addEventListener("abort", onStop, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      stop.removeEventListener("abort", onStop);
    },
  };
}
