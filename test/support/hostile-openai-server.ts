// An OpenAI-compatible server that attacks its client: real HTTP on 127.0.0.1, answering Chat Completions
// (non-streamed) like the fake server, but free to say anything a compromised or broken provider could: usage counts
// that cannot be true, error bodies that quote the request headers (the API key with them), replies that carry the key.
// The answers themselves come from a handler (usually the scripted team), so a test attacks one step and lets the
// rest of the run go on as usual.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { buildAnswer, chatCompletion, usageFor, type FakeChatRequest, type FakeReply, type FakeUsage } from "./fake-openai-replies.ts";

/** What the server may send instead of an honest answer. */
export type HostileReply =
  | FakeReply
  /** An honest answer, with the usage block replaced (negative, fractional, absurd, or missing: null). */
  | (FakeReply & { usage: Partial<FakeUsage> | null })
  /** Any status and JSON body, e.g. a 400 quoting the request. */
  | { status: number; body: unknown };

export type HostileHandler = (req: FakeChatRequest) => HostileReply;

export interface HostileServer {
  handler: HostileHandler;
  /** Every chat request received, in order, with its headers. */
  readonly requests: FakeChatRequest[];
  readonly url: string;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export function createHostileServer(handler: HostileHandler): HostileServer {
  const requests: FakeChatRequest[] = [];
  const sockets = new Set<Socket>();
  let url = "";
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      try {
        answer(req.method ?? "", req.url ?? "", req.headers, Buffer.concat(parts).toString("utf8"), res);
      } catch (e) {
        send(res, 400, { error: { message: `hostile server handler failed: ${(e as Error).message}`, type: "invalid_request_error", code: null } });
      }
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });

  function answer(method: string, path: string, headers: IncomingHttpHeaders, text: string, res: ServerResponse): void {
    if (method !== "POST" || !path.startsWith("/v1/chat/completions")) return send(res, 404, { error: { message: `no route for ${method} ${path}`, type: "invalid_request_error", code: null } });
    const b = JSON.parse(text) as Record<string, unknown>;
    const chat: FakeChatRequest = {
      model: String(b.model ?? ""),
      messages: Array.isArray(b.messages) ? (b.messages as FakeChatRequest["messages"]) : [],
      response_format: b.response_format as FakeChatRequest["response_format"],
      tools: b.tools as FakeChatRequest["tools"],
      stream: b.stream === true,
      body: b,
      headers,
      index: requests.length,
    };
    requests.push(chat);
    if (chat.stream) throw new Error("the hostile server answers non-streamed requests only");
    const reply = api.handler(chat);
    if ("status" in reply && "body" in reply) return send(res, reply.status, reply.body);
    const honest = buildAnswer(reply, chat.index);
    const completion = chatCompletion(chat, honest, usageFor(chat.messages, honest)) as Record<string, unknown>;
    if ("usage" in reply) {
      if (reply.usage === null) delete completion.usage;
      else completion.usage = { ...(completion.usage as object), ...reply.usage };
    }
    send(res, 200, completion);
  }

  const api: HostileServer = {
    handler,
    requests,
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
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
  return api;
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
