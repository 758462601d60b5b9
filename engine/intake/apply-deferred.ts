// The command effects the pure rewriters leave `deferred` (engine/intake/apply-effect.ts), carried out here because
// they need git, a model or the planner: accepting a stream or the assembly (a merge), /ask (a model call), a role's
// own command, and /revise on the plan or the assembly (recorded so the PM acts on it at the next reconcile).
// Each returns the new effect state and how it went; nothing here talks to GitHub, so a command typed in a terminal
// is carried out by the very same code (apply-commands.ts).
import type { AgentDeps } from "../agents/call.ts";
import type { CommandContext, CommandEffect, FeedbackEffect } from "../commands/effect.ts";
import { applyFeedback } from "../commands/feedback.ts";
import { assertNever } from "../agency/assert-never.ts";
import { assemblyBranch, formatBranchName } from "../forge/branch-name.ts";
import type { EffectState } from "./apply-effect.ts";
import { LlmError } from "../llm/index.ts";
import { acceptStream } from "../run/accept-stream.ts";
import { BudgetExceededError } from "../llm/budget.ts";
import { trailers } from "../run/run-context.ts";
import type { AgencyModel } from "../agency/model.ts";
import type { Feedback } from "../agency/types.gen.ts";
import { recordAssemblyFeedback, recordPlanFeedback } from "../status/director-feedback.ts";
import { addUsage } from "../status/record.ts";
import { askSpecialist } from "./ask-specialist.ts";
import type { IntakeState } from "./intake-state.ts";
import type { Templates } from "../prompts/templates.ts";
import type { Workspace } from "../run/workspace.ts";

export interface DeferredEnv {
  /** The repository and templates: the same wherever the command was written (terminal or PR comment). */
  run: { ws: Workspace; templates: Templates };
  state: IntakeState;
  agents?: AgentDeps;
  /** Where and by whom the command was written. */
  where: CommandContext;
}

export interface DeferredResult {
  state: EffectState;
  reply?: string;
  /** Refused on the state it met: replied with 😕. */
  refused?: string;
  /** Tried and went wrong (a merge conflict, a model failure): replied with 😕. */
  failed?: string;
  /** Commits made on the working branch before the event's own (a merge). */
  commits?: number;
}

export async function applyDeferred(effect: CommandEffect, es: EffectState, env: DeferredEnv): Promise<DeferredResult> {
  const w = env.where;
  const feedback = (text: string): Feedback => ({ by: w.author, at: w.at, source: w.url, text });
  switch (effect.type) {
    case "accept-stream":
      return acceptStreamNow(effect.project, effect.stream, es, env);
    case "accept-assembly":
      return acceptAssemblyNow(effect.project, es, env);
    case "revise-plan":
      if (!env.state.planText(effect.project)) return { state: es, refused: `project ${effect.project} has no plan to revise yet` };
      return { state: { ...es, status: recordPlanFeedback(es.status, feedback(effect.text)) } };
    case "revise-assembly": {
      const status = recordAssemblyFeedback(es.status, feedback(effect.text));
      return status ? { state: { ...es, status } } : { state: es, refused: `project ${effect.project} has no assembled deliverable to revise yet` };
    }
    case "custom":
      return customCommand(effect, es, env);
    case "ask":
      return ask(effect, es, env);
    // Applied by the pure rewriters (apply-effect.ts), never deferred.
    case "feedback":
    case "approve-plan":
    case "retry":
    case "escalate":
    case "answer":
    case "block":
    case "unblock":
    case "cancel":
    case "status":
    case "help":
    case "teach":
    case "reject":
      return { state: es, failed: `the engine cannot apply \`${effect.type}\` here` };
    default:
      return assertNever(effect);
  }
}

/** The agency as intake sees it, with this event's status so far in place of the project's recorded one. */
function modelWith(env: DeferredEnv, project: string, es: EffectState): AgencyModel {
  const model = env.state.model();
  const p = model.projects.get(project)!;
  return { ...model, projects: new Map(model.projects).set(project, { ...p, status: es.status }) };
}

async function acceptStreamNow(project: string, stream: string, es: EffectState, env: DeferredEnv): Promise<DeferredResult> {
  const model = modelWith(env, project, es);
  const r = await acceptStream(env.run.ws, model, model.projects.get(project)!, stream, env.run.templates, { by: env.where.author, at: env.where.at }, { engineMerge: true });
  switch (r.kind) {
    case "refused":
      return { state: es, refused: r.message };
    case "already":
      return { state: es, reply: r.message };
    case "conflict":
      return { state: es, failed: `merging ${r.branch} into ${env.run.ws.workingBranch} conflicts in ${r.paths.join(", ")}; the stream needs rework (\`/revise\`) or a manual merge` };
    case "accepted":
      if (r.merged.status === "merged") env.state.forgetFiles();
      return {
        state: { ...es, status: r.status },
        commits: r.merged.status === "merged" ? 1 : 0,
        reply: `Accepted ${stream}: ${r.merged.status === "merged" ? `merged ${r.branch} into ${env.run.ws.workingBranch}` : `${r.branch} was already part of ${env.run.ws.workingBranch}`}.`,
      };
  }
}

