// The fake must behave like the real API on the wire, or the client tests above it prove nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeOpenAIServer, estimateTokens, replySequence, type FakeOpenAIServer } from "./fake-openai-server.ts";

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = createFakeOpenAIServer();
  await server.start();
});
afterEach(() => server.stop());

const post = (body: object, signal?: AbortSignal) =>
  fetch(`${server.url}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer t" },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
const user = (content: string) => ({ model: "m", messages: [{ role: "user", content }] });

describe("fake OpenAI server", () => {
  it("listens on 127.0.0.1 and lists models", async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${server.url}/models`);
    expect(await res.json()).toMatchObject({ object: "list", data: [{ id: "fake-small", object: "model" }, { id: "fake-large" }] });
    expect(server.requests[0]).toMatchObject({ method: "GET", path: "/v1/models" });
  });

  it("answers a chat.completion with estimated usage and records the request", async () => {
    server.handler = () => ({ json: { ok: true } });
    const res = await post(user("12345678"));
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: '{"ok":true}' }, finish_reason: "stop" }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
    expect(typeof body.id).toBe("string");
    expect(typeof body.created).toBe("number");
    expect(server.requests[0]).toMatchObject({ method: "POST", path: "/v1/chat/completions", body: user("12345678") });
    expect(server.requests[0]!.headers.authorization).toBe("Bearer t");
    expect(estimateTokens("12345")).toBe(2);
  });

  it("streams chat.completion.chunk events, a usage chunk when asked, and [DONE]", async () => {
    server.handler = () => ({ content: "abcdefghij" });
    const res = await post({ ...user("hi"), stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const events = (await res.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")) as Record<string, any>);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("abcdefghij");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("stop");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 3 } });
  });

  it("sends no usage chunk unless include_usage is set", async () => {
    const res = await post({ ...user("hi"), stream: true });
    const text = await res.text();
    expect(text).not.toContain('"usage"');
  });

  it("signals a rate limit the way OpenAI does", async () => {
    server.handler = () => ({ fault: "rate-limit", retryAfterSeconds: 2 });
    const res = await post(user("hi"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(await res.json()).toMatchObject({ error: { type: "requests", code: "rate_limit_exceeded" } });
  });

  it("turns a handler that throws into a 400 naming the problem", async () => {
    server.handler = replySequence({ content: "only one" });
    await post(user("a"));
    const res = await post(user("b"));
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("script exhausted");
  });

  it("delays answers by the injected latency", async () => {
    server.handler = () => ({ content: "slow", latencyMs: 120 });
    const started = performance.now();
    await post(user("hi"));
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("stops promptly while requests hang and while a client holds a connection", async () => {
    const slow = createFakeOpenAIServer({ handler: () => ({ fault: "hang" }), latencyMs: 60_000 });
    const url = await slow.start();
    const pending = fetch(`${url}/chat/completions`, { method: "POST", body: JSON.stringify(user("hi")) }).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await slow.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error); // the client sees the connection go, not an answer
    expect(slow.requests).toHaveLength(1);
  });
});

describe("paced like a real model (the bench at realistic latency)", () => {
  it("sends the first token after the time to first token, and the rest at the drawn tokens per second", async () => {
    const paced = createFakeOpenAIServer({ handler: () => ({ content: "x".repeat(400) }), pace: () => ({ firstTokenMs: 150, tokensPerSecond: 500 }) });
    await paced.start();
    try {
      // 400 characters ≈ 100 tokens at 500 tokens/s: 200 ms of generation after the first token.
      const t0 = performance.now();
      const whole = await fetch(`${paced.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user("hi")) });
      await whole.json();
      const unstreamed = performance.now() - t0;
      expect(unstreamed).toBeGreaterThanOrEqual(340);

      const t1 = performance.now();
      const res = await fetch(`${paced.url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...user("hi"), stream: true }) });
      const reader = res.body!.getReader();
      await reader.read();
      const first = performance.now() - t1;
      let text = "";
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      const all = performance.now() - t1;
      expect(first).toBeGreaterThanOrEqual(140);
      expect(first).toBeLessThan(300);
      expect(all).toBeGreaterThanOrEqual(320);
      expect(text).toContain("data: [DONE]");
    } finally {
      await paced.stop();
    }
  });
});
