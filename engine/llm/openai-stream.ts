// Folds Chat Completions SSE chunks back into one chat.completion, so streamed and plain replies share one mapping
// (fromChatCompletion) and the audit log stores the same shape either way.
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

interface ToolCallSlot {
  id: string;
  name: string;
  arguments: string;
}

/**
 * `maxBytes` caps what is read of the reply's text (content, refusal, tool calls): past it, reading stops (which
 * closes the stream) and the completion says `cut_at_bytes`, so a server that ignores max_tokens costs no more memory
 * than the cap allows.
 */
export async function assembleChunks(chunks: AsyncIterable<ChatCompletionChunk>, opts: { maxBytes?: number } = {}): Promise<ChatCompletion & { cut_at_bytes?: number }> {
  const maxBytes = opts.maxBytes ?? Infinity;
  let bytes = 0;
  let cut = false;
  let id = "";
  let model = "";
  let created = 0;
  let content = "";
  let refusal = "";
  let finishReason: string | null = null;
  let usage: ChatCompletion["usage"];
  let chunkCount = 0;
  // Tool call deltas are keyed by index: the first carries id and name, later ones append argument text.
  const calls = new Map<number, ToolCallSlot>();

  for await (const chunk of chunks) {
    chunkCount++;
    id ||= chunk.id;
    model ||= chunk.model;
    created ||= chunk.created;
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices?.find((c) => c.index === 0);
    if (!choice) continue; // the usage-only chunk has no choices
    const delta = choice.delta ?? {};
    if (delta.content) content += delta.content;
    if (delta.refusal) refusal += delta.refusal;
    bytes += Buffer.byteLength(delta.content ?? "") + Buffer.byteLength(delta.refusal ?? "");
    for (const tc of delta.tool_calls ?? []) bytes += Buffer.byteLength(tc.function?.arguments ?? "") + Buffer.byteLength(tc.function?.name ?? "");
    if (bytes > maxBytes) {
      cut = true;
      break;
    }
    for (const tc of delta.tool_calls ?? []) {
      const slot = calls.get(tc.index) ?? { id: "", name: "", arguments: "" };
      if (tc.id) slot.id = tc.id;
      // Some compatible servers repeat the name in every delta; OpenAI sends it once. Keep the first.
      if (tc.function?.name && !slot.name) slot.name = tc.function.name;
      if (tc.function?.arguments) slot.arguments += tc.function.arguments;
      calls.set(tc.index, slot);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }

  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, s]) => ({
      id: s.id || `call_${index}`,
      type: "function" as const,
      function: { name: s.name, arguments: s.arguments },
    }));
  const completion = {
    id,
    object: "chat.completion" as const,
    created,
    model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant" as const,
          content,
          refusal: refusal || null,
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        // null when the stream ended early; fromChatCompletion reports it as "other" with a warning.
        finish_reason: finishReason as ChatCompletion.Choice["finish_reason"],
        logprobs: null,
      },
    ],
    ...(usage ? { usage } : {}),
  };
  return Object.assign(completion, { streamed_chunks: chunkCount }, cut ? { cut_at_bytes: bytes } : {});
}
