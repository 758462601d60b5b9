// Command effects → new state, as pure rewriters: (status, plan text, effect) → (status, files, reply). Effects
// that need git or a model (accepting a stream, /ask) are left to the intake executor and marked `deferred`.
import { addEntries } from "../memory/memory-file.ts";
import { roleMemoryFile } from "../memory/scope.ts";
import { parse } from "yaml";
import { approveInText } from "../rewrite/plan-yaml.ts";
import { applyFeedback } from "../commands/feedback.ts";
import type { CommandEffect } from "../commands/effect.ts";
import type { Condition, Status } from "../agency/types.gen.ts";
import { assertNever } from "../agency/assert-never.ts";
import { answerQuestion, openQuestions } from "../status/blockers.ts";
import { clearProjectCondition, setCondition, setProjectCondition } from "../status/record.ts";
import { projectFailed, requestRetry, taskFailed } from "../status/retry.ts";

export interface EffectState {
  status: Status;
  /** plan.yaml text, when the project has one. */
  planText?: string;
  /** Memory files by repository path (lessons taught with /teach), current text or undefined if new. */
  memory: Map<string, string | undefined>;
}

export interface EffectResult {
  state: EffectState;
  reply?: string;
  /** Needs the executor (git, a model, GitHub): nothing was changed here. */
  deferred?: boolean;
  /** Refused on the state it met (e.g. /retry with nothing failed): replied with 😕. */
  refused?: string;
}

export interface EffectEnv {
  at: string;
  /** Who gave the command (their GitHub login). */
  by: string;
  /** Where a role's lessons live, e.g. agency/memory/roles/<role>.yaml. */
  memoryPath(role: string): string;
  /** The `$schema` reference a new memory file at that repository path starts with. */
  memorySchemaRef(path: string): string;
  /** Renders /status and /help answers; they need the planner and the registry. */
  statusReply(project: string): string;
  helpReply(): string;
}

function tasksFor(status: Status, streamTasks: (stream: string) => string[], e: { task?: string; stream?: string }, onlyFailed: boolean): string[] {
  if (e.task) return [e.task];
  const pool = e.stream ? streamTasks(e.stream) : Object.keys(status.tasks ?? {});
  return pool.filter((id) => !onlyFailed || taskFailed(status.tasks?.[id]));
}