async function acceptAssemblyNow(project: string, es: EffectState, env: DeferredEnv): Promise<DeferredResult> {
  const ws = env.run.ws;
  const branch = formatBranchName(assemblyBranch(project));
  if (!(await ws.store.branchExists(branch))) return { state: es, refused: `there is no ${branch} branch to accept` };
  const merged = await ws.store.mergeBranch({
    source: branch,
    into: ws.workingBranch,
    message: `ateams: merge ${branch}, accepted by ${env.where.author}`,
    trailers: trailers({ project, kind: "accept" }),
  });
  if (merged.status === "conflict") return { state: es, failed: `merging ${branch} into ${ws.workingBranch} conflicts in ${merged.paths.join(", ")}` };
  if (merged.status === "merged") env.state.forgetFiles();
  return { state: es, commits: merged.status === "merged" ? 1 : 0 };
}

/**
 * A role's own command asks for its way of working on work it does: recorded as feedback on that role's tasks
 * where it was written (the PR's stream; the whole project on an issue or the assembly PR), so they run again
 * with it. On the plan PR, or where the role has no task, the reply says where it applies instead.
 */
function customCommand(effect: Extract<CommandEffect, { type: "custom" }>, es: EffectState, env: DeferredEnv): DeferredResult {
  const w = env.where;
  const model = env.state.model();
  const streams = model.projects.get(effect.project)?.plan?.streams ?? [];
  const working = streams.filter((s) => s.tasks.some((t) => t.role === effect.role)).map((s) => s.id);
  const elsewhere = working.length
    ? `use it on the PR of a stream @${effect.role} works in (${working.join(", ")}), or on the project's issue`
    : `@${effect.role} has no task in project ${effect.project}'s plan yet`;
  if (w.kind === "plan-pr") return { state: es, refused: `\`${effect.command}\` is about @${effect.role}'s work, not the plan: ${elsewhere}` };
  const scope = w.kind === "stream-pr" ? streams.filter((s) => s.id === w.stream) : streams;
  const tasks = scope.flatMap((s) => s.tasks.filter((t) => t.role === effect.role).map((t) => t.id));
  if (!tasks.length) return { state: es, refused: `@${effect.role} has no task ${w.kind === "stream-pr" ? `in stream ${w.stream ?? ""}` : "here"}: ${elsewhere}` };
  const info = model.roles.get(effect.role)?.spec.commands?.find((c) => c.name.toLowerCase() === effect.command);
  const asked = `@${w.author} asks for \`${effect.command}\`${info ? ` (${info.description})` : ""}${effect.args ? `: ${effect.args}` : "."}`;
  let status = es.status;
  for (const task of tasks) {
    // One comment is one source: a /revise for the same task in it is kept, and this is added to it.
    const prior = status.tasks?.[task]?.feedback?.find((f) => f.source === w.url);
    const text = prior && !prior.text.includes(asked) ? `${prior.text}\n\n${asked}` : asked;
    const fb: FeedbackEffect = { type: "feedback", project: effect.project, task, text, by: w.author, at: w.at, source: w.url };
    status = applyFeedback(status, fb);
  }
  return { state: { ...es, status } };
}

async function ask(effect: Extract<CommandEffect, { type: "ask" }>, es: EffectState, env: DeferredEnv): Promise<DeferredResult> {
  if (!env.agents) return { state: es, failed: "no model is configured for this run, so no Specialist can answer" };
  const w = env.where;
  try {
    const a = await askSpecialist(env.agents, env.run.templates, env.state.model(), {
      project: effect.project,
      role: effect.role,
      question: effect.question,
      by: w.author,
      ...(w.kind === "stream-pr" && w.stream ? { stream: w.stream } : {}),
    });
    // What the answer cost counts against the project like any other model call.
    const status = a.usage.calls ? { ...es.status, usage: addUsage(es.status.usage, a.usage) } : es.status;
    return { state: { ...es, status }, reply: `**@${effect.role}** answers:\n\n${a.answer}` };
  } catch (e) {
    if (e instanceof BudgetExceededError || e instanceof LlmError) return { state: es, failed: `@${effect.role} could not answer: ${e.message}` };
    throw e;
  }
}
