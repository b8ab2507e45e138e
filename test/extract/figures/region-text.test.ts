import { describe, expect, it } from "vitest";
import { figureText } from "../../../src/extract/figures/region-text.js";
import type { TextLine } from "../../../src/extract/types.js";

type Part = [text: string, x0: number, x1: number];
/** a line from its parts: cells split at wide gaps, pieces at narrower ones */
function line(y: number, cells: Part[], pieces?: Part[]): TextLine {
  const part = ([text, x0, x1]: Part) => ({ text, x0, x1 });
  return {
    text: cells.map((c) => c[0]).join(" "),
    bbox: [cells[0][1], y, cells[cells.length - 1][2], y + 9],
    fontSize: 9,
    bold: false,
    fontName: "F",
    ...(cells.length > 1 ? { cells: cells.map(part) } : {}),
    ...(pieces ? { pieces: pieces.map(part) } : {}),
  };
}

describe("figureText table columns", () => {
  it("splits a table's column where every row leaves a narrow gutter", () => {
    const rows: Array<[string, string, string]> = [
      ["Tag", "Type", "Description"],
      ["xx1", "number", "an integer"],
      ["000", "object", "a pointer"],
      ["010", "string", "a string"],
    ];
    const lines = rows.map(([a, b, c], i) =>
      line(
        100 + i * 12,
        [
          [`${a} ${b}`, 100, 150],
          [c, 170, 240],
        ],
        [
          [a, 100, 115],
          [b, 126, 150],
          [c, 170, 240],
        ],
      ),
    );
    expect(figureText(lines, 10)).toEqual({
      table: true,
      text: "| Tag | Type | Description |\n| --- | --- | --- |\n| xx1 | number | an integer |\n| 000 | object | a pointer |\n| 010 | string | a string |",
    });
  });

  it("keeps a column whole when one row crosses the narrow gutter", () => {
    const lines = [
      line(
        100,
        [
          ["Tag Type", 100, 150],
          ["Description", 170, 240],
        ],
        [
          ["Tag", 100, 115],
          ["Type", 126, 150],
          ["Description", 170, 240],
        ],
      ),
      line(112, [
        ["a long first cell", 100, 150],
        ["an integer", 170, 240],
      ]),
      line(
        124,
        [
          ["000 object", 100, 150],
          ["a pointer", 170, 240],
        ],
        [
          ["000", 100, 115],
          ["object", 126, 150],
          ["a pointer", 170, 240],
        ],
      ),
      line(
        136,
        [
          ["010 string", 100, 150],
          ["a string", 170, 240],
        ],
        [
          ["010", 100, 115],
          ["string", 126, 150],
          ["a string", 170, 240],
        ],
      ),
    ];
    expect(figureText(lines, 10)?.text.split("\n")[0]).toBe("| Tag Type | Description |");
  });

  it("never makes a table from the narrow pieces alone", () => {
    // label rows whose wide gaps make no grid: the finer pieces would, but they are not used
    const lines = [0, 1, 2, 3].map((i) =>
      line(
        100 + i * 12,
        [[`Trace ${i} Number Closed`, 100, 240]],
        [
          [`Trace ${i}`, 100, 130],
          ["Number", 140, 175],
          ["Closed", 185, 240],
        ],
      ),
    );
    expect(figureText(lines, 10)?.table).toBe(false);
  });
});
