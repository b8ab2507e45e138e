/**
 * Regenerates the project's own fixtures (PDFs + ground truth) into fixtures/.
 * Deterministic: running it twice gives the same bytes. Usage: npm run fixtures [-- OUT_DIR]
 */
import { statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generateFixtures } from "./fixtures/build.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[2] ?? resolve(repoRoot, "fixtures"));
const written = await generateFixtures(outDir);
let total = 0;
for (const file of written) {
  const bytes = statSync(file).size;
  total += bytes;
  console.log(`${relative(process.cwd(), file)}  ${(bytes / 1024).toFixed(1)} KB`);
}
console.log(`total ${(total / 1024).toFixed(1)} KB`);
