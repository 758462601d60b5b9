// The one small interface every model call goes through. Agents, the router and the cache depend on this file only,
// never on a provider SDK, so a provider can be swapped (or faked) without touching them.
import type { TokenCount } from "../agency/usage.ts";

/** A JSON Schema (draft 2020-12) as a plain object; ajv validates against it, providers send it as-is. */
export type JSONSchema = { [keyword: string]: unknown };

/** A tool call as it travels in an assistant message (OpenAI Chat Completions wire shape, so it passes through). */
export interface ChatToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string; name?: string }
  | { role: "user"; content: string; name?: string }
  | { role: "assistant"; content: string | null; tool_calls?: ChatToolCall[]; name?: string }
  | { role: "tool"; tool_call_id: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: JSONSchema;
}

export interface ResponseFormat {
  /** Schema name shown to the model; letters, digits, `_` and `-` only. */
  name: string;
  schema: JSONSchema;
  /**
   * How the server is asked: `json_schema` (the default) constrains the reply to the schema; `json_object` only to
   * JSON, for servers that reject `json_schema` — the schema then travels in the prompt (json-object-fallback.ts).
   */
  mode?: "json_schema" | "json_object";
}

export interface CompletionRequest {
  messages: ChatMessage[];
  responseFormat?: ResponseFormat;
  tools?: ToolSpec[];
  maxOutputTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /**
   * Which retry of its action this call belongs to (status/retry.ts attemptLabel); absent on a first attempt. Never
   * sent to the provider; part of the cache key, so a retried action asks afresh instead of replaying its failure.
   */
  attempt?: string;
}

export interface ToolCall {
  id: string;
  name: string;
  /** Raw JSON text as the model wrote it; it may be invalid, so parsing is runTool's job (run-tool.ts). */
  arguments: string;
}


export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "other";

export interface CompletionResult {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenCount;
  finishReason: FinishReason;
  /** Things the caller should know but that did not fail the call (ignored settings, missing usage, retries). */
  warnings: string[];
  /** Exactly what went over the wire, for the audit log. */
  raw: { request: unknown; response: unknown };
  /** True when served from the response cache: nothing was paid for this call. */
  cached: boolean;
  /** Wall time the caller waited, retries and backoff included. */
  latencyMs: number;
  /** Transport retries the call needed (rate limits, server errors); absent when none were counted. */
  retries?: number;
}

export interface LanguageModel {
  readonly provider: string;
  readonly modelId: string;
  /** Where the provider is reached, when that matters for identity (the cache key); absent for in-process models. */
  readonly baseURL?: string;
  complete(req: CompletionRequest): Promise<CompletionResult>;
  /**
   * The reply to `req` was rejected (it broke the schema or the caller's rules): a model that remembers replies (the
   * response cache) must not serve it again. Models that remember nothing leave this out.
   */
  forget?(req: CompletionRequest): Promise<void>;
}
