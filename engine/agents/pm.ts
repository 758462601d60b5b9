// The Project Manager: options for an objective, a decomposition of one option, blocker resolution, assembly.
import type { Templates } from "../prompts/templates.ts";
import type { Agency, PlanOption, PmAssemblyReply, PmBlockerReply, PmDecompositionReply, PmOptionsReply, Project, Stream, Task } from "../spec/types.gen.ts";
import { callAgent, type AgentDeps, type AgentReply, type CallUsage } from "./call.ts";
import type { FileText } from "./specialist.ts";

interface PmBase {
  project: Project;
  tier: string;
  system: string;
  usage: CallUsage;
}

const ask = <T>(deps: AgentDeps, base: PmBase, user: string, reply: "pm_options" | "pm_decomposition" | "pm_blocker" | "pm_assembly") =>
  callAgent<T>(deps, { project: base.project, agent: "pm", tier: base.tier, system: base.system, messages: [{ role: "user", content: user }], reply, usage: base.usage });

/** What the Director said about an earlier proposal or assembly (/revise): the PM's next attempt answers it. */
export interface DirectorFeedback {
  by: string;
  text: string;
}

export function proposeOptions(deps: AgentDeps, templates: Templates, base: PmBase, feedback: readonly DirectorFeedback[] = []): Promise<AgentReply<PmOptionsReply>> {
  const b = base.project.budget;
  const budget = b ? [b.maxCostUsd !== undefined ? `$${b.maxCostUsd}` : null, b.maxTokens !== undefined ? `${b.maxTokens} tokens` : null].filter(Boolean).join(" and ") : null;
  return ask(deps, base, templates.render("pm.propose", { minOptions: 2, budget, feedback }), "pm_options");
}

export function decompose(deps: AgentDeps, templates: Templates, base: PmBase & { agency: Agency; option: PlanOption; roleIds: string[] }): Promise<AgentReply<PmDecompositionReply>> {
  return ask(
    deps,
    base,
    templates.render("pm.decompose", {
      option: base.option,
      roleIds: base.roleIds,
      criteria: base.agency.models.routing.criteria,
      deliverable: base.project.deliverable?.path ?? null,
    }),
    "pm_decomposition",
  );
}

/** A blocker the task met before, so the PM does not repeat a resolution that did not hold. */
export interface EarlierBlocker {
  blocker: string;
  resolution: string;
  answer: string | null;
}

export function resolveBlocker(
  deps: AgentDeps,
  templates: Templates,
  base: PmBase & { stream: Stream; task: Task; blocker: string; roles: readonly string[]; earlier: readonly EarlierBlocker[] },
): Promise<AgentReply<PmBlockerReply>> {
  const view = { stream: base.stream, task: base.task, blocker: base.blocker, roles: base.roles, earlier: base.earlier };
  return ask(deps, base, templates.render("pm.blocker", view), "pm_blocker");
}

export function assemble(
  deps: AgentDeps,
  templates: Templates,
  base: PmBase & { streams: { id: string; title: string; files: FileText[] }[]; feedback?: readonly DirectorFeedback[] },
): Promise<AgentReply<PmAssemblyReply>> {
  const view = { deliverable: base.project.deliverable?.path ?? null, streams: base.streams, feedback: base.feedback ?? [] };
  return ask(deps, base, templates.render("pm.assemble", view), "pm_assembly");
}
