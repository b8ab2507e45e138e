import { documentTitle } from "../model/title.js";
import { basename } from "node:path";
import { figureBlocks, type DocumentModel, type FigureBlock } from "../model/document.js";
import type { Summary } from "../model/summary.js";
import { cspHash, escapeHtml, paragraphsHtml, safeFigureSrc, safeId, htmlHead } from "./escape.js";
import { formatInt, formatUSD, pageRangeText } from "./format.js";
import { BASE_CSS, REPORT_CSS } from "./style.js";

/** One figure as the report shows it: the summary's description joined with the extraction's facts. */
export interface ReportFigure {
  /** figure id as given (display text only) */
  id: string;
  /** fragment id of the figure card, safe for id="" and href="#" */
  anchor: string;
  page: number;
  caption?: string;
  description: string;
  /** relative URL under figures/, or undefined when the path was not a plain file there */
  src?: string;
  width?: number;
  height?: number;
}

/** Alt text of a figure image: caption and description, so a screen reader gets what a sighted reader sees. */
export function figureAltText(fig: { id: string; caption?: string; description: string }): string {
  const parts = [fig.caption?.trim(), fig.description.trim()].filter((p): p is string => !!p);
  return parts.length > 0 ? parts.join(" — ") : `Figure ${fig.id}`;
}

/** Fragment id of the page entry a page reference links to. */
export function pageAnchor(page: number): string {
  return `page-${page}`;
}

/**
 * The summary's figures in its order, then any figure the extraction found that the summary lacks
 * (so every figure is shown even when a model answer skipped one).
 */
export function reportFigures(summary: Summary, document: DocumentModel): ReportFigure[] {
  const blocks = new Map<string, FigureBlock & { page: number }>();
  for (const b of figureBlocks(document)) blocks.set(b.id, b);
  const seen = new Set<string>();
  const out: ReportFigure[] = [];
  const usedAnchors = new Set<string>();
  const add = (id: string, page: number, caption: string | undefined, description: string, file: string) => {
    const block = blocks.get(id);
    let anchor = safeId("figure", id, out.length + 1);
    if (usedAnchors.has(anchor)) anchor = `figure-${out.length + 1}-dup`;
    usedAnchors.add(anchor);
    out.push({
      id,
      anchor,
      page,
      caption: caption?.trim() ? caption : undefined,
      description,
      src: safeFigureSrc(file),
      width: block?.width,
      height: block?.height,
    });
  };
  for (const f of summary.figures) {
    seen.add(f.id);
    add(f.id, f.page, f.caption ?? blocks.get(f.id)?.caption, f.description, f.file);
  }
  for (const b of blocks.values()) {
    if (!seen.has(b.id)) add(b.id, b.page, b.caption, "", b.file);
  }
  return out;
}

function pageLinks(pages: number[], known: Set<number>): string {
  const unique = [...new Set(pages)].sort((a, b) => a - b);
  return unique
    .map((p) =>
      known.has(p)
        ? `<a href="#${pageAnchor(p)}">p.&nbsp;${p}</a>`
        : // a page the document does not have (model slip): shown, but not a dead link
          `<span title="not a page of this document">p.&nbsp;${escapeHtml(p)}</span>`,
    )
    .join(", ");
}

function rangeLink(from: number, to: number, known: Set<number>): string {
  const text = escapeHtml(pageRangeText(from, to));
  return known.has(from) ? `<a href="#${pageAnchor(from)}">${text}</a>` : text;
}

/**
 * A card is headed by what a reader knows the figure as, its caption ("Figure 2. Ridership…"),
 * else by where it is; the id stays as a small reference, and a missing caption is no row at all.
 */
export function figureHeading(f: { id: string; page: number; caption?: string }): string {
  const caption = f.caption?.replace(/\s+/g, " ").trim();
  if (!caption) return `Figure on page ${f.page}`;
  return caption.length > 140 ? `${caption.slice(0, 139).trimEnd()}…` : caption;
}

function figureCard(f: ReportFigure, known: Set<number>, offline: boolean): string {
  const alt = escapeHtml(figureAltText(f));
  const size = f.width && f.height ? ` width="${f.width}" height="${f.height}"` : "";
  const headingId = `${f.anchor}-h`;
  const heading = figureHeading(f);
  const image = f.src
    ? `<a class="thumb" href="#view-${f.anchor}" aria-label="${escapeHtml(`Show ${heading} full size`)}"><img src="${escapeHtml(f.src)}" alt="${alt}"${size}></a>`
    : `<div class="thumb missing">Image not available (unexpected file path).</div>`;
  const rows = [`<dt>Page</dt><dd>${pageLinks([f.page], known)} · <code>${escapeHtml(f.id)}</code></dd>`];
  // the heading shows a short caption whole; a long one is given in full here
  if (f.caption && heading !== f.caption.replace(/\s+/g, " ").trim()) rows.push(`<dt>Caption</dt><dd>${escapeHtml(f.caption)}</dd>`);
  rows.push(
    `<dt>Description</dt><dd>${
      f.description.trim()
        ? escapeHtml(f.description)
        : `<span class="muted">${offline ? "not described (the offline engine does not look at images)" : "not described"}</span>`
    }</dd>`,
  );
  return `<li><article class="figure" id="${f.anchor}" aria-labelledby="${headingId}">
${image}
<div><h3 id="${headingId}">${escapeHtml(heading)}</h3>
<dl>${rows.join("")}</dl></div>
</article></li>`;
}

