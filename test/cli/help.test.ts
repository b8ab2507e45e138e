import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";

describe("longdoc CLI", () => {
  it("prints help with exit 0", async () => {
    const r = await runCli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: longdoc/);
  });
  it("rejects an unknown command with exit 2", async () => {
    const r = await runCli(["frobnicate"]);
    expect(r.code).toBe(2);
  });
});
