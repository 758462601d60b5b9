// A tool an agent may call: its function spec for the model and the handler that runs it.
import type { ToolHandler, ToolSpec } from "../llm/index.ts";

export interface AgentTool {
  spec: ToolSpec;
  handler: ToolHandler;
}
