import { afterEach, describe, expect, it, vi } from "vitest";
import { StopError, StopRequest } from "../../src/cli/stop.js";

afterEach(() => vi.useRealTimers());

/** a StopRequest as a summarize run sets it up (it handles stops, with the default grace) */
function recorder() {
  const exits: number[] = [];
  const notices: string[] = [];
  const stop = new StopRequest({ forceExit: (code) => exits.push(code), notice: (line) => notices.push(line) });
  stop.setGrace(10_000);
  return { stop, exits, notices };
}

describe("StopRequest", () => {
  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const)("%s aborts the run once and maps to exit %i", (name, code) => {
    const { stop, exits, notices } = recorder();
    expect(stop.exitCode).toBeNull();
    stop.request(name);
    expect(stop.signal.aborted).toBe(true);
    expect(stop.signal.reason).toBeInstanceOf(StopError);
    expect(stop.exitCode).toBe(code);
    expect(exits).toEqual([]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(new RegExp(`^${name}: no new work starts`));
    stop.dispose();
  });

  it("a second request exits at once with the first signal's code", () => {
    const { stop, exits } = recorder();
    stop.request("SIGTERM");
    stop.request("SIGINT");
    expect(exits).toEqual([143]);
  });

  it("a Ctrl-C seen by both the launcher and this process counts once, in either order", () => {
    for (const order of [
      ["own", "launcher"],
      ["launcher", "own"],
    ] as const) {
      const { stop, exits } = recorder();
      for (const source of order) stop.request("SIGINT", source, 1);
      expect(stop.signal.aborted).toBe(true);
      expect(exits).toEqual([]);
      // the second Ctrl-C (both see it again) quits
      stop.request("SIGINT", "own");
      stop.request("SIGINT", "launcher", 2);
      expect(exits).toEqual([130]);
      stop.dispose();
    }
  });

  it("two signals sent to the launcher alone are two stops", () => {
    const { stop, exits } = recorder();
    stop.request("SIGTERM", "launcher", 1);
    expect(exits).toEqual([]);
    stop.request("SIGTERM", "launcher", 2);
    expect(exits).toEqual([143]);
  });

  it("exits on its own when the grace and the wind-down have passed", () => {
    vi.useFakeTimers();
    const { stop, exits } = recorder();
    stop.setGrace(2_000);
    stop.request("SIGTERM");
    vi.advanceTimersByTime(5_999);
    expect(exits).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(exits).toEqual([143]);
  });

  it("under a command that does not wind down (no grace set), a stop quits at once", () => {
    const exits: number[] = [];
    const stop = new StopRequest({ forceExit: (code) => exits.push(code) });
    stop.request("SIGTERM");
    expect(exits).toEqual([143]);
    expect(stop.signal.aborted).toBe(true);
  });

  it("a run that ends before the deadline is not exited", () => {
    vi.useFakeTimers();
    const { stop, exits } = recorder();
    stop.request("SIGINT");
    stop.dispose();
    vi.advanceTimersByTime(60_000);
    expect(exits).toEqual([]);
  });
});
