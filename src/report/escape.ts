import { createHash } from "node:crypto";

/** Everything from the PDF or the model is untrusted: it goes through here before it enters HTML. */

// C0 controls (but tab, newline, return) and DEL render as garbage or get swallowed by the parser.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const HAS_CONTROL = /[\u0000-\u001f\u007f]/;

/** Escapes text for element content and for double- or single-quoted attribute values. */
export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(CONTROL, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Text with blank-line paragraphs and single line breaks kept (no Markdown: the model's text is data). */
export function paragraphsHtml(text: string): string {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => `<p>${p.split(/\r?\n/).map(escapeHtml).join("<br>")}</p>`)
    .join("\n");
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const IMAGE_EXT = /\.(png|jpe?g|webp)$/i;

/**
 * The relative URL of a figure image, or undefined when the path is not a plain file in figures/.
 * Rejecting rather than repairing: a path like "../../etc/x.png" or "javascript:..." is not a figure we wrote.
 */
export function safeFigureSrc(file: string): string | undefined {
  const parts = file.replace(/\\/g, "/").split("/");
  if (parts.length !== 2 || parts[0] !== "figures") return undefined;
  const name = parts[1];
  if (!SAFE_NAME.test(name) || !IMAGE_EXT.test(name)) return undefined;
  return `figures/${name}`;
}

/**
 * The relative URL of <folder>/report.html, or undefined when the folder is not a plain relative path
 * below OUT (no "..", no absolute path, no scheme). Each segment is percent-encoded.
 */
export function safeReportHref(folder: string): string | undefined {
  const parts = folder
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) return undefined;
  if (/^\//.test(folder) || /^[A-Za-z]:/.test(folder)) return undefined;
  if (parts.some((p) => p === ".." || HAS_CONTROL.test(p))) return undefined;
  return `${parts.map((p) => encodeURIComponent(p)).join("/")}/report.html`;
}

/** A fragment id that is safe to use unescaped in id="" and href="#": letters, digits, '-', '_'. */
export function safeId(prefix: string, raw: string, fallback: number | string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(raw) ? `${prefix}-${raw}` : `${prefix}-${fallback}`;
}

/** CSP source for an inline <style> or <script> body, so nothing else inline can run. */
export function cspHash(body: string): string {
  return `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`;
}

/** The document's <head>, shared by report.html and index.html: one CSP, viewport and colour scheme. */
export function htmlHead(opts: { title: string; csp: string; css: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${opts.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="longdoc">
<title>${escapeHtml(opts.title)}</title>
<style>${opts.css}</style>
</head>`;
}
