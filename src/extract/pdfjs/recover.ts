/**
 * Second tries for PDFs pdf.js refuses but a reader can open: the empty owner password, files whose
 * attachments alone are encrypted, and trailers that lost /Root. Each works on the file's bytes and
 * gives pdf.js a repaired view: an incremental-update trailer appended to a copy, never a rewrite.
 */

/** The standard security handler's padding: as a password it is the empty password, padded. */
const EMPTY_PASSWORD_PADDING = Buffer.from("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a", "hex");

/**
 * The empty password as pdf.js can be given it: pdf.js treats "" as no password and then checks the
 * user password only, while the padded form is tried as the owner password too (revisions 2–4; in
 * revisions 5–6 an empty owner password cannot be told from none).
 */
export const EMPTY_OWNER_PASSWORD = EMPTY_PASSWORD_PADDING.toString("latin1");

/** the tail of a PDF holds its last trailer and startxref; the /Encrypt dictionary is usually near it */
const latin1 = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1");

function lastMatch(text: string, re: RegExp): RegExpExecArray | undefined {
  let m: RegExpExecArray | null;
  let last: RegExpExecArray | undefined;
  const g = new RegExp(re.source, "g");
  while ((m = g.exec(text))) last = m;
  return last;
}

/**
 * True when the file's encryption covers embedded files only: a crypt filter opened on /EFOpen and
 * streams and strings left as /Identity (the pages are stored in the clear).
 */
export function attachmentsOnlyEncrypted(data: Uint8Array): boolean {
  const text = latin1(data);
  if (!/\/AuthEvent\s*\/EFOpen/.test(text) || !/\/EFF\s*\//.test(text)) return false;
  const stmf = lastMatch(text, /\/StmF\s*\/(\w+)/)?.[1];
  const strf = lastMatch(text, /\/StrF\s*\/(\w+)/)?.[1];
  return (stmf ?? "Identity") === "Identity" && (strf ?? "Identity") === "Identity";
}

/**
 * A copy of the file with an incremental update whose trailer has no /Encrypt: pdf.js then reads
 * the clear pages as a plain PDF (the encrypted attachments would read as noise; they are skipped).
 */
export function withoutEncryption(data: Uint8Array): Uint8Array | undefined {
  const text = latin1(data);
  const root = lastMatch(text, /\/Root\s+(\d+)\s+(\d+)\s+R/);
  const prev = lastMatch(text, /startxref\s+(\d+)/);
  const size = lastMatch(text, /\/Size\s+(\d+)/);
  if (!root || !prev) return undefined;
  return appendTrailer(data, `/Size ${size?.[1] ?? 1} /Root ${root[1]} ${root[2]} R /Prev ${prev[1]}`);
}

/**
 * A copy of the file whose appended trailer points at the catalog found by scanning the objects
 * (the last `/Type /Catalog` object, as a later update would win); undefined when there is none.
 */
export function withCatalogFound(data: Uint8Array): Uint8Array | undefined {
  const text = latin1(data);
  const catalog = lastMatch(text, /(\d+)\s+(\d+)\s+obj\s*<<(?:(?!endobj)[\s\S]){0,2000}?\/Type\s*\/Catalog\b/);
  if (!catalog) return undefined;
  const objects = [...text.matchAll(/(\d+)\s+\d+\s+obj\b/g)].map((m) => Number(m[1]));
  const size = Math.max(Number(catalog[1]), ...objects) + 1;
  // the old table still gives the objects' offsets; where it is broken too, pdf.js rescans them
  const prev = lastMatch(text, /startxref\s+(\d+)/);
  return appendTrailer(data, `/Size ${size} /Root ${catalog[1]} ${catalog[2]} R${prev ? ` /Prev ${prev[1]}` : ""}`);
}

function appendTrailer(data: Uint8Array, entries: string): Uint8Array {
  const offset = data.byteLength + 1;
  const tail = Buffer.from(`\nxref\n0 1\n0000000000 65535 f \ntrailer\n<< ${entries} >>\nstartxref\n${offset}\n%%EOF\n`, "latin1");
  const out = new Uint8Array(data.byteLength + tail.length);
  out.set(data);
  out.set(tail, data.byteLength);
  return out;
}
