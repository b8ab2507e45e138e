/** Model profiles, token counting and cost. */
export { resolveProfile, loadProfiles, defaultProfilesFile, pricesFor, type ModelProfile, type ProfileData, type PriceEntry } from "./profiles.js";
export { countTextTokens, estimateTextTokens, imageTokens, fitWithin } from "./tokens.js";
export { estimateCost, costTable, type CostRow } from "./cost.js";
