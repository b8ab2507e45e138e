import type { BatchIndex, IndexEntry } from "../model/batch.js";
import { cspHash, escapeHtml, safeReportHref, htmlHead } from "./escape.js";
import { formatInt, formatSeconds, formatUSD } from "./format.js";
import { BASE_CSS, INDEX_CSS } from "./style.js";

/**
 * Progressive enhancement: without it the table is a plain table. With it, each sortable header gets a
 * button (keyboard reachable) and aria-sort says the current order. Allowed by its hash in the CSP.
 */
export const SORT_SCRIPT = `(function () {
  var table = document.getElementById("documents");
  if (!table || !table.tBodies[0]) return;
  var body = table.tBodies[0];
  var heads = table.querySelectorAll("thead th[data-sort]");
  function key(row, col, type) {
    var cell = row.cells[col];
    var v = cell.getAttribute("data-value");
    if (v === null) v = cell.textContent || "";
    return type === "number" ? Number(v) : v.toLowerCase();
  }
  heads.forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", function () {
      var col = th.cellIndex;
      var type = th.getAttribute("data-sort");
      var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      var sign = dir === "ascending" ? 1 : -1;
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a, col, type), y = key(b, col, type);
        var c = type === "number" ? x - y : String(x).localeCompare(String(y));
        return c !== 0 ? c * sign : Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      });
      rows.forEach(function (r) { body.appendChild(r); });
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir);
    });
  });
})();`;

interface Column {
  label: string;
  sort: "text" | "number";
  numeric: boolean;
  cell: (e: IndexEntry) => { html: string; value?: string | number; className?: string };
}

const COLUMNS: Column[] = [
  {
    label: "Document",
    sort: "text",
    numeric: false,
    cell: (e) => {
      const href = e.status === "done" || e.status === "skipped" ? safeReportHref(e.folder) : undefined;
      // a break opportunity after each "/" so long paths wrap at folder boundaries
      const name = escapeHtml(e.document).replace(/\//g, "/<wbr>");
      return { html: href ? `<a href="${escapeHtml(href)}">${name}</a>` : name, value: e.document };
    },
  },
  {
    label: "Status",
    sort: "text",
    numeric: false,
    cell: (e) => ({ html: escapeHtml(e.status), className: `status status-${escapeHtml(e.status)}` }),
  },
  { label: "Pages", sort: "number", numeric: true, cell: (e) => ({ html: formatInt(e.pages), value: e.pages }) },
  { label: "Figures", sort: "number", numeric: true, cell: (e) => ({ html: formatInt(e.figures), value: e.figures }) },
  { label: "Requests", sort: "number", numeric: true, cell: (e) => ({ html: formatInt(e.requests), value: e.requests }) },
  {
    label: "Tokens",
    sort: "number",
    numeric: true,
    cell: (e) => ({
      html: `${formatInt(e.inputTokens + e.outputTokens)} <span class="muted">${formatInt(e.inputTokens)} in / ${formatInt(e.outputTokens)} out</span>`,
      value: e.inputTokens + e.outputTokens,
    }),
  },
  { label: "Cost", sort: "number", numeric: true, cell: (e) => ({ html: formatUSD(e.costUSD), value: e.costUSD }) },
  { label: "Time", sort: "number", numeric: true, cell: (e) => ({ html: formatSeconds(e.seconds), value: e.seconds }) },
  {
    label: "Error",
    sort: "text",
    numeric: false,
    cell: (e) => ({ html: e.error ? escapeHtml(e.error) : "", value: e.error ?? "", className: "error" }),
  },
];

function finite(n: number): number {
  return Number.isFinite(n) ? n : 0;
}

/** index.html for a batch; lives in OUT/, each document's report at <entry.folder>/report.html. */
export function renderIndexHtml(index: BatchIndex): string {
  const css = BASE_CSS + INDEX_CSS;
  const csp = `default-src 'none'; style-src ${cspHash(css)}; script-src ${cspHash(SORT_SCRIPT)}; img-src 'self'; base-uri 'none'; form-action 'none'`;
  const docs = index.documents.map((d) => ({
    ...d,
    pages: finite(d.pages),
    figures: finite(d.figures),
    requests: finite(d.requests),
    inputTokens: finite(d.inputTokens),
    outputTokens: finite(d.outputTokens),
    costUSD: finite(d.costUSD),
    seconds: finite(d.seconds),
  }));
  const count = (s: IndexEntry["status"]) => docs.filter((d) => d.status === s).length;
  const sum = (f: (d: IndexEntry) => number) => docs.reduce((a, d) => a + f(d), 0);
  const failed = count("failed") + count("interrupted") + count("over-budget");

  const head = COLUMNS.map(
    (c) => `<th scope="col" role="columnheader" data-sort="${c.sort}"${c.numeric ? ' class="num"' : ""}>${escapeHtml(c.label)}</th>`,
  ).join("");
  const rows = docs
    .map((d, i) => {
      const cells = COLUMNS.map((c) => {
        const { html, value, className } = c.cell(d);
        const cls = [c.numeric ? "num" : "", className ?? ""].filter(Boolean).join(" ");
        const attrs = `${cls ? ` class="${cls}"` : ""}${value !== undefined ? ` data-value="${escapeHtml(value)}"` : ""}`;
        return c.label === "Document"
          ? `<th scope="row" role="rowheader"${attrs}>${html}</th>`
          : `<td role="cell" data-label="${escapeHtml(c.label)}"${attrs}>${html}</td>`;
      }).join("");
      return `<tr role="row" data-order="${i}">${cells}</tr>`;
    })
    .join("\n");

  return `${htmlHead({ title: `longdoc batch — ${docs.length} documents`, csp, css })}
<body class="batch">
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
<h1>longdoc batch: ${docs.length} ${docs.length === 1 ? "document" : "documents"}</h1>
<p class="meta">Started ${escapeHtml(index.startedAt)} · updated ${escapeHtml(index.updatedAt)}</p>
</div></header>
<main id="main" class="wrap">
<h2>Totals</h2>
<ul class="totals">
<li><strong>${count("done")}</strong> done</li>
<li><strong>${failed}</strong> failed or stopped</li>
<li><strong>${count("skipped")}</strong> skipped</li>
<li><strong>${formatInt(sum((d) => d.requests))}</strong> requests</li>
<li><strong>${formatInt(sum((d) => d.inputTokens + d.outputTokens))}</strong> tokens</li>
<li><strong>${formatUSD(sum((d) => d.costUSD))}</strong> estimated cost</li>
</ul>
<h2>Documents</h2>
<div class="table-scroll" role="region" aria-labelledby="documents-caption" tabindex="0">
<table id="documents" role="table">
<caption id="documents-caption">One row per document; the name links to its report. Column headers sort the table.</caption>
<thead role="rowgroup"><tr role="row">${head}</tr></thead>
<tbody role="rowgroup">
${rows}
</tbody>
</table>
</div>
</main>
<footer><div class="wrap">Made by longdoc. This page needs no network; sorting uses a small inline script.</div></footer>
<script>${SORT_SCRIPT}</script>
</body>
</html>
`;
}
