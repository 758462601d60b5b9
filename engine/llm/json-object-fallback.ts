// Providers as they are: some OpenAI-compatible servers (LiteLLM routes, older llama.cpp builds) answer a
// `response_format: json_schema` request with a 400 about the response format. Such an endpoint is asked in
// `json_object` mode instead, with the schema in the prompt; the reply is validated against the same schema as
// always (structured.ts), so nothing downstream changes. What was learned is kept per endpoint for the process (and, through `memory`, across runs), so the 400 is paid for once.
import { LlmApiError } from "./errors.ts";
import type { ChatMessage, CompletionRequest, LanguageModel } from "./types.ts";

export interface FormatMemory {
  /** Whether this endpoint and model are known to reject json_schema. */
  rejectsJsonSchema(key: string): boolean;
  remember(key: string): void;
}

/** Kept for the life of the process; a run's memory may add a file (see providers.ts). */
export function processFormatMemory(onRemember?: (key: string) => void, known: Iterable<string> = []): FormatMemory {
  const keys = new Set(known);
  return {
    rejectsJsonSchema: (key) => keys.has(key),
    remember(key) {
      if (keys.has(key)) return;
      keys.add(key);
      onRemember?.(key);
    },
  };
}

/** The 400 a server sends when it does not do `json_schema`: a client error that names the response format. */
export function rejectsJsonSchema(e: unknown): boolean {
  if (!(e instanceof LlmApiError) || e.status === undefined || e.status < 400 || e.status >= 500 || e.status === 429) return false;
  const said = `${e.message} ${JSON.stringify(e.responseBody ?? "")}`;
  return /response_format|json_schema|response format/i.test(said);
}

export function asJsonObjectRequest(req: CompletionRequest): CompletionRequest {
  const format = req.responseFormat!;
  const instruction = `Reply with a single JSON object and nothing else. It must be valid against this JSON Schema ('${format.name}'):\n${JSON.stringify(format.schema)}`;
  // Appended to the system message (some servers accept only one, and only first), or a system message of its own.
  const [first, ...rest] = req.messages;
  const messages: ChatMessage[] =
    first?.role === "system" ? [{ ...first, content: `${first.content}\n\n${instruction}` }, ...rest] : [{ role: "system", content: instruction }, ...req.messages];
  return { ...req, messages, responseFormat: { ...format, mode: "json_object" } };
}

export function withJsonObjectFallback(model: LanguageModel, memory: FormatMemory): LanguageModel {
  // Per endpoint: what a server does with response_format does not depend on the model it routes to, as a rule.
  const key = model.baseURL ?? model.provider;
  return {
    provider: model.provider,
    modelId: model.modelId,
    ...(model.baseURL !== undefined ? { baseURL: model.baseURL } : {}),
    async complete(req) {
      if (!req.responseFormat || req.responseFormat.mode === "json_object") return model.complete(req);
      if (memory.rejectsJsonSchema(key)) {
        const r = await model.complete(asJsonObjectRequest(req));
        return { ...r, warnings: [...r.warnings, `response_format json_object (${key} rejects json_schema)`] };
      }
      try {
        return await model.complete(req);
      } catch (e) {
        if (!rejectsJsonSchema(e)) throw e;
        memory.remember(key);
        const r = await model.complete(asJsonObjectRequest(req));
        return { ...r, warnings: [...r.warnings, `${key} rejected response_format json_schema (${(e as Error).message.slice(0, 160)}); using json_object with the schema in the prompt from now on`] };
      }
    },
    ...(model.forget ? { forget: (req: CompletionRequest) => model.forget!(req) } : {}),
  };
}
