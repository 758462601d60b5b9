import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createFakeOpenAIServer, replySequence, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { LlmAbortedError, LlmApiError, LlmConfigError, LlmTimeoutError } from "./errors.ts";
import { createOpenAIModel, type OpenAIModelSettings } from "./openai-model.ts";
import type { ChatMessage } from "./types.ts";

let server: FakeOpenAIServer;
let sleeps: number[];
const sleep = async (ms: number) => void sleeps.push(ms);

beforeEach(async () => {
  server = createFakeOpenAIServer();
  await server.start();
  sleeps = [];
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await server.stop();
});

const model = (extra: Partial<OpenAIModelSettings> = {}) =>
  createOpenAIModel({ model: "fake-small", baseURL: server.url, apiKey: "sk-test", sleep, random: () => 0.5, ...extra });
const ask = (content: string): { messages: ChatMessage[] } => ({ messages: [{ role: "user", content }] });

describe.each([false, true])("createOpenAIModel (stream: %s)", (stream) => {
  it("leaves no resource-timing entries behind: a long run never fills Node's buffer of 250", async () => {
    server.handler = () => ({ content: "ok" });
    const m = model({ stream });
    for (let i = 0; i < 3; i++) await m.complete(ask(`call ${i}`));
    expect(performance.getEntriesByType("resource")).toHaveLength(0);
  });

  it("returns content, usage and finish reason, and sends what it says it sent", async () => {
    server.handler = () => ({ content: "The answer is forty-two." }); // 24 chars → 6 tokens
    const r = await model({ stream }).complete({ ...ask("What is six times seven?"), temperature: 0.2, maxOutputTokens: 50 });
    expect(r.content).toBe("The answer is forty-two.");
    expect(r.finishReason).toBe("stop");
    expect(r.usage).toEqual({ inputTokens: 6, outputTokens: 6 }); // prompt is 24 chars too
    expect(r.toolCalls).toEqual([]);
    expect(r.cached).toBe(false);
    expect(r.warnings).toEqual([]);
    const sent = server.chatRequests[0]!;
    expect(sent.model).toBe("fake-small");
    expect(sent.stream).toBe(stream);
    expect(sent.body.temperature).toBe(0.2);
    expect(sent.body.max_tokens).toBe(50); // a custom base URL means a compatible server
    expect(sent.headers.authorization).toBe("Bearer sk-test");
    if (stream) expect(sent.body.stream_options).toEqual({ include_usage: true });
    expect(r.raw.request).toMatchObject({ model: "fake-small", messages: ask("What is six times seven?").messages });
    expect(r.raw.response).toMatchObject({ object: "chat.completion", choices: [{ finish_reason: "stop" }] });
  });

  it("assembles several tool calls with their ids and full arguments", async () => {
    const args = { query: "weather in Lisbon tomorrow", limit: 3 };
    server.handler = () => ({ toolCalls: [{ name: "search", arguments: args }, { name: "clock", arguments: {}, id: "call_x" }] });
    const r = await model({ stream }).complete({
      ...ask("weather?"),
      tools: [{ name: "search", description: "web search", parameters: { type: "object" } }],
    });
    expect(r.finishReason).toBe("tool_calls");
    expect(r.toolCalls).toEqual([
      { id: "call_0_0", name: "search", arguments: JSON.stringify(args) },
      { id: "call_x", name: "clock", arguments: "{}" },
    ]);
    expect(r.usage.outputTokens).toBe(Math.ceil((JSON.stringify(args) + "{}").length / 4));
    expect(server.chatRequests[0]!.tools).toEqual([
      { type: "function", function: { name: "search", description: "web search", parameters: { type: "object" } } },
    ]);
  });

  it("reports a truncated reply as finishReason length", async () => {
    server.handler = () => ({ fault: "truncated", content: "0123456789" });
    const r = await model({ stream }).complete(ask("long please"));
    expect(r).toMatchObject({ content: "01234", finishReason: "length" });
  });

  it("turns a hung server into LlmTimeoutError within the timeout", async () => {
    server.handler = () => ({ fault: "hang" });
    const started = performance.now();
    const err = await model({ stream, timeoutMs: 150, maxRetries: 0 }).complete(ask("hello")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 150, isRetryable: true });
    expect(performance.now() - started).toBeLessThan(2000);
  });
  it("times out an answer that stalls after it started, instead of returning half of it", async () => {
    server.handler = replySequence({ fault: "stall", content: "a long and thorough answer" }, { content: "whole" });
    const r = await model({ stream, timeoutMs: 150, maxRetries: 1 }).complete(ask("hello"));
    expect(r.content).toBe("whole");
    expect(r.warnings[0]).toMatch(/LlmTimeoutError/);
  });
});

