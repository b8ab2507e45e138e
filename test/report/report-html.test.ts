import { describe, expect, it } from "vitest";
import { figureAltText, renderReportHtml, reportFigures } from "../../src/report/html.js";
import { safeFigureSrc } from "../../src/report/escape.js";
import { hostileInput, PAYLOADS } from "./hostile.js";
import { scanTags, textOf } from "./scan.js";

const ALLOWED_TAGS = new Set([
  "html",
  "head",
  "meta",
  "title",
  "style",
  "body",
  "a",
  "header",
  "div",
  "h1",
  "h2",
  "h3",
  "p",
  "code",
  "span",
  "strong",
  "nav",
  "ul",
  "ol",
  "li",
  "main",
  "section",
  "article",
  "img",
  "dl",
  "dt",
  "dd",
  "br",
  "footer",
]);
const ALLOWED_ATTRS = new Set([
  "lang",
  "charset",
  "http-equiv",
  "content",
  "name",
  "class",
  "href",
  "id",
  "aria-label",
  "aria-labelledby",
  "src",
  "alt",
  "width",
  "height",
  "role",
  "title",
]);

describe("renderReportHtml escaping", () => {
  const { summary, document } = hostileInput();
  const html = renderReportHtml(summary, document);
  const tags = scanTags(html);

  it("writes no payload raw and only known tags and attributes", () => {
    for (const p of PAYLOADS) expect(html).not.toContain(p);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<svg/i);
    for (const t of tags) {
      expect(ALLOWED_TAGS, `tag <${t.name}>`).toContain(t.name);
      for (const a of t.attrs.keys()) expect(ALLOWED_ATTRS, `attribute ${a} on <${t.name}>`).toContain(a);
    }
  });

  it("shows each payload as text", () => {
    // the title and the h1 carry the model's title verbatim, as text
    const h1 = tags.find((t) => t.name === "h1")!;
    expect(textOf(html, h1.at)).toBe(summary.title);
    const title = tags.find((t) => t.name === "title")!;
    expect(textOf(html, title.at)).toContain(summary.title);
    expect(html).toContain("&lt;script&gt;window.__pwned=1&lt;/script&gt;");
  });

  it("links and images point only inside the report or into figures/", () => {
    for (const t of tags) {
      const href = t.attrs.get("href");
      if (t.name === "a" && href !== undefined) expect(href).toMatch(/^(#[A-Za-z0-9_-]+|figures\/[A-Za-z0-9][A-Za-z0-9._-]*)$/);
      const src = t.attrs.get("src");
      if (t.name === "img") expect(src).toMatch(/^figures\/[A-Za-z0-9][A-Za-z0-9._-]*\.(png|jpe?g|webp)$/);
    }
    const srcs = tags.filter((t) => t.name === "img").map((t) => t.attrs.get("src"));
    expect(new Set(srcs)).toEqual(new Set(["figures/p1-f1.png", "figures/p2-f1.jpg", "figures/p2-f2.png"]));
  });

  it("rejects figure paths that leave figures/ or carry a scheme", () => {
    expect(safeFigureSrc("figures/p1-f1.png")).toBe("figures/p1-f1.png");
    expect(safeFigureSrc("figures\\p1-f1.jpg")).toBe("figures/p1-f1.jpg");
    for (const bad of [
      "javascript:alert(1)",
      "../x.png",
      "figures/../x.png",
      "/etc/x.png",
      "figures/.x.png",
      "figures/a b.png",
      "figures/x.svg",
      "figures/sub/x.png",
      "data:image/png;base64,AA==",
      "figures/x.png?a=1",
    ]) {
      expect(safeFigureSrc(bad), bad).toBeUndefined();
    }
  });

  it("has a CSP without unsafe-inline for scripts and images only from 'self'", () => {
    const csp = tags.find((t) => t.name === "meta" && t.attrs.get("http-equiv") === "Content-Security-Policy")!;
    const c = csp.attrs.get("content")!;
    expect(c).toContain("default-src 'none'");
    expect(c).toContain("img-src 'self'");
    expect(c).not.toContain("unsafe");
    expect(c).not.toContain("script-src");
  });
});

describe("renderReportHtml structure", () => {
  const { summary, document } = hostileInput();
  const html = renderReportHtml(summary, document);
  const tags = scanTags(html);
  const ids = new Set(tags.map((t) => t.attrs.get("id")).filter((x): x is string => !!x));

  it("has lang, landmarks and headings in order without skipped levels", () => {
    expect(tags.find((t) => t.name === "html")!.attrs.get("lang")).toBe("en");
    for (const l of ["header", "nav", "main", "footer"])
      expect(
        tags.some((t) => t.name === l),
        l,
      ).toBe(true);
    const levels = tags.filter((t) => /^h[1-6]$/.test(t.name)).map((t) => Number(t.name[1]));
    expect(levels[0]).toBe(1);
    expect(levels.filter((l) => l === 1)).toHaveLength(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i] - levels[i - 1]).toBeLessThanOrEqual(1);
  });

  it("shows every figure with alt = caption + description, including one only the extraction has", () => {
    const figs = reportFigures(summary, document);
    expect(figs.map((f) => f.id)).toEqual([...summary.figures.map((f) => f.id), "p2-f2"]);
    const imgs = tags.filter((t) => t.name === "img");
    for (const f of figs.filter((f) => f.src)) {
      const mine = imgs.filter((t) => t.attrs.get("src") === f.src);
      expect(mine.length, f.id).toBeGreaterThan(0);
      for (const t of mine) expect(t.attrs.get("alt")).toBe(figureAltText(f));
      expect(figureAltText(f)).toContain(f.description);
      if (f.caption) expect(figureAltText(f)).toContain(f.caption);
      expect(ids.has(f.anchor)).toBe(true);
    }
    // figures whose path was refused are still listed, with their id as text
    expect(figs.filter((f) => !f.src)).toHaveLength(4);
    expect(html.match(/Image not available/g)).toHaveLength(4);
  });

  it("every in-page link resolves to an id that exists; key point pages link to page entries", () => {
    const anchors = tags.filter((t) => t.name === "a" && t.attrs.get("href")?.startsWith("#"));
    expect(anchors.length).toBeGreaterThan(10);
    for (const a of anchors) expect(ids, a.attrs.get("href")).toContain(a.attrs.get("href")!.slice(1));
    for (const p of document.pages) expect(ids).toContain(`page-${p.number}`);
    const kpList = html.slice(html.indexOf('<ol class="keypoints">'), html.indexOf("</ol>", html.indexOf('<ol class="keypoints">')));
    for (const n of [1, 2, 3]) expect(kpList).toContain(`href="#page-${n}"`);
    // page 99 does not exist: shown, not linked
    expect(kpList).not.toContain("#page-99");
    expect(kpList).toContain("99");
  });

  it("says plainly when no model was used", () => {
    const offline = renderReportHtml(
      { ...summary, engine: { provider: "offline", model: "none", mode: "offline", requests: 0 } },
      document,
    );
    expect(offline).toMatch(/Offline mode:<\/strong> no model was used/);
    expect(html).not.toMatch(/Offline mode/);
  });

  it("every thumbnail opens a full-size view that exists, which links back", () => {
    const thumbs = tags.filter((t) => t.name === "a" && t.attrs.get("class") === "thumb");
    expect(thumbs).toHaveLength(3);
    for (const t of thumbs) {
      const view = t.attrs.get("href")!.slice(1);
      expect(ids).toContain(view);
      const box = html.slice(html.indexOf(`id="${view}"`));
      expect(box).toMatch(/<a href="#figure-[^"]+">Close<\/a>/);
    }
  });
});
