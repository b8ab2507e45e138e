/** Inline CSS for report.html and index.html: no fonts or files from elsewhere, light and dark, print. */

export const BASE_CSS = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --card: #f6f8fa;
  --accent: #0a58ca; --accent-fg: #ffffff; --warn-bg: #fff8c5; --warn-line: #d4a72c;
  --bad: #b42318; --good: #1a7f37; --focus: #d63384; --target: #fff3bf;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3; --line: #30363d; --card: #161b22;
    --accent: #6cb6ff; --accent-fg: #0d1117; --warn-bg: #2e2608; --warn-line: #9e7c12;
    --bad: #ff7b72; --good: #56d364; --focus: #ff8ccf; --target: #3a3210;
  }
}
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
  overflow-wrap: anywhere;
}
a { color: var(--accent); }
a:focus-visible, button:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px;
}
.skip { position: absolute; left: -9999px; top: 0; }
.skip:focus { left: 1rem; top: 1rem; z-index: 10; background: var(--bg); padding: .5rem 1rem; }
.wrap { max-width: 72rem; margin: 0 auto; padding: 0 1.25rem; }
header.top { border-bottom: 1px solid var(--line); padding: 1.5rem 0 1rem; }
h1 { font-size: 1.9rem; line-height: 1.25; margin: 0 0 .5rem; }
h2 { font-size: 1.4rem; margin: 2.25rem 0 .75rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .35rem; }
.muted { color: var(--muted); }
.meta { color: var(--muted); margin: 0; font-size: .95rem; }
.badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .85rem;
  border: 1px solid var(--line); background: var(--card); white-space: nowrap; }
.notice { border: 1px solid var(--warn-line); background: var(--warn-bg); padding: .6rem .9rem;
  border-radius: 6px; margin: 1rem 0 0; }
