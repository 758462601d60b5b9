// The Project Manager: options for an objective, a decomposition of one option, blocker resolution, assembly.
import type { Templates } from "../prompts/templates.ts";
import type { Agency, PlanOption, PmAssemblyReply, PmBlockerReply, PmDecompositionReply, PmOptionsReply, Project, Stream, Task } from "../agency/types.gen.ts";
import { callAgent, type AgentDeps, type AgentReply } from "./call.ts";
import type { UsageTotals } from "../agency/usage.ts";
import { decompositionProblems, optionsProblems } from "./reply-checks.ts";
import { pmDecompositionSchema, pmOptionsSchema } from "./reply-schemas.ts";
import type { JSONSchema } from "../llm/index.ts";
import type { FileText } from "./specialist.ts";
import { MAX_OPTIONS } from "./reply-schemas.ts";
import type { Replies } from "./reply-schemas.ts";

interface PmBase {
  project: Project;
  tier: string;
  system: string;
  usage: UsageTotals;
}

const ask = <R extends "pm_options" | "pm_decomposition" | "pm_blocker" | "pm_assembly">(deps: AgentDeps, base: PmBase, user: string, reply: R, constrain?: { schema: JSONSchema; check: (value: Replies[R]) => string[] }) =>
  callAgent(deps, { project: base.project, agent: "pm", tier: base.tier, system: base.system, messages: [{ role: "user", content: user }], reply, usage: base.usage, ...constrain });

/** What the Director said about an earlier proposal or assembly (/revise): the PM's next attempt answers it. */
export interface DirectorFeedback {
  by: string;
  text: string;
}

export function proposeOptions(deps: AgentDeps, templates: Templates, base: PmBase, feedback: readonly DirectorFeedback[] = []): Promise<AgentReply<PmOptionsReply>> {
  const b = base.project.budget;
  const budget = b ? [b.maxCostUsd !== undefined ? `$${b.maxCostUsd}` : null, b.maxTokens !== undefined ? `${b.maxTokens} tokens` : null].filter(Boolean).join(" and ") : null;
  return ask(deps, base, templates.render("pm.propose", { minOptions: 2, maxOptions: MAX_OPTIONS, budget, feedback }), "pm_options", { schema: pmOptionsSchema(MAX_OPTIONS), check: optionsProblems });
}

export interface DecomposeInput {
  agency: Agency;
  option: PlanOption;
  roleIds: string[];
  /**
   * The plan-wide rules the reply must also meet, checked on the plan it would make (unknown dependsOn, cycles, the
   * plan schema): the executor knows the plan; every problem joins the reply's own in the one repair turn.
   */
  planProblems?: (reply: PmDecompositionReply) => string[];
}

/** Resources a task may be handed: the project's own, then the agency's. */
export function resourceIds(agency: Agency, project: Project): string[] {
  return [...new Set([...(project.resources ?? []), ...(agency.resources ?? [])].map((r) => r.id))];
}

export function decompose(deps: AgentDeps, templates: Templates, base: PmBase & DecomposeInput): Promise<AgentReply<PmDecompositionReply>> {
  const scope = {
    criteria: base.agency.models.routing.criteria.map((c) => c.id),
    roles: base.roleIds,
    resources: resourceIds(base.agency, base.project),
    tiers: base.agency.models.tiers.map((t) => t.id),
  };
  const check = (reply: PmDecompositionReply) => {
    const own = decompositionProblems(reply, base.roleIds);
    // A reply already wrong in itself is not worth checking as a plan: its plan problems would repeat these.
    return own.length ? own : (base.planProblems?.(reply) ?? []);
  };
  return ask(deps, base, decomposeMessage(templates, base), "pm_decomposition", { schema: pmDecompositionSchema(scope), check });
}

export function decomposeMessage(templates: Templates, base: PmBase & DecomposeInput): string {
  return templates.render("pm.decompose", {
    option: base.option,
    roleIds: base.roleIds,
    criteria: base.agency.models.routing.criteria,
    resources: [...(base.project.resources ?? []), ...(base.agency.resources ?? [])].map((r) => ({ id: r.id, description: r.description ?? null })),
    tiers: base.agency.models.tiers.map((t) => t.id),
    deliverable: base.project.deliverable?.path ?? null,
  });
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
