import { describe, expect, it } from "vitest";
import { LlmApiError } from "./errors.ts";
import { asJsonObjectRequest, processFormatMemory, rejectsJsonSchema, withJsonObjectFallback } from "./json-object-fallback.ts";
import type { CompletionRequest, CompletionResult, LanguageModel } from "./types.ts";

const req: CompletionRequest = { messages: [{ role: "system", content: "sys" }, { role: "user", content: "hi" }], responseFormat: { name: "r", schema: { type: "object" } } };
const ok = (content: string): CompletionResult => ({ content, toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, finishReason: "stop", warnings: [], raw: { request: null, response: null }, cached: false, latencyMs: 1 });

describe("json_object fallback", () => {
  it("knows the 400 that names the response format, and no other error", () => {
    expect(rejectsJsonSchema(new LlmApiError("400 response_format json_schema is not supported", { status: 400 }))).toBe(true);
    expect(rejectsJsonSchema(new LlmApiError("400 bad request", { status: 400, responseBody: { message: "Unknown parameter: response_format.json_schema" } }))).toBe(true);
    expect(rejectsJsonSchema(new LlmApiError("400 context length exceeded", { status: 400 }))).toBe(false);
    expect(rejectsJsonSchema(new LlmApiError("500 response_format crashed", { status: 500 }))).toBe(false);
    expect(rejectsJsonSchema(new Error("response_format"))).toBe(false);
  });

  it("puts the schema in the system message and asks for json_object", () => {
    const r = asJsonObjectRequest(req);
    expect(r.responseFormat).toMatchObject({ mode: "json_object", name: "r" });
    expect(r.messages[0]).toEqual({ role: "system", content: 'sys\n\nReply with a single JSON object and nothing else. It must be valid against this JSON Schema (\'r\'):\n{"type":"object"}' });
    expect(r.messages.slice(1)).toEqual(req.messages.slice(1));
  });

  it("learns once per endpoint and remembers", async () => {
    const seen: (string | undefined)[] = [];
    const inner: LanguageModel = {
      provider: "p",
      modelId: "m",
      baseURL: "http://x/v1",
      async complete(q) {
        seen.push(q.responseFormat?.mode ?? "json_schema");
        if (q.responseFormat?.mode !== "json_object") throw new LlmApiError("400 'response_format' of type json_schema is not supported", { status: 400 });
        return ok("{}");
      },
    };
    const learned: string[] = [];
    const memory = processFormatMemory((k) => learned.push(k));
    const model = withJsonObjectFallback(inner, memory);
    const first = await model.complete(req);
    await model.complete(req);
    await withJsonObjectFallback(inner, memory).complete(req);
    expect(seen).toEqual(["json_schema", "json_object", "json_object", "json_object"]);
    expect(learned).toEqual(["http://x/v1"]);
    expect(first.warnings[0]).toMatch(/rejected response_format json_schema/);
  });
});
