/**
 * pdf.js's legacy build bundles core-js, which on Node 20 (V8 11) replaces Array.prototype.push,
 * JSON.parse and JSON.stringify with plain-JS versions for spec corner cases we never hit. Every
 * push in pdf.js's parser then runs through the polyfill (≈ a fifth of extraction time), so the
 * natives are captured when this module is evaluated — before pdf.js — and put back after it loads.
 */
type Slot = [target: object, key: string, descriptor: PropertyDescriptor];

const SLOTS: Array<[object, string]> = [
  [Array.prototype, "push"],
  [JSON, "parse"],
  [JSON, "stringify"],
];

const saved: Slot[] = SLOTS.map(([target, key]) => [target, key, Object.getOwnPropertyDescriptor(target, key)!]);

/** Puts the built-ins captured at load time back in place (a no-op when nothing replaced them). */
export function restoreNativeBuiltins(): void {
  for (const [target, key, descriptor] of saved) {
    if (Object.getOwnPropertyDescriptor(target, key)?.value !== descriptor.value) Object.defineProperty(target, key, descriptor);
  }
}
