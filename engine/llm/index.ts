// The model layer's face: one small interface (types.ts), an OpenAI-compatible provider, and the helpers built on
// the interface alone (structured replies, the tool loop, retries, cost, cache).
export type * from "./types.ts";
export * from "./errors.ts";
export { LlmRefusalError, LlmReplyTooLargeError } from "./reply-errors.ts";
export { createOpenAIModel, type OpenAIModelSettings } from "./openai-model.ts";
export { completeStructured, type StructuredOptions, type StructuredRequest, type StructuredResult } from "./structured.ts";
export { toStrictSchema } from "./strict-schema.ts";
export { runToolLoop, type ToolHandler, type ToolLoopRequest, type ToolLoopResult } from "./tool-loop.ts";
export { withRetries, parseRetryAfterMs, retryDelayMs, type RetryOptions, type Sleep } from "./retry.ts";
export { UsageMeter, type Price, type UsageTotals as MeterTotals } from "./cost.ts";
export { cacheKey, createFileCache, withCache, DEFAULT_CACHE_DIR, type ResponseCache } from "./cache.ts";
