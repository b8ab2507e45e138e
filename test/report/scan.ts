/**
 * A small tag scanner for OUR output. It is exact for it because every attribute value we write is
 * double-quoted and escaped (no raw `"`, `<` or `>` inside), so a tag ends at the first `>`.
 */
export interface Tag {
  name: string;
  attrs: Map<string, string>;
  /** offset in the HTML */
  at: number;
}

export function scanTags(html: string): Tag[] {
  // blank out the CSS and script bodies (same length, so offsets stay true to `html`)
  const blank = (open: string, inner: string, close: string) => open + " ".repeat(inner.length) + close;
  const body = html
    .replace(/(<style>)([\s\S]*?)(<\/style>)/, (_m, a, b, c) => blank(a, b, c))
    .replace(/(<script>)([\s\S]*?)(<\/script>)/, (_m, a, b, c) => blank(a, b, c));
  const tags: Tag[] = [];
  for (const m of body.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*)?)>/g)) {
    const attrs = new Map<string, string>();
    const rest = m[2].replace(/\/$/, "");
    const attrRe = /\s+([^\s="'<>/]+)(?:="([^"]*)")?/y;
    let pos = 0;
    while (pos < rest.length) {
      attrRe.lastIndex = pos;
      const a = attrRe.exec(rest);
      if (!a) throw new Error(`unparsable attributes in <${m[1]}${m[2]}>`);
      attrs.set(a[1].toLowerCase(), decode(a[2] ?? ""));
      pos = attrRe.lastIndex;
    }
    tags.push({ name: m[1].toLowerCase(), attrs, at: m.index ?? 0 });
  }
  return tags;
}

export function decode(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, "\u00a0")
    .replace(/&amp;/g, "&");
}

/** Text content between <tag ...> and its matching close, for flat elements (h1, h2, h3, title). */
export function textOf(html: string, tagStart: number): string {
  const open = html.indexOf(">", tagStart) + 1;
  const name = /^<([a-zA-Z0-9]+)/.exec(html.slice(tagStart))![1];
  const close = html.indexOf(`</${name}>`, open);
  return decode(html.slice(open, close).replace(/<[^>]*>/g, ""));
}
