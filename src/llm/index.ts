/** Model calls: provider choice, adapters, the client (retries, timeouts, cache, JSON repair). */
export * from "./types.js";
export * from "./providers.js";
export { ProviderError, ContextOverflowError, TooManyImagesError, OutputTruncatedError, InvalidAnswerError } from "./errors.js";
export { toRequestBody, type ChatBody } from "./adapters/index.js";
export { createModelClient, checkJson, repairRequest, type ModelClient, type ModelClientOptions, type ClientEvent, type JsonResult, type Validate } from "./client.js";
export { cacheKey, defaultCacheDir } from "./cache.js";
export { parseRetryAfter, retryDelayMs, type BackoffOptions } from "./retry.js";