footer { border-top: 1px solid var(--line); margin-top: 3rem; padding: 1rem 0 2rem; color: var(--muted); font-size: .9rem; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
@page { margin: 15mm; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #333; --line: #999; --card: #fff; --accent: #000; }
  body { font-size: 11pt; }
  .skip, nav.toc { display: none !important; }
  a { text-decoration: none; color: inherit; }
  h2, h3 { break-after: avoid; }
  .wrap { max-width: none; padding: 0; }
}
`;

export const REPORT_CSS = `
nav.toc { border-bottom: 1px solid var(--line); background: var(--card); }
nav.toc ul { list-style: none; margin: 0; padding: .5rem 0; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
nav.toc a { display: inline-block; padding: .2rem 0; }
.keypoints li { margin: .35rem 0; }
.pagerefs { color: var(--muted); font-size: .9rem; white-space: nowrap; }
.sections { display: grid; gap: 1rem; }
.sections article, .figure, .page {
  border: 1px solid var(--line); border-radius: 8px; background: var(--card); padding: .9rem 1rem;
}
.sections article p { margin: .35rem 0 0; }
.figures { list-style: none; margin: 0; padding: 0; display: grid; gap: 1rem; }
.figure { display: grid; grid-template-columns: minmax(8rem, 16rem) 1fr; gap: 1rem; align-items: start; margin: 0; }
.figure .thumb { display: block; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 4px; line-height: 0; }
.figure img { width: 100%; height: auto; max-height: 20rem; object-fit: contain; }
.figure .missing { padding: 1rem; line-height: 1.4; color: var(--muted); font-style: italic; }
.figure dl { margin: .25rem 0 0; display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; }
.figure dt { color: var(--muted); }
.figure dd { margin: 0; }
.pages { list-style: none; margin: 0; padding: 0; display: grid; gap: .6rem; }
.page ul { margin: .25rem 0 0; padding-left: 1.2rem; }
.page p { margin: .25rem 0 0; }
:target { scroll-margin-top: 1rem; }
.page:target, .figure:target, .sections article:target { background: var(--target); outline: 2px solid var(--warn-line); }
.run { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
.run dt { color: var(--muted); }
.run dd { margin: 0; }
.warnings li { margin: .25rem 0; }
/* Full-size view without JavaScript: the thumbnail links to #view-<id>, :target shows it. */
.lightbox { display: none; }
.lightbox:target {
  display: flex; flex-direction: column; position: fixed; inset: 0; z-index: 20;
  background: rgba(0, 0, 0, .88); color: #fff; padding: 1rem; gap: .5rem;
}
.lightbox .bar { display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; align-items: baseline; }
.lightbox .bar a { color: #fff; background: rgba(255,255,255,.15); padding: .3rem .8rem; border-radius: 4px; }
.lightbox .full { flex: 1; min-height: 0; display: flex; align-items: center; justify-content: center; }
.lightbox img { max-width: 100%; max-height: 100%; object-fit: contain; background: #fff; }
.lightbox .cap { margin: 0; text-align: center; }
@media (max-width: 40rem) {
  h1 { font-size: 1.5rem; }
  .wrap { padding: 0 .9rem; }
  .figure { grid-template-columns: 1fr; }
  .figure img { max-height: 16rem; }
  .figure dl, .run { grid-template-columns: 1fr; gap: 0; }
  .figure dt, .run dt { font-size: .85rem; margin-top: .4rem; }
}
@media print {
  .lightbox, .lightbox:target { display: none !important; }
  /* the page list is for on-screen navigation; on paper the PDF's own page numbers do that job */
  #pages { display: none; }
  .figure, .page, .sections article { break-inside: avoid; background: none; }
  .figure { grid-template-columns: 12rem 1fr; }
  .page:target, .figure:target, .sections article:target { outline: none; background: none; }
}
`;

export const INDEX_CSS = `
body.batch .wrap { max-width: 96rem; }
td.num .muted { display: block; font-size: .85em; white-space: normal; }
.table-scroll { overflow-x: auto; margin-top: 1rem; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
caption { text-align: left; padding: .6rem .75rem; color: var(--muted); position: sticky; left: 0; }
th, td { padding: .45rem .6rem; text-align: left; border-top: 1px solid var(--line); vertical-align: top; }
thead th { background: var(--card); white-space: nowrap; border-top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th button { font: inherit; font-weight: bold; color: inherit; background: none; border: 0; padding: 0; cursor: pointer; }
th button::after { content: " \\2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \\2191"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " \\2193"; color: var(--fg); }
.status-done { color: var(--good); font-weight: 600; }
.status-failed, .status-interrupted, .status-over-budget { color: var(--bad); font-weight: 600; }
/* cells break long names and errors between words (or after "/"), never inside a short word */
th, td { overflow-wrap: break-word; word-break: normal; }
tbody th { min-width: 9rem; max-width: 22rem; font-weight: 600; }
td.error { min-width: 12rem; max-width: 28rem; }
td.status { white-space: nowrap; }
.totals { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: .75rem 0 0; padding: 0; list-style: none; }
/* Phones: one card per document; the headers stay as a row of sort buttons. Roles in the markup
   keep the table semantics that display:block would otherwise drop. */
@media (max-width: 40rem) {
  .table-scroll { overflow: visible; border: 0; }
  #documents, #documents tbody, #documents caption { display: block; }
  #documents caption { padding: 0 0 .5rem; }
  #documents thead tr { display: flex; flex-wrap: wrap; gap: .35rem .5rem; margin-bottom: .75rem; }
  #documents thead th { border: 1px solid var(--line); border-radius: 999px; padding: .15rem .6rem; font-size: .85rem; }
  #documents tbody tr { display: block; border: 1px solid var(--line); border-radius: 8px; margin-bottom: .75rem; padding: .5rem .75rem; }
  #documents tbody th, #documents tbody td { display: flex; gap: .75rem; border: 0; padding: .15rem 0; text-align: left; max-width: none; min-width: 0; white-space: normal; }
  #documents tbody th { font-size: 1.05rem; padding-bottom: .35rem; }
  #documents tbody td::before { content: attr(data-label); flex: 0 0 5.5rem; color: var(--muted); font-weight: normal; }
  #documents tbody td:empty { display: none; }
}
@media print {
  .table-scroll { overflow: visible; border: 0; }
  th button::after { content: ""; }
  tr { break-inside: avoid; }
}
`;
