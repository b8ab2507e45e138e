import type { DocumentModel } from "../../src/model/document.js";

/** A small hand-written document model (data, not a mock): 4 pages, headings, 2 figures. */
export function sampleDocument(): DocumentModel {
  const para = (text: string) => ({ type: "paragraph" as const, text });
  return {
    schemaVersion: 1,
    source: { path: "/tmp/pumps.pdf", sha256: "a".repeat(64), bytes: 1000, pages: 4, title: "Untitled", encrypted: false },
    outline: [],
    pages: [
      {
        number: 1,
        width: 595,
        height: 842,
        textLayer: true,
        blocks: [
          { type: "heading", level: 1, text: "Centrifugal Pump Maintenance Guide" },
          { type: "heading", level: 2, text: "Introduction" },
          para(
            "Centrifugal pumps move water through the cooling circuit of the plant. Regular maintenance of the pump seals prevents leaks and unplanned stops. This guide explains inspection intervals for seals, bearings and impellers.",
          ),
        ],
      },
      {
        number: 2,
        width: 595,
        height: 842,
        textLayer: true,
        blocks: [
          para(
            "Pump seals wear faster when the pump runs dry. Operators should check the seals for leaks every week and replace worn seals at once.",
          ),
          {
            type: "figure",
            id: "p2-f1",
            kind: "raster",
            bbox: [50, 300, 500, 600],
            caption: "Figure 1: Cross-section of the pump seal",
            file: "figures/p2-f1.png",
            width: 800,
            height: 530,
          },
        ],
      },
      {
        number: 3,
        width: 595,
        height: 842,
        textLayer: true,
        blocks: [
          { type: "heading", level: 2, text: "Bearings" },
          para(
            "Bearings carry the pump shaft. Bearing temperature above 80 degrees indicates poor lubrication of the pump bearings. Lubricate bearings every three months.",
          ),
        ],
      },
      {
        number: 4,
        width: 595,
        height: 842,
        textLayer: true,
        blocks: [
          { type: "heading", level: 2, text: "Impellers" },
          para(
            "Impellers lose efficiency when cavitation erodes the blades. Inspect the impeller blades once a year and record the pump flow rate.",
          ),
          { type: "figure", id: "p4-f1", kind: "vector", bbox: [50, 300, 500, 600], file: "figures/p4-f1.png", width: 600, height: 400 },
        ],
      },
    ],
    warnings: [],
  };
}
