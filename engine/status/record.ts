// Pure rewriters of status.yaml's content: (status, event) → new status. The engine is the only writer.
import type { Condition, Status, TaskStatus, Usage } from "../agency/types.gen.ts";
import { withTaskFailure } from "./retry.ts";
import { addUsage } from "../agency/usage.ts";

export function emptyStatus(project: string): Status {
  return { project };
}

/** Sets a condition, keeping lastTransitionTime when the status did not change (Kubernetes/Flux semantics). */
export function setCondition(conditions: readonly Condition[] | undefined, next: Condition, now: string): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prior = i === -1 ? undefined : list[i];
  const merged: Condition = { ...next, lastTransitionTime: prior && prior.status === next.status ? (prior.lastTransitionTime ?? now) : now };
  if (i === -1) list.push(merged);
  else list[i] = merged;
  return list;
}

// Usage sums are agency/usage.ts's; re-exported because every status rewriter's caller adds usage.
export { addUsage };

export interface TaskDone {
  fingerprint: string;
  parts: Record<string, string>;
  tier: string;
  model: string;
  outputs: { path: string; blob: string }[];
  usage?: Usage;
  commit?: string;
  revisions?: number;
  /** The role's prompt version (role file and lessons) the work was done under. */
  roleVersion?: string;
  /** Digest of the memory entries the prompt carried (engine/memory/select.ts). */
  memory?: string;
  at: string;
}

export function recordTaskDone(status: Status, taskId: string, done: TaskDone): Status {
  const prior: TaskStatus = status.tasks?.[taskId] ?? {};
  // The memory digest is this attempt's or none: a digest from an earlier attempt would claim a recall it did not make.
  const { failedFingerprint: _cleared, failures: _n, retryAfter: _r, memory: _m, ...rest } = prior;
  const next: TaskStatus = {
    ...rest,
    fingerprint: done.fingerprint,
    inputs: done.parts,
    tier: done.tier,
    model: done.model,
    attempts: (prior.attempts ?? 0) + 1,
    revisions: done.revisions ?? 0,
    outputs: done.outputs,
    completedAt: done.at,
    ...(done.roleVersion ? { roleVersion: done.roleVersion } : {}),
    ...(done.memory ? { memory: done.memory } : {}),
    ...(done.commit ? { commit: done.commit } : {}),
    ...(done.usage ? { usage: addUsage(prior.usage, done.usage) } : {}),
    // Success clears Failed/Progressing: only conditions that still say something are kept.
    conditions: setCondition(
      (prior.conditions ?? []).filter((c) => c.type !== "Failed" && c.type !== "Progressing" && c.type !== "Stalled"),
      { type: "Ready", status: "True", reason: "Succeeded" },
      done.at,
    ),
  };
  return { ...status, tasks: { ...status.tasks, [taskId]: next }, ...(done.usage ? { usage: addUsage(status.usage, done.usage) } : {}) };
}

/** A failure with these inputs: counted towards the retry bound, with its backoff (retry.ts). */
export function recordTaskFailed(status: Status, taskId: string, failure: { fingerprint: string; reason: string; message: string; at: string; usage?: Usage }): Status {
  const prior: TaskStatus = withTaskFailure(status.tasks?.[taskId] ?? {}, failure.fingerprint, failure.at);
  const next: TaskStatus = {
    ...prior,
    attempts: (prior.attempts ?? 0) + 1,
    ...(failure.usage ? { usage: addUsage(prior.usage, failure.usage) } : {}),
    conditions: setCondition(
      setCondition(prior.conditions, { type: "Failed", status: "True", reason: failure.reason, message: failure.message }, failure.at),
      { type: "Ready", status: "False", reason: failure.reason, message: failure.message },
      failure.at,
    ),
  };
  return { ...status, tasks: { ...status.tasks, [taskId]: next }, ...(failure.usage ? { usage: addUsage(status.usage, failure.usage) } : {}) };
}

export function recordStream(status: Status, streamId: string, field: "verified" | "accepted", fingerprint: string, at: string, by?: string, commit?: string): Status {
  const prior = status.streams?.[streamId] ?? {};
  return {
    ...status,
    streams: { ...status.streams, [streamId]: { ...prior, [field]: { fingerprint, at, ...(by ? { by } : {}), ...(commit ? { commit } : {}) } } },
  };
}

/** The Director's feedback on the deliverable is kept: it is part of the fingerprint just recorded. */
export function recordAssembly(status: Status, fingerprint: string, at: string, commit?: string): Status {
  const feedback = status.assembly?.feedback;
  return { ...status, assembly: { fingerprint, at, ...(commit ? { commit } : {}), ...(feedback ? { feedback } : {}) } };
}

/** A task attempt that ended without output: retried by a later run only if `retryable` (the provider, not the work). */
export function recordTaskAttemptFailed(status: Status, taskId: string, f: { reason: string; message: string; at: string; usage?: Usage }): Status {
  const prior: TaskStatus = status.tasks?.[taskId] ?? {};
  const next: TaskStatus = {
    ...prior,
    ...(f.usage ? { usage: addUsage(prior.usage, f.usage) } : {}),
    conditions: setCondition(prior.conditions, { type: "Failed", status: "True", reason: f.reason, message: f.message }, f.at),
  };
  return { ...status, tasks: { ...status.tasks, [taskId]: next }, ...(f.usage ? { usage: addUsage(status.usage, f.usage) } : {}) };
}

/** Revisions ran out: climb one tier (the planner then sees new inputs and reruns), recording why. */
export function recordTaskEscalated(status: Status, taskId: string, f: { fingerprint: string; message: string; at: string; usage?: Usage }): Status {
  const failed = recordTaskFailed(status, taskId, { fingerprint: f.fingerprint, reason: "Escalated", message: f.message, at: f.at, ...(f.usage ? { usage: f.usage } : {}) });
  const t = failed.tasks![taskId]!;
  return { ...failed, tasks: { ...failed.tasks, [taskId]: { ...t, escalations: (t.escalations ?? 0) + 1 } } };
}

export function setProjectCondition(status: Status, condition: Condition, at: string): Status {
  return { ...status, conditions: setCondition(status.conditions, condition, at) };
}

export function clearProjectCondition(status: Status, type: Condition["type"], reason?: string): Status {
  const kept = (status.conditions ?? []).filter((c) => !(c.type === type && (reason === undefined || c.reason === reason)));
  if (kept.length === (status.conditions ?? []).length) return status;
  const { conditions: _c, ...rest } = status;
  return kept.length ? { ...rest, conditions: kept } : rest;
}
