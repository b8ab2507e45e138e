/**
 * npm run bench:plan — token counting and planning speed on DA-619p.pdf next to its extraction time,
 * then the plan of every real corpus file (requests, tokens, cost). Needs ../shared/corpus.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { extract } from "../src/extract/index.js";
import { countTextTokens } from "../src/budget/tokens.js";
import { resolveProfile } from "../src/budget/profiles.js";
import { costTable } from "../src/budget/cost.js";
import { planDocument } from "../src/plan/index.js";

const corpus = process.env.LONGDOC_CORPUS ?? resolve(import.meta.dirname, "../../shared/corpus");
const real = join(corpus, "real");
if (!existsSync(real)) {
  console.error(`corpus not found at ${corpus}`);
  process.exit(2);
}
const profile = resolveProfile({ configFile: undefined });
const options = { task: "summarize" as const, profile, provider: "mistral", outputReserve: 8192 };
const ms = (t: number) => `${(performance.now() - t).toFixed(0)} ms`;

// 1. DA-619p: extraction (render: false) vs counting vs planning
{
  const file = join(real, "DA-619p.pdf");
  let t = performance.now();
  const { document } = await extract(file, { render: false });
  const extractMs = performance.now() - t;
  const text = document.pages.flatMap((p) => p.blocks.map((b) => (b.type === "figure" ? (b.caption ?? "") : b.text))).join("\n\n");
  countTextTokens("warm up the encoder");
  t = performance.now();
  const tokens = countTextTokens(text);
  const countMs = performance.now() - t;
  t = performance.now();
  const plan = planDocument(document, options);
  const planMs = performance.now() - t;
  console.log(
    `DA-619p.pdf: ${document.pages.length} pages, ${(text.length / 1e6).toFixed(2)} M chars, ${tokens.toLocaleString("en-US")} o200k tokens`,
  );
  console.log(`  extraction (render: false)  ${extractMs.toFixed(0)} ms`);
  console.log(`  token count (first pass)    ${countMs.toFixed(0)} ms  = ${(((tokens / countMs) * 1000) / 1e6).toFixed(2)} M tokens/s`);
  t = performance.now();
  countTextTokens(text);
  console.log(`  token count (warm memo)     ${ms(t)}`);
  console.log(`  planDocument (all of it)    ${planMs.toFixed(0)} ms → ${plan.requests.length} requests (${plan.mode})`);
}

// 2. every real corpus file
console.log("\nfile                          pages  figs  mode        requests  maps  total tokens  max share  mistral $  extract+plan");
for (const name of readdirSync(real)
  .filter((f) => f.endsWith(".pdf"))
  .sort()) {
  const t = performance.now();
  try {
    const { document } = await extract(join(real, name), { render: false });
    const plan = planDocument(document, options);
    const total = plan.requests.reduce((s, r) => s + r.totalTokens, 0);
    const share = Math.max(...plan.requests.map((r) => r.totalTokens / plan.window));
    const figs = document.pages.flatMap((p) => p.blocks).filter((b) => b.type === "figure").length;
    const cost = costTable(plan, profile)[0]!.costUSD;
    console.log(
      `${name.padEnd(30)}${String(document.pages.length).padStart(5)}${String(figs).padStart(6)}  ${plan.mode.padEnd(10)}` +
        `${String(plan.requests.length).padStart(9)}${String(plan.requests.filter((r) => r.kind !== "reduce").length).padStart(6)}` +
        `${total.toLocaleString("en-US").padStart(14)}${(share * 100).toFixed(1).padStart(10)}%${cost.toFixed(4).padStart(11)}  ${ms(t)}`,
    );
  } catch (err) {
    console.log(`${name.padEnd(30)} failed: ${(err as Error).message.split("\n")[0]}`);
  }
}