function lightbox(f: ReportFigure): string {
  if (!f.src) return "";
  const src = escapeHtml(f.src);
  return `<div class="lightbox" id="view-${f.anchor}" role="group" aria-label="${escapeHtml(`Figure ${f.id}, full size`)}">
<div class="bar"><span>Page ${escapeHtml(f.page)}, <code>${escapeHtml(f.id)}</code></span>
<span><a href="${src}">Open image file</a> <a href="#${f.anchor}">Close</a></span></div>
<div class="full"><img src="${src}" alt="${escapeHtml(figureAltText(f))}"></div>
${f.caption ? `<p class="cap">${escapeHtml(f.caption)}</p>` : ""}
</div>`;
}

/** First words of a page's text, so a page link lands on something recognisable. */
function pageSnippet(blocks: DocumentModel["pages"][number]["blocks"]): string | undefined {
  const para = blocks.find((b) => b.type === "paragraph");
  if (!para || para.type !== "paragraph") return undefined;
  const text = para.text.replace(/\s+/g, " ").trim();
  return text.length > 220 ? `${text.slice(0, 220).trimEnd()}…` : text;
}

function pageEntries(summary: Summary, document: DocumentModel, figures: ReportFigure[]): string {
  return document.pages
    .map((page) => {
      const n = page.number;
      const sections = summary.sections.map((s, i) => ({ s, i })).filter(({ s }) => s.pages[0] <= n && n <= s.pages[1]);
      const headings = page.blocks.filter((b) => b.type === "heading");
      const figs = figures.filter((f) => f.page === n);
      const snippet = pageSnippet(page.blocks);
      const parts: string[] = [];
      if (sections.length > 0) {
        parts.push(`<p>Section: ${sections.map(({ s, i }) => `<a href="#section-${i + 1}">${escapeHtml(s.title)}</a>`).join(", ")}</p>`);
      }
      if (headings.length > 0) {
        parts.push(
          `<p>Headings:</p><ul>${headings.map((h) => `<li>${escapeHtml(h.type === "heading" ? h.text : "")}</li>`).join("")}</ul>`,
        );
      }
      if (snippet) parts.push(`<p class="muted">Begins: “${escapeHtml(snippet)}”</p>`);
      if (figs.length > 0) {
        parts.push(
          `<p>Figures: ${figs.map((f) => `<a href="#${f.anchor}">${escapeHtml(f.id)}</a>${f.caption ? ` (${escapeHtml(f.caption)})` : ""}`).join("; ")}</p>`,
        );
      }
      if (!page.textLayer) parts.push(`<p class="muted">No text layer (scanned page).</p>`);
      return `<li class="page" id="${pageAnchor(n)}"><h3>Page ${escapeHtml(n)}</h3>${parts.join("") || '<p class="muted">No headings, text or figures found.</p>'}</li>`;
    })
    .join("\n");
}

function runDetails(summary: Summary): string {
  const e = summary.engine;
  const u = summary.usage;
  const src = summary.source;
  const mode = e.mode === "offline" ? `<strong>offline</strong> — no model was used` : escapeHtml(e.mode);
  const rows: Array<[string, string]> = [
    ["Mode", mode],
    ["Provider", escapeHtml(e.provider)],
    ["Model", e.mode === "offline" ? '<span class="muted">none</span>' : `<code>${escapeHtml(e.model)}</code>`],
    ["Requests", formatInt(e.requests)],
    ["Input tokens", formatInt(u.inputTokens)],
    ["Output tokens", formatInt(u.outputTokens)],
    ["Estimated cost", formatUSD(u.costUSD)],
    ["Source file", `<code>${escapeHtml(src.path)}</code>`],
    ["Pages", formatInt(src.pages)],
    ["Size", `${formatInt(src.bytes)} bytes`],
    ["SHA-256", `<code>${escapeHtml(src.sha256)}</code>`],
  ];
  if (src.author) rows.push(["Author", escapeHtml(src.author)]);
  if (src.producer) rows.push(["Producer", escapeHtml(src.producer)]);
  return `<dl class="run">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join("")}</dl>`;
}