export function applyEffect(state: EffectState, effect: CommandEffect, env: EffectEnv, streamTasks: (stream: string) => string[]): EffectResult {
  const s = state.status;
  const withStatus = (status: Status, reply?: string): EffectResult => ({ state: { ...state, status }, ...(reply ? { reply } : {}) });
  switch (effect.type) {
    case "feedback":
      return withStatus(applyFeedback(s, effect));
    case "retry": {
      // A finished task named by a person is redone: the Director's choice once its role has learned something.
      const done = effect.task ? s.tasks?.[effect.task] : undefined;
      if (effect.task && done?.completedAt && !taskFailed(done)) {
        return withStatus({ ...s, tasks: { ...s.tasks, [effect.task]: { ...done, redoRequestedAt: env.at } } }, `Redoing \`${effect.task}\` with what its role has learned since; the tasks that read its outputs follow if they change.`);
      }
      const ids = tasksFor(s, streamTasks, effect, true);
      // Without a task: the project's own failed action (planning, assembly) is retried too.
      const project = !effect.task && !effect.stream && projectFailed(s);
      if (!ids.length && !project) return { state, refused: effect.task ? `task ${effect.task} has not failed` : "nothing has failed here" };
      const next = requestRetry(s, { tasks: ids, project }, env.at);
      return withStatus(next, `Retrying ${[...ids.map((id) => `\`${id}\``), ...(project ? ["the project's failed step"] : [])].join(", ")}.`);
    }
    case "escalate": {
      const ids = tasksFor(s, streamTasks, effect, !effect.task);
      if (!ids.length) return { state, refused: "name a task, or use it where a task has failed" };
      let next = requestRetry(s, { tasks: ids, project: false }, env.at);
      for (const id of ids) {
        const t = next.tasks![id]!;
        next = { ...next, tasks: { ...next.tasks, [id]: { ...t, escalations: (t.escalations ?? 0) + 1 } } };
      }
      return withStatus(next, `Escalating ${ids.map((id) => `\`${id}\``).join(", ")} one model tier.`);
    }
    case "block": {
      const c: Condition = { type: "Blocked", status: "True", reason: "BlockedByDirector", message: effect.reason };
      if (!effect.stream) return withStatus(setProjectCondition(s, c, env.at));
      const prior = s.streams?.[effect.stream] ?? {};
      return withStatus({ ...s, streams: { ...s.streams, [effect.stream]: { ...prior, conditions: setCondition(prior.conditions, c, env.at) } } });
    }
    case "unblock": {
      if (!effect.stream) {
        const next = clearProjectCondition(s, "Blocked");
        return next === s ? { state, refused: "the project is not blocked" } : withStatus(next);
      }
      const prior = s.streams?.[effect.stream];
      const kept = (prior?.conditions ?? []).filter((c) => c.type !== "Blocked");
      if (!prior || kept.length === (prior.conditions ?? []).length) return { state, refused: `stream ${effect.stream} is not blocked` };
      const { conditions: _c, ...rest } = prior;
      return withStatus({ ...s, streams: { ...s.streams, [effect.stream]: kept.length ? { ...rest, conditions: kept } : rest } });
    }
    case "cancel":
      return withStatus(setProjectCondition(s, { type: "Blocked", status: "True", reason: "Cancelled", message: "cancelled by the Director; /unblock to resume" }, env.at));
    case "approve-plan": {
      if (!state.planText) return { state, refused: "the project has no plan yet" };
      const plan = parse(state.planText) as { recommended?: string; chosen?: string; basedOn?: string; options?: { id: string }[] };
      const option = effect.option ?? plan.recommended ?? "";
      if (!plan.options?.some((o) => o.id === option)) return { state, refused: `unknown option '${option}'` };
      if (plan.chosen === option) return { state, reply: `${option} is already approved.` };
      return {
        state: { ...state, planText: approveInText(state.planText, option, env.by, env.at), status: clearProjectCondition(s, "AwaitingApproval") },
        reply: `Approved ${option}.${plan.basedOn !== option ? ` The next run has the PM decompose ${option} into streams and tasks.` : ""}`,
      };
    }
    case "teach": {
      const path = env.memoryPath(effect.role);
      const prior = state.memory.get(path);
      // Once per comment: a replayed event is the same words from the same source, which addEntries leaves out.
      const change = addEntries(prior, roleMemoryFile(effect.role), [{ kind: "lesson", text: effect.lesson, provenance: { by: `@${effect.by}`, at: effect.at, project: effect.project, ...(effect.stream ? { stream: effect.stream } : {}), source: effect.source } }], env.memorySchemaRef(path));
      if (!change.added.length && !change.merged.length) return { state };
      const memory = new Map(state.memory).set(path, change.text);
      return { state: { ...state, memory }, reply: change.merged.length ? `Noted for ${effect.role}: it repeats lesson ${change.merged[0]}, which now names you as a source too.` : `Noted for ${effect.role}.` };
    }
    case "status":
      return { state, reply: env.statusReply(effect.project) };
    case "help":
      return { state, reply: env.helpReply() };
    case "answer": {
      const open = openQuestions(s);
      if (!open.length) return { state, refused: `no question waits for an answer in project ${effect.project}` };
      const list = open.map((q) => `\`${q.task}\` (${q.question})`).join("; ");
      const task = effect.task ?? (open.length === 1 ? open[0]!.task : undefined);
      if (!task) return { state, refused: `${open.length} questions wait; say which task you answer: \`/answer <task> <answer>\`: ${list}` };
      if (!open.some((q) => q.task === task)) return { state, refused: `task ${task} has no open question; open: ${list}` };
      const next = answerQuestion(s, task, { by: effect.by, at: effect.at, source: effect.source, text: effect.text });
      return next === s ? { state } : withStatus(next, `Answered \`${task}\`: it resumes with your answer.`);
    }
    case "reject":
      return { state, refused: effect.reason };
    case "accept-stream":
    case "accept-assembly":
    case "revise-plan":
    case "revise-assembly":
    case "custom":
    case "ask":
      return { state, deferred: true };
    default:
      return assertNever(effect);
  }
}
