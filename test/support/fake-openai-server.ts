// A real HTTP server speaking OpenAI Chat Completions on 127.0.0.1, scripted per request, for tests and offline
// end-to-end runs. Real sockets (not nock) so the SDK's fetch, SSE parsing, aborts and timeouts are all exercised.
import { hashedEmbedding } from "./hashed-embedding.ts";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { buildAnswer, chatCompletion, sseChunks, usageFor, type FakeChatRequest, type FakeReply } from "./fake-openai-replies.ts";

export type { FakeChatRequest, FakeReply } from "./fake-openai-replies.ts";
export { estimateTokens } from "./fake-openai-replies.ts";

export type FakeHandler = (req: FakeChatRequest) => FakeReply | Promise<FakeReply>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface FakeOpenAIServerOptions {
  /** Decides each chat reply; defaults to `{ content: "ok" }`. Replaceable later through `server.handler`. */
  handler?: FakeHandler;
  /** Delay before answering, for every request or computed per request; a reply's own latencyMs wins. */
  latencyMs?: number | ((req: FakeChatRequest) => number);
  models?: string[];
  /** Characters per streamed content/arguments delta; small so assembly across many chunks is exercised. */
  chunkSize?: number;
  /**
   * Paces each reply as a real model does, after `latencyMs`: the first token after `firstTokenMs`, then the reply's
   * completion tokens at `tokensPerSecond` — streamed over that time when the request streams, else sent at the end.
   */
  pace?: (req: FakeChatRequest, completionTokens: number) => { firstTokenMs: number; tokensPerSecond: number };
}

export interface FakeOpenAIServer {
  handler: FakeHandler;
  /** Every request received, in order, including ones that hung or failed. */
  readonly requests: RecordedRequest[];
  /** Just the chat completion bodies, in order. */
  readonly chatRequests: FakeChatRequest[];
  /** The texts of each /embeddings request, in order. */
  readonly embeddingRequests: string[][];
  /** Base URL ending in /v1; valid after start(). */
  readonly url: string;
  start(): Promise<string>;
  stop(): Promise<void>;
}

/** Serves the given replies in order, one per chat request; a request past the end fails the test loudly. */
export function replySequence(...replies: FakeReply[]): FakeHandler {
  let next = 0;
  return () => {
    const reply = replies[next++];
    if (!reply) throw new Error(`script exhausted: only ${replies.length} replies were scripted`);
    return reply;
  };
}

