// Lets a model use tools: call, run the requested tools, feed results back, repeat until it answers in plain text.
// Tool failures (unknown name, unparseable or schema-breaking arguments, a handler that throws) go back to the model
// as the tool's reply, because models recover from those well. Hitting the step cap throws ToolStepLimitError rather
// than forcing a final answer: a forced answer would hide that the work did not converge, and the Collaborator
// (which sees the transcript on the error) is the one to decide between retrying, escalating and accepting.
import { ToolStepLimitError } from "./errors.ts";
import { formatAjvErrors, validatorFor } from "./json-validator.ts";
import type { ChatMessage, CompletionResult, LanguageModel, ToolCall, ToolSpec } from "./types.ts";

/** Gets the parsed, schema-valid arguments; returns the text the model will read as the tool's result. */
export type ToolHandler = (args: unknown, call: ToolCall) => Promise<string>;

export interface ToolLoopRequest {
  messages: ChatMessage[];
  tools: ToolSpec[];
  handlers: Record<string, ToolHandler>;
  /** Model calls allowed, the final answering call included. */
  maxSteps: number;
  temperature?: number;
  maxOutputTokens?: number;
  signal?: AbortSignal;
}

export interface ToolLoopResult {
  /** The final answer. */
  content: string;
  result: CompletionResult;
  /** The whole transcript: the input, every assistant turn and every tool result, ending with the answer. */
  messages: ChatMessage[];
  steps: number;
  calls: CompletionResult[];
}

export async function runToolLoop(model: LanguageModel, req: ToolLoopRequest): Promise<ToolLoopResult> {
  if (!Number.isInteger(req.maxSteps) || req.maxSteps < 1) throw new RangeError(`maxSteps must be ≥ 1, got ${req.maxSteps}`);
  const messages = [...req.messages];
  const calls: CompletionResult[] = [];
  for (let step = 1; step <= req.maxSteps; step++) {
    const result = await model.complete({
      messages,
      tools: req.tools,
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.maxOutputTokens !== undefined ? { maxOutputTokens: req.maxOutputTokens } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
    calls.push(result);
    if (result.toolCalls.length === 0) {
      messages.push({ role: "assistant", content: result.content });
      return { content: result.content, result, messages, steps: step, calls };
    }
    // Not executed: the transcript stays valid to resend (every tool call in it has its result).
    if (step === req.maxSteps) break;
    messages.push({
      role: "assistant",
      content: result.content || null,
      tool_calls: result.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
    });
    // One at a time, in the order asked: tools may write files, and the audit log should read in a stable order.
    for (const call of result.toolCalls) {
      messages.push({ role: "tool", tool_call_id: call.id, content: await runTool(call, req) });
    }
  }
  throw new ToolStepLimitError({ maxSteps: req.maxSteps, messages, calls });
}

export async function runTool(call: ToolCall, req: Pick<ToolLoopRequest, "tools" | "handlers" | "signal">): Promise<string> {
  const handler = Object.hasOwn(req.handlers, call.name) ? req.handlers[call.name] : undefined;
  const spec = req.tools.find((t) => t.name === call.name);
  if (!handler || !spec) {
    const known = req.tools.map((t) => t.name).join(", ");
    return `Error: there is no tool named '${call.name}'. Available tools: ${known || "none"}.`;
  }
  let args: unknown;
  try {
    args = call.arguments.trim() === "" ? {} : JSON.parse(call.arguments);
  } catch (err) {
    return `Error: the arguments for '${call.name}' are not valid JSON (${(err as Error).message}). Call it again with a JSON object.`;
  }
  const validate = validatorFor(spec.parameters, `${call.name} parameters`);
  if (!validate(args)) {
    return `Error: invalid arguments for '${call.name}':\n${formatAjvErrors(validate.errors).map((e) => `- ${e}`).join("\n")}`;
  }
  try {
    return await handler(args, call);
  } catch (err) {
    if (req.signal?.aborted) throw err; // cancellation is the caller's, not something for the model to work around
    return `Error: '${call.name}' failed: ${err instanceof Error ? err.message : String(err)}`;
  }
}
