import { describe, expect, it } from "vitest";
import { createRequestSlots } from "../../src/llm/slots.js";

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
