// Token counts a budget can trust. The server's `usage` is what a provider bills, so it is used when it is
// plausible; but a server may leave it out, report negative or absurd numbers, or report nothing for a long reply,
// and budgets (and status.yaml, whose schema wants counts >= 0) must not believe it. What was sent and what was
// read are known here, so each count is held between what that text could possibly cost:
// - at most one token per byte (no tokenizer emits less than a byte per token), plus per-message framing;
// - at least one token per 32 bytes (no tokenizer's tokens are that long on average);
// - output may exceed its text when the model reasons silently, but never the max_tokens the call asked for.
// A count outside those bounds, or missing, is replaced by an estimate at 4 bytes per token (English averages about
// 4 characters per token) and said in a warning.
import type { TokenCount } from "../agency/usage.ts";

export const BYTES_PER_TOKEN = 4;
const MAX_BYTES_PER_TOKEN = 32;
const FRAMING_TOKENS_PER_MESSAGE = 8;

export interface UsageText {
  /** What was sent, as serialised: messages, tool definitions and the response format. */
  request: string;
  /** The messages' own text: the least any server counts (some leave the schema and tools out). */
  messagesText: string;
  /** How many messages the request had (each costs a few tokens of framing). */
  messages: number;
  /** What was read back: content, refusal and tool call names and arguments. */
  reply: string;
  /** max_tokens the call asked for, if any. */
  maxOutputTokens?: number;
}

export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / BYTES_PER_TOKEN);
}

/** The usage to count: the server's when plausible, else an estimate; warnings say which and why. */
export function plausibleUsage(reported: { prompt_tokens?: unknown; completion_tokens?: unknown } | null | undefined, text: UsageText): { usage: TokenCount; warnings: string[] } {
  const warnings: string[] = [];
  const requestBytes = Buffer.byteLength(text.request, "utf8");
  const replyBytes = Buffer.byteLength(text.reply, "utf8");
  const input = settle("input", reported?.prompt_tokens, {
    estimate: Math.ceil(requestBytes / BYTES_PER_TOKEN) + text.messages * FRAMING_TOKENS_PER_MESSAGE,
    min: Math.floor(Buffer.byteLength(text.messagesText, "utf8") / MAX_BYTES_PER_TOKEN),
    max: requestBytes + (text.messages + 1) * FRAMING_TOKENS_PER_MESSAGE * 4,
  });
  const output = settle("output", reported?.completion_tokens, {
    estimate: Math.ceil(replyBytes / BYTES_PER_TOKEN),
    min: Math.floor(replyBytes / MAX_BYTES_PER_TOKEN),
    max: Math.max(text.maxOutputTokens ?? 0, replyBytes + FRAMING_TOKENS_PER_MESSAGE),
  });
  if (!reported) warnings.push(`server reported no token usage; estimated ${input.tokens} in, ${output.tokens} out from the text`);
  else for (const w of [input.warning, output.warning]) if (w) warnings.push(w);
  return { usage: { inputTokens: input.tokens, outputTokens: output.tokens }, warnings };
}

function settle(side: "input" | "output", value: unknown, bounds: { estimate: number; min: number; max: number }): { tokens: number; warning?: string } {
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= bounds.min && value <= bounds.max) return { tokens: value };
  return {
    tokens: bounds.estimate,
    warning: `server reported ${JSON.stringify(value ?? null)} ${side} tokens, impossible for ${side === "input" ? "what was sent" : "what was read"} (${bounds.min}–${bounds.max}); counted ${bounds.estimate}, estimated from the text`,
  };
}
