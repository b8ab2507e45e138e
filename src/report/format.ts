/** Number formats shared by report.html and index.html (fixed locale so output does not depend on the machine). */

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function formatUSD(n: number): string {
  if (n === 0) return "$0.00";
  // small runs cost fractions of a cent; show enough digits to compare them
  return n < 0.01 ? `$${n.toFixed(4)}` : `$${n.toFixed(2)}`;
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

export function pageRangeText(from: number, to: number): string {
  return from === to ? `p. ${from}` : `pp. ${from}–${to}`;
}

/** "1 page", "3 pages": a count with its noun (regular plurals only). */
export function plural(n: number, noun: string): string {
  return `${formatInt(n)} ${noun}${n === 1 ? "" : "s"}`;
}