export function createFakeOpenAIServer(options: FakeOpenAIServerOptions = {}): FakeOpenAIServer {
  const requests: RecordedRequest[] = [];
  const chatRequests: FakeChatRequest[] = [];
  const embeddingRequests: string[][] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const models = options.models ?? ["fake-small", "fake-large"];
  let url = "";

  const wait = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      res.once("close", done); // the client gave up: stop waiting, the answer would go nowhere
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, `fake-openai-server crashed: ${String(err)}`, "server_error");
      else res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      requests.push({ method: req.method ?? "", path, headers: req.headers, body: text });
      return sendError(res, 400, "body is not JSON", "invalid_request_error");
    }
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });

    if (req.method === "GET" && path === "/v1/models") {
      const data = models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake-openai-server" }));
      return sendJson(res, 200, { object: "list", data });
    }
    if (req.method === "POST" && path === "/v1/embeddings") {
      const b = (body ?? {}) as { input?: unknown; model?: unknown };
      const input = typeof b.input === "string" ? [b.input] : Array.isArray(b.input) && b.input.every((i) => typeof i === "string") ? (b.input as string[]) : undefined;
      if (!input?.length || typeof b.model !== "string") return sendError(res, 400, "input (a string or strings) and model are required", "invalid_request_error");
      const tokens = input.reduce((n, t) => n + Math.ceil(t.length / 4), 0);
      embeddingRequests.push(input);
      return sendJson(res, 200, { object: "list", model: b.model, data: input.map((t, index) => ({ object: "embedding", index, embedding: hashedEmbedding(t) })), usage: { prompt_tokens: tokens, total_tokens: tokens } });
    }
    if (req.method !== "POST" || path !== "/v1/chat/completions") {
      return sendError(res, 404, `no route for ${req.method} ${path}`, "invalid_request_error");
    }

    const b = (body ?? {}) as Record<string, unknown>;
    const chat: FakeChatRequest = {
      model: String(b.model ?? ""),
      messages: Array.isArray(b.messages) ? (b.messages as FakeChatRequest["messages"]) : [],
      response_format: b.response_format as FakeChatRequest["response_format"],
      tools: b.tools as FakeChatRequest["tools"],
      stream: b.stream === true,
      body: b,
      headers: req.headers,
      index: chatRequests.length,
    };
    chatRequests.push(chat);

    let reply: FakeReply;
    try {
      reply = await api.handler(chat);
    } catch (err) {
      // 400 is not retryable, so a broken script fails the test at once instead of being retried into a timeout.
      return sendError(res, 400, `fake-openai-server handler failed: ${(err as Error).message}`, "invalid_request_error");
    }
    const latency =
      reply.latencyMs ?? (typeof options.latencyMs === "function" ? options.latencyMs(chat) : (options.latencyMs ?? 0));
    if (latency > 0) await wait(latency, res);
    if (res.destroyed) return;

    if ("fault" in reply && reply.fault === "hang") return; // hold the socket open; stop() destroys it
    if ("fault" in reply && reply.fault === "rate-limit") {
      if (reply.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(reply.retryAfterSeconds));
      if (reply.retryAfterMs !== undefined) res.setHeader("retry-after-ms", String(reply.retryAfterMs));
      return sendError(res, 429, "Rate limit reached for requests", "requests", "rate_limit_exceeded");
    }
    if ("fault" in reply && reply.fault === "server-error") {
      return sendError(res, reply.status ?? 500, "The server had an error while processing your request.", "server_error");
    }

    const answer = buildAnswer(reply, chat.index);
    const usage = usageFor(chat.messages, answer);
    const stall = "fault" in reply && reply.fault === "stall";
    const pace = options.pace?.(chat, usage.completion_tokens);
    const generationMs = pace ? (usage.completion_tokens / pace.tokensPerSecond) * 1000 : 0;
    if (pace) await wait(chat.stream ? pace.firstTokenMs : pace.firstTokenMs + generationMs, res);
    if (res.destroyed) return;
    if (!chat.stream) {
      if (!stall) return sendJson(res, 200, chatCompletion(chat, answer, usage));
      const text = JSON.stringify(chatCompletion(chat, answer, usage));
      res.writeHead(200, { "content-type": "application/json" });
      return void res.write(text.slice(0, text.length >> 1));
    }
    const includeUsage = (b.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const events = sseChunks(chat, answer, includeUsage ? usage : undefined, options.chunkSize ?? 4).map(
      (chunk) => `data: ${JSON.stringify(chunk)}\n\n`,
    );
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    if (stall) return void res.write(events.slice(0, events.length >> 1).join(""));
    if (pace && events.length > 1) {
      // The tokens arrive over the generation time, in ten bursts (a timer per chunk would only add noise).
      const bursts = Math.min(10, events.length);
      const per = Math.ceil(events.length / bursts);
      for (let i = 0; i < events.length; i += per) {
        res.write(events.slice(i, i + per).join(""));
        if (i + per < events.length) await wait(generationMs / bursts, res);
        if (res.destroyed) return;
      }
      return void res.end("data: [DONE]\n\n");
    }
    res.end(events.join("") + "data: [DONE]\n\n");
  }

  const api: FakeOpenAIServer = {
    handler: options.handler ?? (() => ({ content: "ok" })),
    requests,
    chatRequests,
    embeddingRequests,
    get url() {
      return url;
    },
    start: () =>
      new Promise<string>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
          resolve(url);
        });
      }),
    // Destroys every socket, hung ones included, so test teardown never waits on a client's keep-alive or abort.
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
  return api;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** OpenAI's error envelope, so the SDK builds its typed errors exactly as it would against the real API. */
function sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null): void {
  sendJson(res, status, { error: { message, type, param: null, code } });
}