/**
 * report.html for one document; lives in OUT/<stem>/ beside figures/. Self-contained (inline CSS, no
 * script, images only from figures/), and every string from the PDF or the model is escaped.
 */
export function renderReportHtml(summary: Summary, document: DocumentModel): string {
  const known = new Set(document.pages.map((p) => p.number));
  const figures = reportFigures(summary, document);
  const title = summary.title.trim() || documentTitle(document);
  const warnings = [...new Set([...summary.warnings, ...document.warnings])];
  const offline = summary.engine.mode === "offline";
  const css = BASE_CSS + REPORT_CSS;
  // 'self' covers the figures/ folder beside the file; nothing is fetched from anywhere else
  const csp = `default-src 'none'; style-src ${cspHash(css)}; img-src 'self'; base-uri 'none'; form-action 'none'`;

  const toc: Array<[string, string]> = [
    ["summary", "Summary"],
    ["key-points", "Key points"],
    ["sections", "Sections"],
    ["figures", `Figures (${figures.length})`],
    ["pages", "Pages"],
    ["run", "Run details"],
  ];
  if (warnings.length > 0) toc.push(["warnings", `Warnings (${warnings.length})`]);

  const metaLine = [
    `<code>${escapeHtml(basename(summary.source.path))}</code>`,
    `${formatInt(summary.source.pages)} pages`,
    `${figures.length} figures`,
    offline
      ? `<span class="badge">offline — no model</span>`
      : `<span class="badge">${escapeHtml(summary.engine.provider)} · ${escapeHtml(summary.engine.model)}</span>`,
  ].join(" · ");

  const keyPoints =
    summary.keyPoints.length > 0
      ? `<ol class="keypoints">${summary.keyPoints
          .map(
            (k) =>
              `<li>${escapeHtml(k.text)}${k.pages.length > 0 ? ` <span class="pagerefs">(${pageLinks(k.pages, known)})</span>` : ""}</li>`,
          )
          .join("\n")}</ol>`
      : `<p class="muted">No key points.</p>`;

  const sections =
    summary.sections.length > 0
      ? `<div class="sections">${summary.sections
          .map(
            (
              s,
              i,
            ) => `<article id="section-${i + 1}" aria-labelledby="section-${i + 1}-h"><h3 id="section-${i + 1}-h">${escapeHtml(s.title)}</h3>
<p class="pagerefs">${rangeLink(s.pages[0], s.pages[1], known)}</p>${s.summary.trim() ? paragraphsHtml(s.summary) : ""}</article>`,
          )
          .join("\n")}</div>`
      : `<p class="muted">No sections.</p>`;

  const figureList =
    figures.length > 0
      ? `<ul class="figures">${figures.map((f) => figureCard(f, known, offline)).join("\n")}</ul>`
      : `<p class="muted">No figures in this document.</p>`;

  return `${htmlHead({ title: `${title} — longdoc report`, csp, css })}
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
<h1>${escapeHtml(title)}</h1>
<p class="meta">${metaLine}</p>
${offline ? `<p class="notice" role="note"><strong>Offline mode:</strong> no model was used. Sections come from the document's headings, key points are sentences taken from the text, and figures have their captions but no descriptions.</p>` : ""}
</div></header>
<nav class="toc" aria-label="Report contents"><div class="wrap"><ul>${toc.map(([id, label]) => `<li><a href="#${id}">${label}</a></li>`).join("")}</ul></div></nav>
<main id="main" class="wrap">
<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
${summary.summary.trim() ? paragraphsHtml(summary.summary) : '<p class="muted">No summary.</p>'}
</section>
<section id="key-points" aria-labelledby="key-points-h"><h2 id="key-points-h">Key points</h2>
${keyPoints}
</section>
<section id="sections" aria-labelledby="sections-h"><h2 id="sections-h">Sections</h2>
${sections}
</section>
<section id="figures" aria-labelledby="figures-h"><h2 id="figures-h">Figures</h2>
${figureList}
</section>
<section id="pages" aria-labelledby="pages-h"><h2 id="pages-h">Pages</h2>
<ol class="pages">${pageEntries(summary, document, figures)}</ol>
</section>
<section id="run" aria-labelledby="run-h"><h2 id="run-h">Run details</h2>
${runDetails(summary)}
</section>
${
  warnings.length > 0
    ? `<section id="warnings" aria-labelledby="warnings-h"><h2 id="warnings-h">Warnings</h2>
<ul class="warnings">${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join("\n")}</ul>
</section>`
    : ""
}
${figures.map(lightbox).join("\n")}
</main>
<footer><div class="wrap">Made by longdoc from <code>${escapeHtml(basename(summary.source.path))}</code>. This page needs no network and no JavaScript.</div></footer>
</body>
</html>
`;
}
