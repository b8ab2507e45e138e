/** Caption paragraphs ("Figure 7-26. …", "Fig. 3", "Table 2", "그림 1", "图 2") among a page's text lines. */
import type { BBox } from "../../model/document.js";
import type { TextLine } from "../types.js";
import { union } from "./geometry.js";

export interface Caption {
  /** figure-like captions usually sit below; tables are captioned above */
  kind: "figure" | "table";
  text: string;
  /** indices into the page's lines */
  lines: number[];
  bbox: BBox;
}

const FIGURE_WORDS = "figure|fig\\.?|chart|exhibit|abbildung|abb\\.|graph|diagram|illustration|plate|photo|그림|도표|图|圖";
const TABLE_WORDS = "table|tab\\.|tableau|tabelle|tabla|표|表";
// the label may be bracketed: "[표 1]", "<그림 2>", "〈표 3〉"
const LABEL = new RegExp(
  `^\\s*[[<〈【]?\\s*(?:(${FIGURE_WORDS})|(${TABLE_WORDS}))\\s*((?:\\d+(?:[-–.]\\d+)*)|[IVXLC]+\\b|[A-Z]\\b)(?:\\s*[\\]>〉】])?(.*)$`,
  "iu",
);

/** Whether a line starts a caption, and which kind. "Figure 3 shows …" is a reference, not a caption. */
export function captionKind(text: string): Caption["kind"] | undefined {
  const m = LABEL.exec(text);
  if (!m) return undefined;
  const rest = m[4];
  const ok = rest.trim() === "" || /^\s*[.:：—–\-)|]/u.test(rest) || /^\s+[\p{Lu}\p{Lo}\d"“'(]/u.test(rest);
  if (!ok) return undefined;
  return m[1] ? "figure" : "table";
}

function joinCaption(parts: string[]): string {
  let out = "";
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    if (!out) out = p;
    else if (/[A-Za-z]-$/.test(out) && /^[a-z]/.test(p)) out = out.slice(0, -1) + p;
    else out += " " + p;
  }
  return out.replace(/\s+/g, " ");
}

/**
 * `inside` holds boxes of drawings and pictures: a line mostly inside one is a label or a table
 * cell, so a caption's paragraph does not run on into it.
 */
export function findCaptions(lines: TextLine[], inside: BBox[] = []): Caption[] {
  const starts: number[] = [];
  for (let i = 0; i < lines.length; i++) if (captionKind(lines[i].text)) starts.push(i);
  const startSet = new Set(starts);
  // for each line, the boxes it lies mostly inside
  const boxesOf = new Map<number, number[]>();
  if (inside.length) {
    for (let i = 0; i < lines.length; i++) {
      const b = lines[i].bbox;
      const a = Math.max(1e-6, (b[2] - b[0]) * (b[3] - b[1]));
      inside.forEach((r, k) => {
        const ix = Math.min(b[2], r[2]) - Math.max(b[0], r[0]);
        const iy = Math.min(b[3], r[3]) - Math.max(b[1], r[1]);
        if (ix > 0 && iy > 0 && ix * iy >= 0.5 * a) boxesOf.set(i, [...(boxesOf.get(i) ?? []), k]);
      });
    }
  }
  const taken = new Set<number>();
  const captions: Caption[] = [];
  for (const s of starts) {
    if (taken.has(s)) continue;
    const first = lines[s];
    // a caption set inside a frame goes on inside it; it does not run into a box it is not in
    const home = new Set(boxesOf.get(s) ?? []);
    const walled = (i: number) => (boxesOf.get(i) ?? []).some((k) => !home.has(k));
    const fs = Math.max(4, first.fontSize || first.bbox[3] - first.bbox[1]);
    const members = [s];
    taken.add(s);
    let bbox = first.bbox;
    // pieces of the first visual line that came as separate runs
    const sameLine = lines
      .map((l, i) => ({ l, i }))
      .filter(
        ({ l, i }) =>
          !taken.has(i) &&
          !startSet.has(i) &&
          Math.min(l.bbox[3], first.bbox[3]) - Math.max(l.bbox[1], first.bbox[1]) > 0.5 * (first.bbox[3] - first.bbox[1]) &&
          l.bbox[0] >= first.bbox[2] - 2 &&
          l.bbox[0] - first.bbox[2] < 2 * fs,
      )
      .sort((a, b) => a.l.bbox[0] - b.l.bbox[0]);
    let right = first.bbox[2];
    for (const { l, i } of sameLine) {
      if (l.bbox[0] - right > 2 * fs) break;
      members.push(i);
      taken.add(i);
      bbox = union(bbox, l.bbox);
      right = l.bbox[2];
    }
    // following lines of the same paragraph: tight spacing, similar size, same left edge or centred
    for (let guard = 0; guard < 12; guard++) {
      const bottom = bbox[3];
      let next = -1;
      for (let i = 0; i < lines.length; i++) {
        if (taken.has(i) || startSet.has(i) || walled(i)) continue;
        const l = lines[i];
        const lfs = l.fontSize || l.bbox[3] - l.bbox[1];
        if (Math.abs(lfs - fs) > 0.25 * fs) continue;
        if (l.bbox[1] < bottom - 0.5 * fs || l.bbox[1] > bottom + 0.7 * fs) continue;
        const leftAligned = Math.abs(l.bbox[0] - bbox[0]) <= Math.max(12, fs * 1.5);
        const centred = Math.abs((l.bbox[0] + l.bbox[2]) / 2 - (bbox[0] + bbox[2]) / 2) <= 2 * fs;
        if (!leftAligned && !centred) continue;
        if (next < 0 || l.bbox[1] < lines[next].bbox[1] || (l.bbox[1] === lines[next].bbox[1] && l.bbox[0] < lines[next].bbox[0])) next = i;
      }
      if (next < 0) break;
      // the rest of that visual line
      const row = lines
        .map((l, i) => ({ l, i }))
        .filter(
          ({ l, i }) =>
            !taken.has(i) &&
            !startSet.has(i) &&
            !walled(i) &&
            Math.min(l.bbox[3], lines[next].bbox[3]) - Math.max(l.bbox[1], lines[next].bbox[1]) >
              0.5 * (lines[next].bbox[3] - lines[next].bbox[1]) &&
            l.bbox[0] >= bbox[0] - 12 &&
            l.bbox[0] <= bbox[2] + 2 * fs,
        )
        .sort((a, b) => a.l.bbox[0] - b.l.bbox[0]);
      for (const { l, i } of row) {
        members.push(i);
        taken.add(i);
        bbox = union(bbox, l.bbox);
      }
    }
    captions.push({
      kind: captionKind(first.text)!,
      text: joinCaption(members.map((i) => lines[i].text)),
      lines: members,
      bbox,
    });
  }
  return captions;
}
