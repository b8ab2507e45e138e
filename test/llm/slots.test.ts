import { afterEach, describe, expect, it, vi } from "vitest";
import { afterGrace, createRequestSlots } from "../../src/llm/slots.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("request slots", () => {
  it("never runs more calls than slots, and hands a freed slot to the highest priority, then the earliest", async () => {
    const slots = createRequestSlots(2);
    const order: string[] = [];
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const job = (name: string) => () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        order.push(name);
        releases.push(() => {
          running--;
          resolve(name);
        });
      });
    const all = [
      slots.run(job("a"), 1),
      slots.run(job("b"), 1),
      slots.run(job("low"), 1),
      slots.run(job("high"), 30),
      slots.run(job("mid-first"), 7),
      slots.run(job("mid-second"), 7),
    ];
    await tick();
    expect(order).toEqual(["a", "b"]);
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(4);
    while (order.length < 6 || releases.length) {
      releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(all)).toEqual(["a", "b", "low", "high", "mid-first", "mid-second"]);
    expect(order).toEqual(["a", "b", "high", "mid-first", "mid-second", "low"]);
    expect(most).toBe(2);
  });

  it("passes a failure to its caller and goes on with the next call", async () => {
    const slots = createRequestSlots(1);
    const failed = slots.run(async () => {
      throw new Error("boom");
    });
    const next = slots.run(async () => "next");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next");
    expect(slots.active).toBe(0);
  });
});

describe("afterGrace", () => {
  afterEach(() => vi.useRealTimers());
  it("aborts at once when nothing is in flight, else when the grace ends", () => {
    vi.useFakeTimers();
    const idle = new AbortController();
    const a = afterGrace(idle.signal, 1_000, () => false);
    idle.abort(new Error("SIGINT"));
    expect(a.signal.aborted).toBe(true);
    expect(a.signal.reason).toBe(idle.signal.reason);

    const busy = new AbortController();
    const b = afterGrace(busy.signal, 1_000, () => true);
    busy.abort(new Error("SIGTERM"));
    vi.advanceTimersByTime(999);
    expect(b.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(b.signal.aborted).toBe(true);
  });

  it("never aborts once disposed", () => {
    vi.useFakeTimers();
    const c = new AbortController();
    const g = afterGrace(c.signal, 1_000, () => true);
    c.abort();
    g.dispose();
    vi.advanceTimersByTime(5_000);
    expect(g.signal.aborted).toBe(false);
  });
});
