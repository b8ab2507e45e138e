/**
 * Temporary files that stand in for an input without a path of its own (a PDF read from standard
 * input is copied to a temporary folder). What a document records as its source is the name the
 * user gave it, never the temporary path, which is gone when the run ends.
 */
const shownAs = new Map<string, string>();

/** Registers `tempPath` to be shown as `name`; call the returned function when the file is removed. */
export function standIn(tempPath: string, name: string): () => void {
  shownAs.set(tempPath, name);
  return () => shownAs.delete(tempPath);
}

/** The path a document records as its source. */
export function shownPath(path: string): string {
  return shownAs.get(path) ?? path;
}

/** `text` with every stand-in's temporary path replaced by its name (for messages). */
export function showPaths(text: string): string {
  let out = text;
  for (const [path, name] of shownAs) out = out.split(path).join(name);
  return out;
}
