// What the fake server says: scripted replies turned into chat.completion objects or chat.completion.chunk streams,
// with token counts estimated the way tests can predict (≈ 4 characters per token).
import type { IncomingHttpHeaders } from "node:http";

export interface FakeMessage {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
  name?: string;
}

export interface FakeChatRequest {
  model: string;
  messages: FakeMessage[];
  response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  stream: boolean;
  /** The whole parsed body, for asserting on fields this type does not name. */
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  /** How many chat requests came before this one. */
  index: number;
}

export type FakeReply = (
  | { content: string; finishReason?: string }
  | { json: unknown }
  | { toolCalls: { name: string; arguments: string | object; id?: string }[]; content?: string }
  | { fault: "rate-limit"; retryAfterSeconds?: number; retryAfterMs?: number }
  | { fault: "server-error"; status?: number }
  | { fault: "hang" }
  /** Sends headers and the first half of the answer, then goes silent: a stream that stalls mid-answer. */
  | { fault: "stall"; content: string }
  | { fault: "invalid-json"; content?: string }
  | { fault: "schema-break"; json: unknown }
  | { fault: "truncated"; json?: unknown; content?: string }
) & { latencyMs?: number };

export interface Answer {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Characters the model "read" or "wrote" in a message: its text plus any tool-call arguments. */
function messageText(m: { content?: unknown; tool_calls?: { function: { arguments: string } }[] }): string {
  const content = typeof m.content === "string" ? m.content : m.content == null ? "" : JSON.stringify(m.content);
  return content + (m.tool_calls ?? []).map((c) => c.function.arguments).join("");
}

export function usageFor(messages: FakeMessage[], answer: Answer): FakeUsage {
  const prompt_tokens = estimateTokens(messages.map(messageText).join(""));
  const written = (answer.content ?? "") + answer.toolCalls.map((c) => c.arguments).join("");
  const completion_tokens = estimateTokens(written);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

/** Turns a non-error reply into what the assistant says. `n` keeps tool call ids unique across requests. */
export function buildAnswer(reply: FakeReply, n: number): Answer {
  if ("toolCalls" in reply) {
    return {
      content: reply.content ?? null,
      toolCalls: reply.toolCalls.map((c, i) => ({
        id: c.id ?? `call_${n}_${i}`,
        name: c.name,
        arguments: typeof c.arguments === "string" ? c.arguments : JSON.stringify(c.arguments),
      })),
      finishReason: "tool_calls",
    };
  }
  const say = (content: string, finishReason = "stop"): Answer => ({ content, toolCalls: [], finishReason });
  if ("json" in reply && !("fault" in reply)) return say(JSON.stringify(reply.json));
  if ("content" in reply && !("fault" in reply)) return say(reply.content, reply.finishReason);
  if (!("fault" in reply)) throw new Error(`unrecognised reply ${JSON.stringify(reply)}`);
  switch (reply.fault) {
    case "invalid-json":
      return say(reply.content ?? 'Sure! Here is the JSON you asked for: {"title": "unfinished');
    case "stall":
      return say(reply.content);
    case "schema-break":
      return say(JSON.stringify(reply.json));
    case "truncated": {
      const full = reply.content ?? JSON.stringify(reply.json ?? { summary: "a long answer that the token limit cut" });
      return say(full.slice(0, Math.ceil(full.length / 2)), "length");
    }
    default:
      throw new Error(`fault '${reply.fault}' has no answer body`);
  }
}

function assistantMessage(answer: Answer) {
  return {
    role: "assistant",
    content: answer.content,
    refusal: null,
    ...(answer.toolCalls.length
      ? {
          tool_calls: answer.toolCalls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: c.arguments },
          })),
        }
      : {}),
  };
}

export function chatCompletion(req: FakeChatRequest, answer: Answer, usage: FakeUsage) {
  return {
    id: `chatcmpl-fake-${req.index}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: req.model,
    system_fingerprint: "fp_fake",
    choices: [{ index: 0, message: assistantMessage(answer), logprobs: null, finish_reason: answer.finishReason }],
    usage,
  };
}

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The chunk sequence OpenAI sends: role first, content deltas, tool-call deltas, finish, then usage if asked. */
export function sseChunks(req: FakeChatRequest, answer: Answer, usage: FakeUsage | undefined, size: number): object[] {
  const base = { id: `chatcmpl-fake-${req.index}`, object: "chat.completion.chunk", created: 0, model: req.model };
  // With include_usage OpenAI puts `usage: null` on every chunk but the last.
  const chunk = (delta: object, finish_reason: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    ...(usage ? { usage: null } : {}),
  });
  const out: object[] = [chunk({ role: "assistant", content: answer.content === null ? null : "" })];
  for (const p of pieces(answer.content ?? "", size)) out.push(chunk({ content: p }));
  answer.toolCalls.forEach((c, index) => {
    out.push(chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }));
    for (const p of pieces(c.arguments, size)) out.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
  });
  out.push(chunk({}, answer.finishReason));
  if (usage) out.push({ ...base, choices: [], usage });
  return out;
}
