// Our CompletionRequest ↔ the Chat Completions wire format. Pure functions: no SDK client, no I/O.
import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
} from "openai/resources/chat/completions";
import type { CompletionRequest, FinishReason, ToolCall } from "./types.ts";
import type { TokenCount } from "../agency/usage.ts";

export interface WireOptions {
  model: string;
  stream: boolean;
  /** Official OpenAI wants max_completion_tokens (reasoning models reject max_tokens); compat servers know max_tokens. */
  maxTokensParam: "max_completion_tokens" | "max_tokens";
}

export function toChatBody(req: CompletionRequest, opts: WireOptions): { body: ChatCompletionCreateParams; warnings: string[] } {
  const warnings: string[] = [];
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: opts.model,
    // ChatMessage is the wire shape already, so it passes through unchanged.
    messages: req.messages as ChatCompletionCreateParams["messages"],
  };
  if (req.responseFormat?.mode === "json_object") body.response_format = { type: "json_object" };
  else if (req.responseFormat) {
    body.response_format = {
      type: "json_schema",
      json_schema: { name: req.responseFormat.name, schema: req.responseFormat.schema, strict: true },
    };
  }
  if (req.tools?.length) {
    body.tools = req.tools.map((t) => ({
      type: "function" as const,
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
  }
  if (req.maxOutputTokens !== undefined) {
    if (Number.isInteger(req.maxOutputTokens) && req.maxOutputTokens > 0) body[opts.maxTokensParam] = req.maxOutputTokens;
    else warnings.push(`maxOutputTokens ${req.maxOutputTokens} is not a positive integer; not sent`);
  }
  if (req.temperature !== undefined) {
    if (req.temperature >= 0 && req.temperature <= 2) body.temperature = req.temperature;
    else warnings.push(`temperature ${req.temperature} is outside 0..2; not sent`);
  }
  // include_usage adds a final chunk with token counts; without it a streamed call could not be costed.
  if (opts.stream) return { body: { ...body, stream: true, stream_options: { include_usage: true } }, warnings };
  return { body, warnings };
}

export interface ParsedCompletion {
  content: string;
  toolCalls: ToolCall[];
  usage: TokenCount;
  finishReason: FinishReason;
  warnings: string[];
}

/** Reads the first choice. Throws a plain Error on a reply with no choice; the caller wraps it as retryable. */
export function fromChatCompletion(completion: ChatCompletion): ParsedCompletion {
  const choice = completion.choices?.[0];
  if (!choice) throw new Error("reply has no choices");
  const warnings: string[] = [];
  const message = choice.message;
  if (message.refusal) warnings.push(`model refused: ${message.refusal}`);
  const toolCalls: ToolCall[] = [];
  for (const call of message.tool_calls ?? []) {
    if (call.type === "function") toolCalls.push({ id: call.id, name: call.function.name, arguments: call.function.arguments });
    else warnings.push(`ignored a '${call.type}' tool call: only function tools are supported`);
  }
  const usage = completion.usage;
  return {
    content: message.content ?? "",
    toolCalls,
    // As reported; openai-model.ts replaces counts that are missing or impossible (usage-estimate.ts).
    usage: { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 },
    finishReason: finishReasonOf(choice.finish_reason, warnings),
    warnings,
  };
}

function finishReasonOf(reason: string | null | undefined, warnings: string[]): FinishReason {
  switch (reason) {
    case "stop":
    case "length":
    case "tool_calls":
    case "content_filter":
      return reason;
    case "function_call": // the deprecated single-function form means the same thing
      return "tool_calls";
    default:
      warnings.push(`unrecognised finish_reason ${JSON.stringify(reason ?? null)}`);
      return "other";
  }
}
