// One tool call a model asked for, run and answered in words the model can act on. Failures (unknown name,
// unparseable or schema-breaking arguments, a handler that throws) go back to the model as the tool's reply,
// because models recover from those well; only cancellation is the caller's. The loop around it (rounds, the cap
// after which tools are withdrawn so the model must answer) is completeStructured's.
import { formatAjvErrors, validatorFor } from "./json-validator.ts";
import type { ToolCall, ToolSpec } from "./types.ts";

/** Gets the parsed, schema-valid arguments; returns the text the model will read as the tool's result. */
export type ToolHandler = (args: unknown, call: ToolCall) => Promise<string>;

export interface ToolRequest {
  tools: readonly ToolSpec[];
  handlers: Record<string, ToolHandler>;
  signal?: AbortSignal;
}

export async function runTool(call: ToolCall, req: ToolRequest): Promise<string> {
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
