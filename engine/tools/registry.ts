// The tools a Specialist is given: those its role lists, as the agency and project define them, that can run here.
import type { AgencyModel, LoadedProject } from "../spec/model.ts";
import type { Role, Tool } from "../spec/types.gen.ts";
import { codeInterpreterTool } from "./code-interpreter.ts";
import { repoFileTools } from "./repo-files.ts";
import type { AgentTool } from "./types.ts";
import { webSearchTool } from "./web-search.ts";

/** Whether a defined tool can run here: prompts list only these, so no model is told of a tool it cannot call. */
export function offerable(t: Tool): boolean {
  const config = (t.config ?? {}) as { endpoint?: unknown };
  return t.kind === "data-retriever" || t.kind === "code-interpreter" || (t.kind === "web-search" && typeof config.endpoint === "string");
}

export function toolsFor(model: AgencyModel, project: LoadedProject, role: Role, repoRoot: string): AgentTool[] {
  const defined = new Map<string, Tool>([...(model.spec.tools ?? []), ...(project.spec.tools ?? [])].map((t) => [t.id, t]));
  const tools: AgentTool[] = [];
  for (const id of role.tools ?? []) {
    const t = defined.get(id);
    if (!t || !offerable(t)) continue;
    const config = (t.config ?? {}) as { endpoint?: string; timeoutMs?: unknown };
    if (t.kind === "data-retriever") tools.push(...repoFileTools(repoRoot, model.dir));
    else if (t.kind === "code-interpreter") tools.push(codeInterpreterTool(typeof config.timeoutMs === "number" ? { timeoutMs: config.timeoutMs } : {}));
    else tools.push(webSearchTool(config.endpoint!));
  }
  // Two tools of one kind would offer the same function twice.
  const seen = new Set<string>();
  return tools.filter((t) => !seen.has(t.spec.name) && seen.add(t.spec.name));
}