describe("createOpenAIModel retries", () => {
  it("waits exactly what Retry-After asks on 429, then succeeds", async () => {
    server.handler = replySequence({ fault: "rate-limit", retryAfterSeconds: 7 }, { content: "ok" });
    const r = await model().complete(ask("hi"));
    expect(r.content).toBe("ok");
    expect(sleeps).toEqual([7000]);
    expect(server.chatRequests).toHaveLength(2);
    expect(r.warnings).toEqual([expect.stringMatching(/^retry 1 after 7000 ms: LlmApiError/)]);
  });

  it("prefers retry-after-ms, OpenAI's precise header", async () => {
    server.handler = replySequence({ fault: "rate-limit", retryAfterSeconds: 7, retryAfterMs: 1250 }, { content: "ok" });
    await model().complete(ask("hi"));
    expect(sleeps).toEqual([1250]);
  });

  it("retries 500s with jittered exponential backoff", async () => {
    server.handler = replySequence({ fault: "server-error" }, { fault: "server-error" }, { content: "fine" });
    const r = await model({ retryBaseDelayMs: 100 }).complete(ask("hi"));
    expect(r.content).toBe("fine");
    expect(sleeps).toEqual([50, 100]); // random 0.5 × (100, 200)
  });

  it("gives up after maxRetries with the last status", async () => {
    server.handler = () => ({ fault: "server-error", status: 503 });
    const err = await model({ maxRetries: 2 }).complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmApiError);
    expect(err).toMatchObject({ status: 503, isRetryable: true });
    expect(server.chatRequests).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    server.handler = () => ({ fault: "server-error", status: 400 });
    const err = await model().complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "LlmApiError", status: 400, isRetryable: false });
    expect(server.chatRequests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("retries after a timeout and returns the second answer", async () => {
    server.handler = replySequence({ fault: "hang" }, { content: "back" });
    const started = performance.now();
    const r = await model({ timeoutMs: 150, maxRetries: 1 }).complete(ask("hi"));
    expect(r.content).toBe("back");
    expect(r.warnings[0]).toMatch(/LlmTimeoutError/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(server.chatRequests).toHaveLength(2);
  });

  it("treats a cancellation by the caller as final", async () => {
    server.handler = () => ({ fault: "hang" });
    const controller = new AbortController();
    const pending = model({ timeoutMs: 10_000 }).complete({ ...ask("hi"), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toBeInstanceOf(LlmAbortedError);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("reports an unreachable server as a retryable LlmApiError without status", async () => {
    const url = server.url;
    await server.stop();
    const err = await createOpenAIModel({ model: "m", baseURL: url, maxRetries: 1, sleep }).complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmApiError);
    expect(err).toMatchObject({ status: undefined, isRetryable: true });
    expect(sleeps).toHaveLength(1);
  });
});

describe("createOpenAIModel configuration", () => {
  it("with neither key nor base URL fails at the first call, explaining both ways to configure", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    vi.stubEnv("OPENAI_BASE_URL", "");
    const m = createOpenAIModel({ model: "gpt-4o-mini" }); // constructing needs no key (ateams plan)
    const err = await m.complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmConfigError);
    expect((err as Error).message).toContain("OPENAI_API_KEY");
    expect((err as Error).message).toContain("http://localhost:11434/v1");
  });

  it("uses a placeholder key for a local server and reads OPENAI_BASE_URL", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    vi.stubEnv("OPENAI_BASE_URL", server.url);
    const m = createOpenAIModel({ model: "llama3" });
    expect(m.baseURL).toBe(server.url);
    await m.complete(ask("hi"));
    expect(server.chatRequests[0]!.headers.authorization).toBe("Bearer ollama");
  });

  it("refuses a remote base URL without a key", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const err = await createOpenAIModel({ model: "m", baseURL: "https://llm.example.com/v1" }).complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmConfigError);
  });

  it("reads OPENAI_API_KEY when first needed, not when created", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const m = createOpenAIModel({ model: "m", baseURL: server.url });
    vi.stubEnv("OPENAI_API_KEY", "sk-late");
    await m.complete(ask("hi"));
    expect(server.chatRequests[0]!.headers.authorization).toBe("Bearer sk-late");
  });

  it("sends every request through an injected fetch", async () => {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => (urls.push(String(input)), globalThis.fetch(input, init));
    await model({ fetch }).complete(ask("hi"));
    expect(urls).toEqual([`${server.url}/chat/completions`]);
  });

  it("drops settings the API would reject, with a warning", async () => {
    const r = await model().complete({ ...ask("hi"), temperature: 5, maxOutputTokens: 0 });
    expect(r.warnings).toHaveLength(2);
    expect(server.chatRequests[0]!.body).not.toHaveProperty("temperature");
    expect(server.chatRequests[0]!.body).not.toHaveProperty("max_tokens");
  });
});
