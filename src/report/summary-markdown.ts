import type { Summary } from "../model/summary.js";

/** "(p. 3)", "(p. 3, 5)" for a key point's list of pages */
export function pageRef(pages: number[]): string {
  if (pages.length === 0) return "";
  return `(p. ${[...new Set(pages)].sort((a, b) => a - b).join(", ")})`;
}

function sectionRef([from, to]: [number, number]): string {
  return from === to ? `(p. ${from})` : `(pp. ${from}–${to})`;
}

/** summary.md beside summary.json: figure images are linked relative to the document folder. */
export function renderSummaryMarkdown(summary: Summary): string {
  const out: string[] = [];
  out.push(`# ${oneLine(summary.title)}`, "");
  const engine =
    summary.engine.mode === "offline"
      ? "Offline engine (no model was used: extractive summary, figure captions only)"
      : `${summary.engine.provider} · ${summary.engine.model} · ${summary.engine.mode}, ${summary.engine.requests} request${summary.engine.requests === 1 ? "" : "s"}`;
  out.push(`*${noHtml(summary.source.path)} — ${summary.source.pages} page${summary.source.pages === 1 ? "" : "s"} — ${engine}*`, "");
  out.push("## Summary", "", noHtml(summary.summary.trim()) || "_(empty)_", "");

  if (summary.keyPoints.length) {
    out.push("## Key points", "");
    for (const k of summary.keyPoints) out.push(`- ${oneLine(k.text)} ${pageRef(k.pages)}`.trimEnd());
    out.push("");
  }
  if (summary.sections.length) {
    out.push("## Sections", "");
    for (const s of summary.sections) {
      out.push(`### ${oneLine(s.title)} ${sectionRef(s.pages)}`, "");
      if (s.summary.trim()) out.push(noHtml(s.summary.trim()), "");
    }
  }
  if (summary.figures.length) {
    out.push("## Figures", "");
    for (const f of summary.figures) {
      out.push(`### ${f.id} (p. ${f.page})`, "");
      out.push(`![${f.id}](${f.file})`, "");
      if (f.caption) out.push(`*${oneLine(f.caption)}*`, "");
      out.push(
        noHtml(f.description.trim()) ||
          (summary.engine.mode === "offline" ? "_No description: the offline engine does not look at images._" : "_No description._"),
        "",
      );
    }
  }
  if (summary.warnings.length) {
    out.push("## Warnings", "");
    for (const w of summary.warnings) out.push(`- ${oneLine(w)}`);
    out.push("");
  }
  const u = summary.usage;
  if (summary.engine.mode !== "offline") {
    out.push(`---`, "", `Tokens: ${u.inputTokens} in, ${u.outputTokens} out; estimated cost $${u.costUSD.toFixed(4)}.`, "");
  }
  return out.join("\n");
}

function oneLine(s: string): string {
  return noHtml(s.replace(/\s*\n\s*/g, " ").trim());
}

/**
 * Text from the PDF or the model, made inert for Markdown viewers that pass raw HTML through
 * (report.html escapes the same text): a tag opener or an entity shows as the characters it is.
 */
export function noHtml(s: string): string {
  return s.replace(/&(?=#?[a-z0-9]+;)/gi, "&amp;").replace(/</g, "&lt;");
}
