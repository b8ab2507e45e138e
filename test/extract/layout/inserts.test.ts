import { describe, expect, it } from "vitest";
import type { PageBlock } from "../../../src/extract/layout/blocks.js";
import { placeInserts } from "../../../src/extract/layout/inserts.js";

const p = (text: string): PageBlock => ({ type: "paragraph", text });
const listing = p("for (;;) {\n  run();\n}");
const caption = p("Figure 3. The loop.");

describe("placeInserts", () => {
  it("joins a sentence split by a listing and its caption, and sets them after it", () => {
    const out = placeInserts([p("We evaluate the compiler based on"), listing, caption, p("a set of benchmarks."), p("Next.")]);
    expect(out).toEqual([p("We evaluate the compiler based on a set of benchmarks."), listing, caption, p("Next.")]);
  });

  it("rejoins a word hyphenated at the column break", () => {
    expect(placeInserts([p("the trace moni-"), caption, p("tor starts.")])[0]).toEqual(p("the trace monitor starts."));
  });

  it("leaves inserts alone after a finished sentence, before a new one, or with nothing to join", () => {
    const done = [p("The sentence ends here."), listing, p("and a lower-case line")];
    expect(placeInserts(done)).toEqual(done);
    const fresh = [p("A label without a stop"), caption, p("New sentence starts here.")];
    expect(placeInserts(fresh)).toEqual(fresh);
    const last = [p("runs to the end of the page"), listing];
    expect(placeInserts(last)).toEqual(last);
    const adjacent = [p("no insert between"), p("these two")];
    expect(placeInserts(adjacent)).toEqual(adjacent);
  });
});
