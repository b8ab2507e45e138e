import { describe, expect, it } from "vitest";
import { InputError, EncryptedError } from "../../src/errors.js";
import { extract } from "../../src/extract/index.js";
import { corpusFile, hasCorpus } from "../support/paths.js";

describe.skipIf(!hasCorpus)("extract() limits and failures", () => {
  it("gives up past the per-document time limit with a one-line InputError naming the file", async () => {
    const started = Date.now();
    const err = await extract(corpusFile("real/DA-619p.pdf"), { timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/DA-619p\.pdf: gave up after/);
    // the workers were stopped, not waited for
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("maps an encrypted file to EncryptedError and a non-PDF to InputError", async () => {
    await expect(extract(corpusFile("edge/password.pdf"))).rejects.toBeInstanceOf(EncryptedError);
    await expect(extract(corpusFile("manifest.json"))).rejects.toBeInstanceOf(InputError);
    await expect(extract(corpusFile("no-such.pdf"))).rejects.toThrow(/no-such\.pdf: cannot read file/);
  });
});
