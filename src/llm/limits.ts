/**
 * What an endpoint told us about its limits, kept for the rest of the process: once a server says
 * it takes at most N images per request, every later document of the run (batch included) is
 * planned for N from the start instead of failing and re-planning again.
 */
import type { ProviderConfig } from "./providers.js";

const imageLimits = new Map<string, number>();

function endpointOf(cfg: Pick<ProviderConfig, "name" | "baseUrl" | "model">): string {
  return `${cfg.name}|${cfg.baseUrl}|${cfg.model}`;
}

/** Remember the images-per-request limit a server named (only ever lowered). */
export function rememberImageLimit(cfg: Pick<ProviderConfig, "name" | "baseUrl" | "model">, maxImages: number): void {
  const key = endpointOf(cfg);
  const known = imageLimits.get(key);
  if (known === undefined || maxImages < known) imageLimits.set(key, Math.max(1, Math.floor(maxImages)));
}

/** The limit learned for this endpoint and model in this process, if any. */
export function learnedImageLimit(cfg: Pick<ProviderConfig, "name" | "baseUrl" | "model">): number | undefined {
  return imageLimits.get(endpointOf(cfg));
}
