// Unit tests of the wrapper at the HTTP boundary, against the official default endpoint, with nock instead of sockets.
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from "vitest";
import { LlmApiError } from "./errors.ts";
import { createOpenAIModel } from "./openai-model.ts";

const completion = (content: string) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1,
  model: "gpt-4o-mini",
  choices: [{ index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" }],
  usage: { prompt_tokens: 11, completion_tokens: 2, total_tokens: 13 },
});

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});
beforeEach(() => {
  vi.stubEnv("OPENAI_BASE_URL", "");
  vi.stubEnv("OPENAI_API_KEY", "sk-from-env");
});
afterEach(() => {
  vi.unstubAllEnvs();
  nock.cleanAll();
});

it("talks to api.openai.com with the env key, max_completion_tokens and a strict json_schema", async () => {
  let seen: Record<string, unknown> = {};
  const scope = nock("https://api.openai.com", { reqheaders: { authorization: "Bearer sk-from-env" } })
    .post("/v1/chat/completions", (body: Record<string, unknown>) => ((seen = body), true))
    .reply(200, completion('{"ok":true}'));
  const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"], additionalProperties: false };
  const r = await createOpenAIModel({ model: "gpt-4o-mini" }).complete({
    messages: [{ role: "user", content: "ok?" }],
    responseFormat: { name: "verdict", schema },
    maxOutputTokens: 64,
  });
  expect(scope.isDone()).toBe(true);
  expect(r).toMatchObject({ content: '{"ok":true}', usage: { inputTokens: 11, outputTokens: 2 }, finishReason: "stop" });
  expect(seen.max_completion_tokens).toBe(64);
  expect(seen).not.toHaveProperty("max_tokens");
  expect(seen.response_format).toEqual({ type: "json_schema", json_schema: { name: "verdict", schema, strict: true } });
});

it("honours an HTTP-date Retry-After and wraps the final 429 with its status and body", async () => {
  const sleeps: number[] = [];
  const when = new Date(Date.now() + 30_000).toUTCString();
  nock("https://api.openai.com")
    .post("/v1/chat/completions")
    .times(2)
    .reply(429, { error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } }, { "retry-after": when });
  const err = await createOpenAIModel({ model: "gpt-4o-mini", maxRetries: 1, sleep: async (ms) => void sleeps.push(ms) })
    .complete({ messages: [{ role: "user", content: "hi" }] })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LlmApiError);
  const api = err as LlmApiError;
  expect(api.status).toBe(429);
  expect(api.isRetryable).toBe(true);
  expect(api.responseBody).toMatchObject({ code: "rate_limit_exceeded" });
  expect(api.cause).toBeInstanceOf(Error);
  // HTTP dates have one-second resolution, so the wait is within a second of 30 s.
  expect(sleeps).toHaveLength(1);
  expect(sleeps[0]).toBeGreaterThan(28_000);
  expect(sleeps[0]).toBeLessThanOrEqual(30_000);
});

it("maps a connection failure to a retryable LlmApiError and retries it", async () => {
  nock("https://api.openai.com").post("/v1/chat/completions").replyWithError({ code: "ECONNRESET", message: "socket hang up" });
  nock("https://api.openai.com").post("/v1/chat/completions").reply(200, completion("recovered"));
  const r = await createOpenAIModel({ model: "gpt-4o-mini", sleep: async () => {}, random: () => 0 }).complete({
    messages: [{ role: "user", content: "hi" }],
  });
  expect(r.content).toBe("recovered");
  expect(r.warnings[0]).toMatch(/retry 1 after 0 ms: LlmApiError: cannot reach the model server/);
});
