import { createHash } from "node:crypto";
import type { BatchIndex } from "../../src/model/batch.js";
import type { DocumentModel } from "../../src/model/document.js";
import type { Summary } from "../../src/model/summary.js";

/** Strings a hostile PDF or model answer could carry; each would run script if written unescaped. */
export const PAYLOADS = [
  "<script>window.__pwned=1</script>",
  '" onmouseover="window.__pwned=1" x="',
  "'><img src=x onerror=window.__pwned=1>",
  "</textarea></style></title><svg onload=window.__pwned=1>",
];
const P = (i: number) => PAYLOADS[i % PAYLOADS.length];

/** A document + summary where every free-text field carries a payload. */
export function hostileInput(): { summary: Summary; document: DocumentModel } {
  const source = {
    path: `/tmp/${P(0)}.pdf`,
    sha256: createHash("sha256").update("x").digest("hex"),
    bytes: 1234,
    pages: 3,
    title: P(1),
    author: P(2),
    producer: P(3),
    encrypted: false,
  };
  const document: DocumentModel = {
    schemaVersion: 1,
    source,
    outline: [{ title: P(0), page: 1, level: 1 }],
    pages: [
      {
        number: 1,
        width: 612,
        height: 792,
        textLayer: true,
        blocks: [
          { type: "heading", level: 1, text: P(1) },
          { type: "paragraph", text: P(2) },
          {
            type: "figure",
            id: "p1-f1",
            kind: "raster",
            bbox: [0, 0, 100, 100],
            caption: P(0),
            file: "figures/p1-f1.png",
            width: 40,
            height: 30,
          },
        ],
      },
      {
        number: 2,
        width: 612,
        height: 792,
        textLayer: true,
        blocks: [
          {
            type: "figure",
            id: "p2-f1",
            kind: "vector",
            bbox: [0, 0, 100, 100],
            caption: P(3),
            file: "figures/p2-f1.jpg",
            width: 40,
            height: 30,
          },
          // a figure the summary forgot: still shown
          { type: "figure", id: "p2-f2", kind: "vector", bbox: [0, 0, 100, 100], file: "figures/p2-f2.png", width: 40, height: 30 },
        ],
      },
      { number: 3, width: 612, height: 792, textLayer: false, blocks: [] },
    ],
    warnings: [P(2)],
  };
  const summary: Summary = {
    schemaVersion: 1,
    source,
    engine: { provider: P(0), model: P(1), mode: "single", requests: 1 },
    title: P(0),
    summary: `${P(1)}\n\n${P(2)}`,
    keyPoints: [
      { text: P(3), pages: [1, 2] },
      { text: P(0), pages: [3, 99] },
    ],
    sections: [
      { title: P(1), pages: [1, 2], summary: P(2) },
      { title: P(3), pages: [3, 3], summary: P(0) },
    ],
    figures: [
      { id: "p1-f1", page: 1, caption: P(0), description: P(1), file: "figures/p1-f1.png" },
      { id: "p2-f1", page: 2, caption: P(3), description: P(2), file: "figures/p2-f1.jpg" },
      // paths that are not a plain file in figures/
      { id: `p3-f1${P(1)}`, page: 3, caption: P(2), description: P(3), file: "javascript:window.__pwned=1//.png" },
      { id: "p3-f2", page: 3, description: P(0), file: "../../outside.png" },
      { id: "p3-f3", page: 3, description: P(1), file: "figures/../../../etc/x.png" },
      { id: "p3-f4", page: 3, description: P(2), file: 'figures/a.png" onerror="window.__pwned=1' },
    ],
    warnings: [P(3)],
    usage: { inputTokens: 100, outputTokens: 20, costUSD: 0.0001 },
  };
  return { summary, document };
}

export function hostileIndex(): BatchIndex {
  const base = { pages: 1, figures: 0, requests: 1, inputTokens: 10, outputTokens: 5, costUSD: 0.001, seconds: 1 };
  return {
    schemaVersion: 1,
    startedAt: P(0),
    updatedAt: P(1),
    documents: [
      { ...base, document: `${P(0)}.pdf`, folder: "good-doc", status: "done" },
      { ...base, document: "escape.pdf", folder: "../outside", status: "done" },
      { ...base, document: "scheme.pdf", folder: "javascript:window.__pwned=1", status: "done" },
      { ...base, document: "abs.pdf", folder: "/etc", status: "done" },
      { ...base, document: "quote.pdf", folder: `a" onclick="window.__pwned=1`, status: "done" },
      { ...base, document: "failed.pdf", folder: "failed", status: "failed", error: P(2) },
    ],
  };
}
