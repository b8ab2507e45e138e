import { open, readdir, realpath, stat } from "node:fs/promises";
import { basename, extname, join, resolve, sep } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { InputError } from "../errors.js";

export interface SkippedInput {
  /** the input as given or found */
  path: string;
  /** why it was skipped, e.g. "not a PDF" */
  reason: string;
}

export interface FoundPdfs {
  /** absolute paths, in input order, each folder's files sorted; one entry per real file */
  pdfs: string[];
  /** things named or found that are not processed, each with why (shown as a note) */
  skipped: SkippedInput[];
}

const isPdfName = (path: string): boolean => extname(path).toLowerCase() === ".pdf";

/** Sorting by code point keeps the order the same on every machine and locale. */
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Expands files, folders (recursively) and globs into the PDFs to process.
 * Folders are walked following symlinks, but each real folder is entered once, so a link
 * loop ends; a file reached by two names is processed once. Hidden folders are not walked.
 */
export async function findPdfs(inputs: string[]): Promise<FoundPdfs> {
  const pdfs: string[] = [];
  const skipped: SkippedInput[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();

  const addPdf = async (path: string): Promise<void> => {
    const real = await realpath(path);
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    pdfs.push(path);
  };

  const walk = async (dir: string): Promise<void> => {
    let real: string;
    try {
      real = await realpath(dir);
    } catch {
      skipped.push({ path: dir, reason: "broken link" });
      return;
    }
    if (seenDirs.has(real)) return; // a symlink loop or a folder reached twice
    seenDirs.add(real);
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      skipped.push({ path: dir, reason: `unreadable folder (${(err as NodeJS.ErrnoException).code ?? "error"})` });
      return;
    }
    entries.sort((a, b) => byCodePoint(a.name, b.name));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(path);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          skipped.push({ path, reason: "broken link" });
          continue;
        }
      }
      if (isDir) {
        if (!entry.name.startsWith(".")) await walk(path);
      } else if (isFile) {
        if (isPdfName(path)) await addPdf(path);
        else skipped.push({ path, reason: "not a PDF" });
      }
    }
  };

  for (const input of inputs) {
    if (isDynamicPattern(input)) {
      const matches = await glob(input, { absolute: true, onlyFiles: true, followSymbolicLinks: true });
      if (matches.length === 0) skipped.push({ path: input, reason: "no file matches" });
      for (const match of matches.sort(byCodePoint)) {
        if (isPdfName(match) || (await startsLikePdf(match))) await addPdf(match);
        else skipped.push({ path: match, reason: "not a PDF" });
      }
      continue;
    }
    const path = resolve(input);
    let info;
    try {
      info = await stat(path);
    } catch {
      throw new InputError("no such file or folder", input);
    }
    if (info.isDirectory()) await walk(path);
    else if (isPdfName(path) || (await startsLikePdf(path))) await addPdf(path);
    else skipped.push({ path, reason: "not a PDF" });
  }
  return { pdfs, skipped };
}

/** A file the user named explicitly is taken as a PDF when its bytes say so, whatever its name. */
async function startsLikePdf(path: string): Promise<boolean> {
  try {
    const handle = await open(path, "r");
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(1024), 0, 1024, 0);
      return buffer.subarray(0, bytesRead).includes("%PDF-");
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

/** A file/folder name safe on every common file system. */
function safeName(name: string): string {
  const cleaned = name
    .replace(/[\\/:*?"<>|\x00-\x1f]/g, "_")
    .replace(/[. ]+$/, "")
    .trim();
  return cleaned || "document";
}

/**
 * Output subfolder for each PDF (relative to OUT). A stem used once is the folder; stems shared
 * by several files (two report.pdf in different folders) take as many parent folder names as
 * make them unique, joined with "_" ("2023_report", "2024_report"), so a name depends only on
 * the files sharing that stem. Compared case-insensitively (macOS and Windows file systems).
 */
export function assignOutputFolders(pdfs: string[]): Map<string, string> {
  const stemOf = (p: string) => safeName(basename(p, extname(p)));
  const groups = new Map<string, string[]>();
  for (const pdf of pdfs) {
    const key = stemOf(pdf).toLowerCase();
    groups.set(key, [...(groups.get(key) ?? []), pdf]);
  }
  const folders = new Map<string, string>();
  for (const [, group] of groups) {
    if (group.length === 1) {
      folders.set(group[0], stemOf(group[0]));
      continue;
    }
    const segmentsOf = (p: string) => resolve(p).split(sep).filter(Boolean);
    const maxDepth = Math.max(...group.map((p) => segmentsOf(p).length));
    for (let depth = 2; depth <= maxDepth + 1; depth++) {
      const names = group.map((p) => {
        const segs = segmentsOf(p);
        const parents = segs.slice(Math.max(0, segs.length - depth), -1).map(safeName);
        return [...parents, stemOf(p)].join("_");
      });
      const distinct = new Set(names.map((n) => n.toLowerCase()));
      if (distinct.size === group.length || depth === maxDepth + 1) {
        group.forEach((p, i) => folders.set(p, names[i]));
        break;
      }
    }
  }
  // A derived name can still equal another file's plain stem ("a_report.pdf" next to a/report.pdf
  // and b/report.pdf): number the later ones, in the deterministic input order.
  const final = new Map<string, string>();
  const taken = new Set<string>();
  for (const pdf of pdfs) {
    let name = folders.get(pdf)!;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${folders.get(pdf)}-${n}`;
    taken.add(name.toLowerCase());
    final.set(pdf, name);
  }
  return final;
}
