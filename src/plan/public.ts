/** The planning API other stages and library users call. */
export { planDocument, DEFAULT_OUTPUT_RESERVE, type PlanOptions } from "./index.js";
export { plan, profileFor, type PlanPdfOptions } from "./library.js";
export { planToJson } from "./json.js";
export { buildReduceParts, estimatePartialTokens, type PartialAnswer } from "./reduce.js";
export { materializeParts } from "./materialize.js";
export { systemPrompt, documentHeader } from "./prompts.js";
