/**
 * Opens a real report.html and a batch index.html from file:// in Debian's chromium (installed by
 * .ci/run) and checks what a reader gets: images load, nothing injected runs, sorting works.
 * Screenshots go to test-output/report/ for a person to look at.
 */
import { writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { CHROMIUM, hasChromium, launchChromium } from "./chromium.js";
import type { BatchIndex } from "../../src/model/batch.js";
import { renderIndexHtml } from "../../src/report/index-html.js";
import { testOutDir } from "../support/paths.js";
import { buildReportFixture, IMG_DESCRIPTION, SCRIPT_CAPTION, type ReportFixture } from "./fixture.js";

if (!hasChromium) console.warn(`[longdoc tests] ${CHROMIUM} not found: report browser tests are skipped`);

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

describe.skipIf(!hasChromium)("report in a real browser", () => {
  const out = testOutDir("report");
  let browser: Browser;
  let fixture: ReportFixture;
  let indexPath: string;
  const consoleErrors: string[] = [];

  async function open(ctx: BrowserContext, path: string): Promise<Page> {
    const page = await ctx.newPage();
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(`${basename(path)}: ${m.text()}`);
    });
    page.on("pageerror", (e) => consoleErrors.push(`${basename(path)}: ${e.message}`));
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    return page;
  }

  /** Full-page screenshots capture offscreen images only once they are decoded. */
  async function settle(page: Page): Promise<void> {
    await page.evaluate(() => Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => undefined))));
  }

  beforeAll(async () => {
    fixture = await buildReportFixture(join(out, "fixture"));
    console.log(`[report browser test] report built via ${fixture.how} from ${fixture.document.source.path}`);
    const outRoot = join(fixture.dir, "..");
    const folder = relative(outRoot, fixture.dir);
    const index: BatchIndex = {
      schemaVersion: 1,
      startedAt: "2025-01-15T09:00:00.000Z",
      updatedAt: "2025-01-15T09:03:12.000Z",
      documents: [
        {
          document: fixture.document.source.path,
          folder,
          status: "done",
          pages: fixture.document.source.pages,
          figures: fixture.summary.figures.length,
          requests: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUSD: 0,
          seconds: 4.2,
        },
        {
          document: "reports/annual-2024.pdf",
          folder: "annual-2024",
          status: "done",
          pages: 212,
          figures: 57,
          requests: 5,
          inputTokens: 231_554,
          outputTokens: 9_812,
          costUSD: 0.0406,
          seconds: 131.5,
        },
        {
          document: "scans/<script>window.__pwned=3</script>.pdf",
          folder: "scan",
          status: "failed",
          pages: 3,
          figures: 0,
          requests: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUSD: 0,
          seconds: 0.4,
          error: `scan.pdf: provider answered 400 <img src=x onerror="window.__pwned=4"> image limit`,
        },
        {
          document: "manual.pdf",
          folder: "manual",
          status: "interrupted",
          pages: 40,
          figures: 12,
          requests: 1,
          inputTokens: 51_000,
          outputTokens: 0,
          costUSD: 0.0077,
          seconds: 20,
        },
      ],
    };
    indexPath = join(outRoot, "index.html");
    await writeFile(indexPath, renderIndexHtml(index));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("report: every figure loads, payloads stay text, page links land, full size opens without JS", async () => {
    const ctx = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const page = await open(ctx, join(fixture.dir, "report.html"));
    const thumbs = page.locator(".figures img");
    expect(await thumbs.count()).toBe(fixture.summary.figures.length);
    expect(fixture.summary.figures.length).toBeGreaterThan(0);
    const widths = await page.$$eval("img", (imgs) =>
      imgs.map((i) => ({ src: i.getAttribute("src"), w: (i as HTMLImageElement).naturalWidth, done: (i as HTMLImageElement).complete })),
    );
    for (const w of widths) expect(w.w, `${w.src} loaded`).toBeGreaterThan(0);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect.poll(() => page.getByText(SCRIPT_CAPTION).count()).toBeGreaterThan(0);
    expect(await page.getByText(IMG_DESCRIPTION).count()).toBeGreaterThan(0);
    const alt = await thumbs.first().getAttribute("alt");
    expect(alt).toBe(`${SCRIPT_CAPTION} — ${IMG_DESCRIPTION}`);

    // a key point's page link lands on that page's entry, inside the viewport
    const link = page.locator(".keypoints a").first();
    const href = await link.getAttribute("href");
    await link.click();
    expect(new URL(page.url()).hash).toBe(href);
    const target = page.locator(href!);
    await expect.poll(() => target.isVisible()).toBe(true);
    const box = await target.boundingBox();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeLessThan(DESKTOP.height);

    await page.goto(pathToFileURL(join(fixture.dir, "report.html")).href);
    await settle(page);
    await page.screenshot({ path: join(out, "report-desktop.png"), fullPage: true });
    await page.screenshot({ path: join(out, "report-desktop-top.png") });

    // keyboard: Tab reaches the skip link first, and it shows when focused
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const skip = await page.locator(".skip").boundingBox();
    expect(skip!.x).toBeGreaterThanOrEqual(0);

    // full size, CSS only
    await page.locator("a.thumb").first().click();
    const view = page.locator(".lightbox:target");
    await expect.poll(() => view.isVisible()).toBe(true);
    const full = await view.locator("img").boundingBox();
    expect(full!.width).toBeGreaterThan(200);
    await page.screenshot({ path: join(out, "report-lightbox.png") });
    await view.getByRole("link", { name: "Close" }).click();
    await expect.poll(() => page.locator(".lightbox:target").count()).toBe(0);
    await ctx.close();
  });

  it("report at phone width and in dark mode fits without sideways scrolling", async () => {
    const ctx = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await open(ctx, join(fixture.dir, "report.html"));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await settle(page);
    await page.screenshot({ path: join(out, "report-phone.png"), fullPage: true });
    await ctx.close();

    const dark = await browser.newContext({ viewport: DESKTOP, colorScheme: "dark" });
    const dpage = await open(dark, join(fixture.dir, "report.html"));
    const bg = await dpage.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(13, 17, 23)");
    await settle(dpage);
    await dpage.screenshot({ path: join(out, "report-dark.png") });
    await dark.close();
  });

  it("report prints without the navigation", async () => {
    const ctx = await browser.newContext({ viewport: DESKTOP });
    const page = await open(ctx, join(fixture.dir, "report.html"));
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("nav.toc").isVisible()).toBe(false);
    expect(await page.locator("#pages").isVisible()).toBe(false);
    expect(await page.locator(".figures img").first().isVisible()).toBe(true);
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await writeFile(join(out, "report-print.pdf"), pdf);
    await ctx.close();
  });

  it("index: readable without JS, sorts by clicking and by keyboard, links to the report", async () => {
    const noJs = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const plain = await open(noJs, indexPath);
    expect(await plain.locator("tbody tr").count()).toBe(4);
    expect(await plain.locator("th button").count()).toBe(0);
    await noJs.close();

    const ctx = await browser.newContext({ viewport: DESKTOP });
    const page = await open(ctx, indexPath);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getByText(`onerror="window.__pwned=4"`, { exact: false }).count()).toBe(1);
    const col = (name: string) => page.locator("thead th", { hasText: name });
    const pagesCol = async () =>
      page.$$eval("tbody tr", (rows) => rows.map((r) => Number(r.querySelectorAll("td")[1]!.getAttribute("data-value"))));

    await col("Pages").locator("button").click();
    expect(await col("Pages").getAttribute("aria-sort")).toBe("ascending");
    const asc = await pagesCol();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await col("Pages").locator("button").click();
    expect(await col("Pages").getAttribute("aria-sort")).toBe("descending");
    const desc = await pagesCol();
    expect(desc).toEqual([...asc].sort((a, b) => b - a));

    // keyboard: the Cost header button is reachable and Enter sorts
    await col("Cost").locator("button").focus();
    await page.keyboard.press("Enter");
    expect(await col("Cost").getAttribute("aria-sort")).toBe("ascending");
    expect(await col("Pages").getAttribute("aria-sort")).toBeNull();
    const costs = await page.$$eval("tbody tr", (rows) => rows.map((r) => Number(r.querySelectorAll("td")[5]!.getAttribute("data-value"))));
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    await page.screenshot({ path: join(out, "index-desktop.png"), fullPage: true });

    await page.locator("tbody a").first().click();
    await page.waitForLoadState("load");
    expect(page.url()).toMatch(/\/report\.html$/);
    expect(await page.locator("h1").count()).toBe(1);
    await ctx.close();

    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const ppage = await open(phone, indexPath);
    const overflow = await ppage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await ppage.screenshot({ path: join(out, "index-phone.png"), fullPage: true });
    await phone.close();
  });

  it("no console errors (CSP, missing files, script errors) on any page", () => {
    expect(consoleErrors).toEqual([]);
  });
});
