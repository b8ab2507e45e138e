/** document.md: the text in reading order, headings as #, figures as images where they stand. */
import type { DocumentModel } from "../model/document.js";

export function renderDocumentMarkdown(doc: DocumentModel): string {
  const out: string[] = [];
  const title = doc.source.title;
  if (title && !doc.pages.some((p) => p.blocks.some((b) => b.type === "heading" && b.text === title))) {
    out.push(`<!-- title: ${title.replace(/--/g, "—")} -->`);
  }
  for (const page of doc.pages) {
    out.push(`<!-- page ${page.number} -->`);
    for (const block of page.blocks) {
      switch (block.type) {
        case "heading":
          out.push(`${"#".repeat(block.level)} ${escapeLine(block.text)}`);
          break;
        case "paragraph":
          out.push(escapeLine(block.text));
          break;
        case "figure":
          out.push(`![${block.id}](${block.file})` + (block.caption ? `\n\n*${escapeInline(block.caption)}*` : ""));
          break;
      }
    }
  }
  return out.join("\n\n") + "\n";
}

/** keeps a paragraph from turning into Markdown structure it never had (a heading, a list, a rule) */
function escapeLine(text: string): string {
  return text.replace(/^(\d+)([.)])(?=\s)/, "$1\\$2").replace(/^([#>+*-]|={3,})/, "\\$1");
}

function escapeInline(text: string): string {
  return text.replace(/([*_])/g, "\\$1");
}
