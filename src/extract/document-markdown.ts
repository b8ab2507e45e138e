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
          // a code listing (the only paragraphs with line breaks) as a fenced block
          out.push(block.text.includes("\n") ? "```\n" + block.text.replace(/```/g, "ʼʼʼ") + "\n```" : escapeLine(block.text));
          break;
        case "figure":
          out.push(`![${block.id}](${block.file})` + (block.caption ? `\n\n*${escapeInline(block.caption)}*` : ""));
          // the figure's own text under it: a table as is, other text as quoted lines
          if (block.text) out.push(isMarkdownTable(block.text) ? block.text : quoteLines(block.text));
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

function isMarkdownTable(text: string): boolean {
  return /^\|.*\|\n\|( --- \|)+\n/.test(text);
}

function quoteLines(text: string): string {
  return text
    .split("\n")
    .map((l) => `> ${escapeLine(l)}`)
    .join("\n>\n");
}

function escapeInline(text: string): string {
  return text.replace(/([*_])/g, "\\$1");
}
