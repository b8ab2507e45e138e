import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { BatchIndex } from "../../src/model/batch.js";
import { runCli } from "../support/cli.js";
import { testOutDir } from "../support/paths.js";
import { writeTextPdf } from "./make-pdfs.js";

const readIndex = (path: string): BatchIndex => JSON.parse(readFileSync(path, "utf8"));

describe("--shard K/N and longdoc index", () => {
  it("two shards sharing one output folder cover the folder exactly once; `longdoc index` merges them", async () => {
    const root = testOutDir("batch-shard");
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const input = join(root, "in");
    const names = ["a", "b", "c", "d", "e", "f", "g", "h"];
    for (const [i, n] of names.entries()) await writeTextPdf(join(input, i % 2 ? "sub" : "", `${n}.pdf`), i + 1, 1);
    const out = join(root, "out");

    const one = await runCli(["summarize", input, "--out", out, "--provider", "offline", "--shard", "1/2"]);
    const two = await runCli(["summarize", input, "--out", out, "--provider", "offline", "--shard", "2/2"]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(existsSync(join(out, "index.json")), "shards do not write the shared index").toBe(false);

    const s1 = readIndex(join(out, "index.shard-1-of-2.json")).documents.map((d) => d.folder);
    const s2 = readIndex(join(out, "index.shard-2-of-2.json")).documents.map((d) => d.folder);
    expect(
      s1.filter((f) => s2.includes(f)),
      "disjoint",
    ).toEqual([]);
    expect([...s1, ...s2].sort(), "covering").toEqual(names);
    // with 8 documents a split that leaves one side empty would make this test prove little
    expect(s1.length).toBeGreaterThan(0);
    expect(s2.length).toBeGreaterThan(0);
    for (const n of names) expect(existsSync(join(out, n, "summary.json")), `${n} summarised`).toBe(true);

    // the same split again picks the same documents (stable), and finds them up to date
    const again = await runCli(["summarize", input, "--out", out, "--provider", "offline", "--shard", "1/2", "--json"]);
    expect(again.code, again.stderr).toBe(0);
    const rerun = readIndex(join(out, "index.shard-1-of-2.json")).documents;
    expect(rerun.map((d) => d.folder)).toEqual(s1);
    expect(rerun.every((d) => d.status === "skipped")).toBe(true);

    const merged = await runCli(["index", out]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/2 shard indexes merged: 8 documents/);
    const index = readIndex(join(out, "index.json"));
    expect(index.documents.map((d) => d.folder).sort()).toEqual(names);
    expect(new Set(index.documents.map((d) => d.document)).size).toBe(8);
    expect(readFileSync(join(out, "index.csv"), "utf8").trim().split("\n")).toHaveLength(9);
    expect(readFileSync(join(out, "index.html"), "utf8")).toContain("sub");
  }, 300_000);

  it("a malformed --shard is bad usage (exit 2); `longdoc index` on a folder without shard indexes says so", async () => {
    const root = testOutDir("batch-shard-bad");
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    await writeTextPdf(join(root, "in", "x.pdf"), 1, 1);
    const bad = await runCli(["summarize", join(root, "in"), "--out", join(root, "out"), "--provider", "offline", "--shard", "3/2"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shard must be K\/N/);
    const none = await runCli(["index", root]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no shard index/);
  }, 180_000);
});
