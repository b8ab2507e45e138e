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
  out.push(`*${summary.source.path} — ${summary.source.pages} pages — ${engine}*`, "");
  out.push("## Summary", "", summary.summary.trim() || "_(empty)_", "");

  if (summary.keyPoints.length) {
    out.push("## Key points", "");
    for (const k of summary.keyPoints) out.push(`- ${oneLine(k.text)} ${pageRef(k.pages)}`.trimEnd());
    out.push("");
  }
  if (summary.sections.length) {
    out.push("## Sections", "");
    for (const s of summary.sections) {
      out.push(`### ${oneLine(s.title)} ${sectionRef(s.pages)}`, "");
      if (s.summary.trim()) out.push(s.summary.trim(), "");
    }
  }
  if (summary.figures.length) {
    out.push("## Figures", "");
    for (const f of summary.figures) {
      out.push(`### ${f.id} (p. ${f.page})`, "");
      out.push(`![${f.id}](${f.file})`, "");
      if (f.caption) out.push(`*${oneLine(f.caption)}*`, "");
      out.push(
        f.description.trim() ||
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
  return s.replace(/\s*\n\s*/g, " ").trim();
}
