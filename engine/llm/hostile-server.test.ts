// The model adapter against a hostile OpenAI-compatible server on 127.0.0.1 (real HTTP, scripted byte by byte):
// usage missing, negative or absurd; replies far past max_tokens, plain and streamed (one never ends); a server that
// never answers; refusals. Budgets are only as good as the counts and caps these tests hold.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LlmTimeoutError } from "./errors.ts";
import { createOpenAIModel, type OpenAIModelSettings } from "./openai-model.ts";
import { LlmRefusalError, LlmReplyTooLargeError } from "./reply-errors.ts";
import { completeStructured } from "./structured.ts";

type Script = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => void;

let server: Server;
let url: string;
let script: Script;
let requests: Record<string, unknown>[];
let bytesSent: number;
const sockets = new Set<Socket>();

beforeEach(async () => {
  requests = [];
  bytesSent = 0;
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<string, unknown>;
      requests.push(body);
      script(req, res, body);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const model = (extra: Partial<OpenAIModelSettings> = {}) => createOpenAIModel({ model: "hostile", baseURL: url, apiKey: "sk-test", sleep: async () => {}, ...extra });
const ask = (content: string, maxOutputTokens?: number) => ({ messages: [{ role: "user" as const, content }], ...(maxOutputTokens ? { maxOutputTokens } : {}) });

function completion(message: Record<string, unknown>, extra: Record<string, unknown> = {}, finish = "stop") {
  return { id: "x", object: "chat.completion", created: 0, model: "hostile", choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish, logprobs: null }], ...extra };
}

function send(res: ServerResponse, value: unknown): void {
  const text = JSON.stringify(value);
  bytesSent += text.length;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(text);
}

describe("usage the server reports", () => {
  const question = "Summarise the launch plan in one paragraph, please. ".repeat(20); // ~1 KB
  const answer = "The launch plan has four streams that run in parallel. ".repeat(10); // ~550 B

  it.each([
    ["missing", undefined],
    ["negative", { prompt_tokens: -5_000, completion_tokens: -1, total_tokens: -5_001 }],
    ["absurdly large", { prompt_tokens: 9e15, completion_tokens: 1e12, total_tokens: 1e12 }],
    ["not numbers", { prompt_tokens: "lots", completion_tokens: null }],
    ["zero for a long reply", { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }],
  ])("%s: counted from the text instead, with a warning", async (_, usage) => {
    script = (_req, res) => send(res, completion({ content: answer }, usage ? { usage } : {}));
    const r = await model().complete(ask(question, 500));
    // ~4 bytes a token: the estimate, not the server's number.
    expect(r.usage.inputTokens).toBeGreaterThanOrEqual(Math.ceil(question.length / 4));
    expect(r.usage.inputTokens).toBeLessThan(question.length);
    expect(r.usage.outputTokens).toBe(Math.ceil(answer.length / 4));
    expect(r.warnings.join("\n")).toMatch(usage ? /server reported .* tokens, impossible/ : /server reported no token usage; estimated/);
  });

  it("a plausible count is the server's, untouched (it is what is billed)", async () => {
    script = (_req, res) => send(res, completion({ content: answer }, { usage: { prompt_tokens: 260, completion_tokens: 120, total_tokens: 380 } }));
    const r = await model().complete(ask(question, 500));
    expect(r.usage).toEqual({ inputTokens: 260, outputTokens: 120 });
    expect(r.warnings).toEqual([]);
  });

  it("output above the text is plausible up to max_tokens (silent reasoning), not beyond", async () => {
    script = (_req, res) => send(res, completion({ content: "ok" }, { usage: { prompt_tokens: 10, completion_tokens: 480, total_tokens: 490 } }));
    expect((await model().complete(ask("hello there", 500))).usage.outputTokens).toBe(480);
    expect((await model().complete(ask("hello there", 100))).usage.outputTokens).toBe(1);
  });
});

