import { describe, expect, it } from "vitest";
import { copyMessage } from "../../../src/extract/pdfjs/same-thread-port.js";

describe("in-thread pdf.js messages", () => {
  it("keep what the sender empties or swaps after sending, and hand deeper data over as it is", () => {
    const args = [[{ unicode: "A", width: 500 }], 12];
    const chunk = { fnArray: [44, 45], argsArray: [args, null], lastChunk: false, length: 2 };
    const message = { sourceName: "w", targetName: "m", stream: 4, streamId: 1, chunk };
    const copy = copyMessage(message) as typeof message;
    // what OperatorList.flush does right after sending
    chunk.fnArray.length = 0;
    chunk.argsArray.length = 0;
    expect(copy.chunk.fnArray).toEqual([44, 45]);
    expect(copy.chunk.argsArray[0]).toBe(args);
    expect(copy.stream).toBe(4);

    const text: { items: Array<{ str: string }>; styles: Record<string, object> } = { items: [{ str: "x" }], styles: { f1: {} } };
    const textCopy = copyMessage({ stream: 4, chunk: text }) as { chunk: typeof text };
    // what getTextContent does after sending a chunk
    text.items = [];
    text.styles = {};
    expect(textCopy.chunk.items).toEqual([{ str: "x" }]);
    expect(Object.keys(textCopy.chunk.styles)).toEqual(["f1"]);
  });

  it("passes class instances (errors, typed arrays) through unchanged", () => {
    const reason = new Error("bad xref");
    const bytes = new Uint8Array([1, 2, 3]);
    const copy = copyMessage({ action: "obj", data: ["img_1", 0, "Image", { data: bytes }], reason }) as {
      data: [string, number, string, { data: Uint8Array }];
      reason: Error;
    };
    expect(copy.reason).toBe(reason);
    expect(copy.reason.message).toBe("bad xref");
    expect(copy.data[3].data).toBe(bytes);
    expect(copy.data[0]).toBe("img_1");
  });
});
