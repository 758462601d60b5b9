// The model layer's face: one small interface (types.ts), an OpenAI-compatible provider, and the helpers built on
// the interface alone (structured replies with their tool rounds, retries, the response cache).
export type * from "./types.ts";
export * from "./errors.ts";
export { LlmRefusalError, LlmReplyTooLargeError } from "./reply-errors.ts";
export { createOpenAIModel, type OpenAIModelSettings } from "./openai-model.ts";
export { completeStructured, type StructuredOptions, type StructuredRequest, type StructuredResult } from "./structured.ts";
export { toStrictSchema } from "./strict-schema.ts";
export type { ToolHandler } from "./run-tool.ts";
export { withRetries, parseRetryAfterMs, retryDelayMs, type RetryOptions, type Sleep } from "./retry.ts";
export { cacheKey, createFileCache, withCache, DEFAULT_CACHE_DIR, type ResponseCache } from "./cache.ts";
