/**
 * pdf.js's two sides (parser and display) run in one thread here and talk through its LoopbackPort,
 * which deep-copies every message with structuredClone as if it crossed a thread: about a tenth of
 * a text-heavy extraction's CPU. Within one thread a copy is only needed where the sender changes
 * what it sent before the receiver reads it (delivery is deferred): pdf.js empties an operator
 * list's arrays right after sending a chunk, and swaps a text chunk's item list. So a message is
 * copied two levels deep (the message, its data or chunk, and the plain objects and arrays those
 * hold directly); everything deeper, and every class instance, is handed over as it is.
 */
type Port = { postMessage(obj: unknown, transfer?: unknown[]): void };

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function copyShallow(v: unknown): unknown {
  if (Array.isArray(v)) return v.slice();
  if (isPlainObject(v)) return { ...v };
  return v;
}

function copyTwoLevels(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyShallow);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key in v) out[key] = copyShallow(v[key]);
  return out;
}

export function copyMessage(message: unknown): unknown {
  if (!isPlainObject(message)) return copyTwoLevels(message);
  const out: Record<string, unknown> = { ...message };
  if ("data" in out) out.data = copyTwoLevels(out.data);
  if ("chunk" in out) out.chunk = copyTwoLevels(out.chunk);
  return out;
}

let patched = false;

/**
 * Makes every LoopbackPort (the class of `port`) deliver `copyMessage` copies instead of structured
 * clones. Only the port's own postMessage sees the replacement; the built-in is back before it returns.
 */
export function useSameThreadMessages(port: Port): void {
  if (patched) return;
  patched = true;
  const proto = Object.getPrototypeOf(port) as Port;
  const deliver = proto.postMessage;
  proto.postMessage = function (this: Port, obj: unknown, transfer?: unknown[]) {
    const g = globalThis as { structuredClone: (v: unknown, o?: unknown) => unknown };
    const native = g.structuredClone;
    g.structuredClone = copyMessage;
    try {
      deliver.call(this, obj, transfer);
    } finally {
      g.structuredClone = native;
    }
  };
}
