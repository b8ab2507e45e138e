import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Hex sha256 of a file's bytes, read as a stream (large PDFs are not held in memory). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
