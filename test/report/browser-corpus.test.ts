/**
 * tracemonkey.pdf (third-party corpus) through summarize() against the fake model server, then its
 * report.html in chromium at desktop and phone widths. Screenshots under test-output/report/tracemonkey/.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { hasChromium, launchChromium } from "./chromium.js";
import { summarize } from "../../src/pipeline/document.js";
import { startFakeServer, type FakeServer } from "../support/fake-server.js";
import { corpusFile, hasCorpus, testOutDir } from "../support/paths.js";

describe.skipIf(!hasCorpus || !hasChromium)("tracemonkey report from the fake server, in chromium", () => {
  const out = testOutDir("report/tracemonkey");
  let server: FakeServer;
  let browser: Browser;
  let reportPath: string;

  beforeAll(async () => {
    await rm(join(out, "out"), { recursive: true, force: true });
    server = await startFakeServer({ flavour: "mistral" });
    const result = await summarize(corpusFile("real/tracemonkey.pdf"), {
      provider: "mistral",
      baseUrl: server.url,
      out: join(out, "out"),
      cache: false,
      env: { MISTRAL_API_KEY: server.apiKey ?? "x" },
    });
    expect(result.mode).not.toBe("offline");
    reportPath = join(result.outDir, "report.html");
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const [name, viewport] of [
    ["desktop", { width: 1280, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    it(`loads every figure and logs no error at ${name} width`, async () => {
      const ctx = await browser.newContext({ viewport, deviceScaleFactor: name === "phone" ? 2 : 1 });
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(pathToFileURL(reportPath).href, { waitUntil: "load" });
      await page.evaluate(() => Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => undefined))));
      const imgs = await page.$$eval(".figures img", (all) => all.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(imgs.length).toBeGreaterThan(0);
      for (const w of imgs) expect(w).toBeGreaterThan(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await page.locator(".notice").count()).toBe(0);
      await page.screenshot({ path: join(out, `report-${name}.png`), fullPage: true });
      await page.screenshot({ path: join(out, `report-${name}-top.png`) });
      expect(errors).toEqual([]);
      await ctx.close();
    });
  }
});
