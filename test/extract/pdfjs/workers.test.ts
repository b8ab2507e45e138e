import { describe, expect, it } from "vitest";
import { extract } from "../../../src/extract/index.js";
import { corpusFile, hasCorpus } from "../../support/paths.js";

// one worker is the default on machines with fewer than 4 cores, so the two-worker path (pages in
// runs across workers, the outline read beside them, renders on the first) is checked here
describe.skipIf(!hasCorpus)("extract with one or two workers", () => {
  it("failure-after-repair.pdf (76 pages, 23 figures): two workers give exactly the document one gives", async () => {
    const file = corpusFile("real/failure-after-repair.pdf");
    const one = await extract(file, { workers: 1 });
    const two = await extract(file, { workers: 2 });
    expect(JSON.stringify(two.document)).toBe(JSON.stringify(one.document));
    expect([...two.figures.keys()]).toEqual([...one.figures.keys()]);
    for (const [id, image] of one.figures) expect(two.figures.get(id)!.data.equals(image.data), id).toBe(true);
  }, 120_000);
});
