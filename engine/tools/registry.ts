// The tools a Specialist is given: those its role lists, as the agency and project define them, that can run here.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import { offerable } from "../agency/offerable.ts";
import type { Role, Tool } from "../agency/types.gen.ts";
import { codeInterpreterTools, type CodeInterpreterConfig } from "./code-interpreter.ts";
import { repoFileTools } from "./repo-files.ts";
import { prepareSandbox, sandboxIsolation, type Isolation } from "./sandbox/isolation.ts";
import type { AgentTool } from "./types.ts";
import { webSearchTool } from "./web-search.ts";

export { offerable };

/** Why a defined tool cannot run on this machine, or undefined when it can: the code sandbox must close here. */
export function refusal(t: Tool, isolation: () => Isolation = sandboxIsolation): string | undefined {
  if (!offerable(t)) return t.kind === "web-search" ? "no config.endpoint is set" : `the engine has no '${t.kind}' tool`;
  if (t.kind !== "code-interpreter") return undefined;
  const i = isolation();
  return i.available ? undefined : `its sandbox cannot be closed on this machine: ${i.reason}`;
}

/** Whether a defined tool can run here: prompts sent to a model list only these, so none names a tool it cannot call. */
export function canRun(t: Tool, isolation: () => Isolation = sandboxIsolation): boolean {
  return refusal(t, isolation) === undefined;
}

/**
 * Runs what deciding a role's tools needs before the decision is asked for synchronously (by toolsFor and by the
 * prompt that lists them): the sandbox probe, without blocking a run's other calls, and only for a role that lists
 * a code interpreter.
 */
export async function prepareToolsFor(model: AgencyModel, project: LoadedProject, role: Role): Promise<void> {
  const kinds = new Map([...(model.spec.tools ?? []), ...(project.spec.tools ?? [])].map((t) => [t.id, t.kind]));
  if ((role.tools ?? []).some((id) => kinds.get(id) === "code-interpreter")) await prepareSandbox();
}

/** Whether any role may get a code interpreter in any project: a run then probes the sandbox early, off its path. */
export function mayUseSandbox(model: AgencyModel): boolean {
  const code = new Set([...(model.spec.tools ?? []), ...[...model.projects.values()].flatMap((p) => p.spec.tools ?? [])].filter((t) => t.kind === "code-interpreter").map((t) => t.id));
  return [...model.roles.values()].some((r) => (r.spec.tools ?? []).some((id) => code.has(id)));
}

export function toolsFor(model: AgencyModel, project: LoadedProject, role: Role, repoRoot: string, isolation: () => Isolation = sandboxIsolation): AgentTool[] {
  const defined = new Map<string, Tool>([...(model.spec.tools ?? []), ...(project.spec.tools ?? [])].map((t) => [t.id, t]));
  const tools: AgentTool[] = [];
  for (const id of role.tools ?? []) {
    const t = defined.get(id);
    if (!t || !canRun(t, isolation)) continue;
    if (t.kind === "data-retriever") tools.push(...repoFileTools(repoRoot, model.dir));
    else if (t.kind === "code-interpreter") tools.push(...codeInterpreterTools(isolation(), (t.config ?? {}) as CodeInterpreterConfig));
    else tools.push(webSearchTool((t.config as { endpoint: string }).endpoint));
  }
  // Two tools of one kind would offer the same function twice.
  const seen = new Set<string>();
  return tools.filter((t) => !seen.has(t.spec.name) && seen.add(t.spec.name));
}

/** The code interpreters a role lists that it will not get on this machine, with the reason, so a run can say why. */
export function refusedTools(model: AgencyModel, project: LoadedProject, role: Role, isolation: () => Isolation = sandboxIsolation): { id: string; reason: string }[] {
  const defined = new Map<string, Tool>([...(model.spec.tools ?? []), ...(project.spec.tools ?? [])].map((t) => [t.id, t]));
  return (role.tools ?? []).flatMap((id) => {
    const t = defined.get(id);
    const reason = t?.kind === "code-interpreter" && refusal(t, isolation);
    return reason ? [{ id, reason }] : [];
  });
}
