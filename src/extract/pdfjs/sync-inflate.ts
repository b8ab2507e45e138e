/**
 * pdf.js inflates every content stream through the web DecompressionStream, which in Node runs zlib
 * on the libuv thread pool and hops through web streams: the pdf.js thread sits idle on each page.
 * This stand-in inflates synchronously with zlib (same library, same errors: pdf.js falls back to
 * its own decoder when it throws, as with the real one). Installed in pdf.js worker threads only.
 */
import { brotliDecompressSync, inflateRawSync, inflateSync } from "node:zlib";

const DECODERS: Record<string, (b: Uint8Array) => Buffer> = {
  deflate: inflateSync,
  "deflate-raw": inflateRawSync,
  brotli: brotliDecompressSync,
};

class SyncDecompressionStream {
  readonly writable: { getWriter(): { ready: Promise<void>; write(b: Uint8Array): Promise<void>; close(): Promise<void> } };
  readonly readable: AsyncIterable<Uint8Array>;

  constructor(format: string) {
    const decode = DECODERS[format];
    if (!decode) throw new TypeError(`unsupported compression format: ${format}`);
    const input: Uint8Array[] = [];
    let closed!: () => void;
    const done = new Promise<void>((resolve) => (closed = resolve));
    this.writable = {
      getWriter: () => ({
        ready: Promise.resolve(),
        write: async (b) => void input.push(b),
        close: async () => closed(),
      }),
    };
    this.readable = {
      async *[Symbol.asyncIterator]() {
        await done;
        const out = decode(input.length === 1 ? input[0] : Buffer.concat(input));
        yield new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
      },
    };
  }
}

export function installSyncDecompression(): void {
  (globalThis as { DecompressionStream?: unknown }).DecompressionStream = SyncDecompressionStream;
}