describe("a reply far longer than max_tokens", () => {
  it("plain: reading stops at the cap, the call fails as too large and still counts what was read", async () => {
    const huge = "x".repeat(50 * 1024 * 1024); // 50 MB for a call that allows 100 tokens
    let delivered = false;
    script = (_req, res) => {
      res.on("finish", () => (delivered = true));
      send(res, completion({ content: huge }, { usage: { prompt_tokens: 5, completion_tokens: 100, total_tokens: 105 } }));
    };
    const err = await model().complete(ask("hi", 100)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmReplyTooLargeError);
    expect((err as LlmReplyTooLargeError).isRetryable).toBe(false);
    expect((err as Error).message).toMatch(/ignored max_tokens/);
    // Counted: what was read (about the cap: 100 tokens x 16 bytes + slack, x2 for the JSON body), not zero.
    const read = (err as LlmReplyTooLargeError).result.usage.outputTokens;
    expect(read).toBeGreaterThan(100);
    expect(read).toBeLessThan(100_000);
    // The client hung up long before the 50 MB were through: they were never held in memory.
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered).toBe(false);
    expect(requests).toHaveLength(1); // not retried: it would only do the same
  });

  it("streamed without end: reading stops at the cap instead of waiting for a [DONE] that never comes", async () => {
    script = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const chunk = (i: number) => `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "hostile", choices: [{ index: 0, delta: { content: `word${i} `.repeat(50) }, finish_reason: null }] })}\n\n`;
      let i = 0;
      const pump = () => {
        while (!res.destroyed && res.write(chunk(i++))) bytesSent += 1;
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    };
    const t0 = Date.now();
    const err = await model({ stream: true, timeoutMs: 20_000 }).complete(ask("hi", 200)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmReplyTooLargeError);
    expect(Date.now() - t0).toBeLessThan(10_000); // well before the timeout: the cap, not the clock, stopped it
    expect((err as LlmReplyTooLargeError).result.usage.outputTokens).toBeLessThanOrEqual(Math.ceil((200 * 16 + 4096 + 500) / 4));
  });

  it("the tier's maxOutputTokens is sent when a call sets none, and holds the read", async () => {
    script = (_req, res) => send(res, completion({ content: "y".repeat(1_000_000) }));
    const err = await model({ maxOutputTokens: 64 }).complete(ask("hi")).catch((e: unknown) => e);
    expect(requests[0]!.max_tokens).toBe(64);
    expect(err).toBeInstanceOf(LlmReplyTooLargeError);
  });
});

describe("a server that never answers", () => {
  it("each attempt ends at the per-call timeout, and the retries are bounded", async () => {
    script = () => {}; // headers never come
    const t0 = Date.now();
    const err = await model({ timeoutMs: 300, maxRetries: 1 }).complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmTimeoutError);
    expect((err as LlmTimeoutError).timeoutMs).toBe(300);
    expect(requests).toHaveLength(2);
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it("one that starts a stream and then goes silent is stopped the same way", async () => {
    script = (_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(`data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "hostile", choices: [{ index: 0, delta: { content: "Hel" }, finish_reason: null }] })}\n\n`);
    };
    const err = await model({ stream: true, timeoutMs: 300, maxRetries: 0 }).complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmTimeoutError);
  });
});

describe("a refusal", () => {
  const schema = { type: "object", required: ["answer"], properties: { answer: { type: "string" } }, additionalProperties: false };

  it.each([false, true])("message.refusal is a refusal error, not 'not valid JSON' (stream: %s)", async (stream) => {
    script = (_req, res) => {
      if (!stream) return send(res, completion({ content: null, refusal: "I can't help with that." }, { usage: { prompt_tokens: 20, completion_tokens: 7, total_tokens: 27 } }));
      res.writeHead(200, { "content-type": "text/event-stream" });
      const c = (delta: object, finish: string | null) => `data: ${JSON.stringify({ id: "x", object: "chat.completion.chunk", created: 0, model: "hostile", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(c({ role: "assistant", refusal: "I can't " }, null) + c({ refusal: "help with that." }, null) + c({}, "stop") + "data: [DONE]\n\n");
    };
    const err = await completeStructured([model({ stream })], { name: "answer", schema, messages: [{ role: "user", content: "do the thing" }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRefusalError);
    expect((err as Error).message).toBe("the model refused: I can't help with that.");
    expect((err as Error).message).not.toMatch(/JSON/);
    expect((err as LlmRefusalError).result.usage.outputTokens).toBeGreaterThan(0);
    expect(requests).toHaveLength(1); // no repair turn, no retry
  });

  it("finish_reason content_filter is a refusal too", async () => {
    script = (_req, res) => send(res, completion({ content: '{"answer": "partial' }, { usage: { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 } }, "content_filter"));
    const err = await model().complete(ask("hi")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmRefusalError);
    expect((err as Error).message).toMatch(/content filter/);
  });
});
