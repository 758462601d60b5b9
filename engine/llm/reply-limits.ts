// How much of a reply is read before the server is taken to have ignored max_tokens. A token is rarely more than a
// few bytes of text (English averages 4); 16 bytes per token leaves room for long whitespace and non-Latin runs,
// and still stops a server that streams megabytes for a call that asked for a thousand tokens.
import type { ChatCompletion } from "openai/resources/chat/completions";

const BYTES_PER_TOKEN_AT_MOST = 16;
const SLACK_BYTES = 4096;
/** JSON escaping and the envelope (ids, usage, tool call framing) on top of the text itself. */
const BODY_OVERHEAD_FACTOR = 2;
const BODY_SLACK_BYTES = 64 * 1024;

export interface ReadLimits {
  /** Bytes of reply text (content, refusal, tool names and arguments). */
  textBytes: number;
  /** Bytes of a whole non-streamed response body. */
  bodyBytes: number;
}

export function readLimits(maxOutputTokens: number): ReadLimits {
  const textBytes = maxOutputTokens * BYTES_PER_TOKEN_AT_MOST + SLACK_BYTES;
  return { textBytes, bodyBytes: textBytes * BODY_OVERHEAD_FACTOR + BODY_SLACK_BYTES };
}

/** The response body as text, or undefined once it passes `limit` bytes (reading stops and the body is cancelled). */
export async function readCapped(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    parts.push(value);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** Everything the model wrote in a completion: what output tokens are spent on. */
export function replyText(completion: ChatCompletion): string {
  const message = completion.choices?.[0]?.message;
  if (!message) return "";
  const calls = (message.tool_calls ?? []).map((c) => (c.type === "function" ? c.function.name + c.function.arguments : ""));
  return [message.content ?? "", message.refusal ?? "", ...calls].join("");
}
