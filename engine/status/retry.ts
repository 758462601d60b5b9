// Failed actions are retried by later runs with fresh calls, with backoff and a bound, the way Flux retries a failed
// reconcile and marks it Stalled: after MAX_ATTEMPTS failures in a row with the same inputs the action waits for a
// person (`ateams retry`, `/retry`) or for changed inputs, so an hourly schedule cannot keep paying for a hopeless
// action. Pure rewriters of status.yaml and the getters that read them; the planner and the executor share these
// rules and never spell out a condition themselves.
import type { ActionFailure, Condition, Status, TaskStatus } from "../spec/types.gen.ts";
import { setCondition } from "./record.ts";

export const RETRY_POLICY = {
  /** Failed attempts in a row, with the same inputs, before the action is Stalled. */
  maxAttempts: 3,
  /** Wait after the first failure; each further failure multiplies it. 5 min, 20 min, then Stalled. */
  baseDelayMs: 5 * 60_000,
  factor: 4,
} as const;

/** When the next attempt may start after `failures` failures, the last at `at`. */
export function retryAfter(at: string, failures: number): string {
  const ms = RETRY_POLICY.baseDelayMs * RETRY_POLICY.factor ** Math.max(0, failures - 1);
  return new Date(Date.parse(at) + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export const isStalled = (failures: number | undefined): boolean => (failures ?? 0) >= RETRY_POLICY.maxAttempts;

/** Whether a condition of this type is True in the list: the one getter callers use. */
export function isTrue(conditions: readonly Condition[] | undefined, type: Condition["type"]): boolean {
  return conditions?.some((c) => c.type === type && c.status === "True") ?? false;
}

export function trueCondition(conditions: readonly Condition[] | undefined, type: Condition["type"]): Condition | undefined {
  return conditions?.find((c) => c.type === type && c.status === "True");
}

/** What the planner may do with a failed action now. */
export type RetryGate =
  /** Never failed with these inputs: run as usual. */
  | { state: "clear" }
  /** Failed before; the wait is over: run again (attempt `attempt` of `of`). */
  | { state: "due"; attempt: number; of: number; reason: string }
  /** Failed; not before `until`. */
  | { state: "waiting"; until: string; failures: number; reason: string }
  /** Failed too often with these inputs: only a person (retry) or new inputs start it again. */
  | { state: "stalled"; failures: number; reason: string };

function gate(failures: number, reason: string, after: string | undefined, now: string | undefined): RetryGate {
  if (isStalled(failures)) return { state: "stalled", failures, reason };
  // Without a clock (`ateams plan`), the wait is shown as over: the reason names when it is due.
  if (after && now && Date.parse(now) < Date.parse(after)) return { state: "waiting", until: after, failures, reason };
  return { state: "due", attempt: failures + 1, of: RETRY_POLICY.maxAttempts, reason };
}

/** A task whose last attempt with `fingerprint`'s inputs failed. */
export function taskRetryGate(t: TaskStatus | undefined, fingerprint: string, now: string | undefined): RetryGate {
  if (!t || t.failedFingerprint !== fingerprint || t.fingerprint === fingerprint) return { state: "clear" };
  const failed = trueCondition(t.conditions, "Failed");
  const reason = failed ? `${failed.reason}${failed.message ? `: ${failed.message}` : ""}` : "failed";
  return gate(t.failures ?? 1, reason, t.retryAfter, now);
}

/** A project-level action (see actionKey) that failed with `inputs`. */
export function actionRetryGate(status: Status | undefined, key: string, inputs: string, now: string | undefined): RetryGate {
  const f = status?.actions?.[key];
  if (!f || f.inputs !== inputs) return { state: "clear" };
  return gate(f.failures, `${f.reason}${f.message ? `: ${f.message}` : ""}`, f.retryAfter, now);
}

/** `propose-plan`, `decompose-plan`, `assemble`, `verify-stream/<stream>`: one record per project-level action. */
export function actionKey(kind: string, stream?: string | null): string {
  return stream ? `${kind}/${stream}` : kind;
}

/** The task failed with these inputs once more: counted, its next attempt put off, Stalled at the bound. */
export function withTaskFailure(t: TaskStatus, fingerprint: string, at: string): TaskStatus {
  const failures = t.failedFingerprint === fingerprint ? (t.failures ?? 1) + 1 : 1;
  const stalled = isStalled(failures);
  const { retryAfter: _r, ...rest } = t;
  const conditions = stalled
    ? setCondition(t.conditions, { type: "Stalled", status: "True", reason: "RetriesExhausted", message: `failed ${failures} times with the same inputs; change them, or ateams retry / /retry` }, at)
    : (t.conditions ?? []).filter((c) => c.type !== "Stalled");
  return { ...rest, failedFingerprint: fingerprint, failures, ...(stalled ? {} : { retryAfter: retryAfter(at, failures) }), conditions };
}

/** A project-level action failed: counted against its inputs, its next attempt put off, the project Stalled at the bound. */
export function recordActionFailed(status: Status, key: string, f: { inputs: string; reason: string; message: string; at: string }): Status {
  const prior = status.actions?.[key];
  const failures = prior && prior.inputs === f.inputs ? prior.failures + 1 : 1;
  const stalled = isStalled(failures);
  const record: ActionFailure = { inputs: f.inputs, failures, reason: f.reason, message: f.message, at: f.at, ...(stalled ? {} : { retryAfter: retryAfter(f.at, failures) }) };
  const next: Status = { ...status, actions: { ...status.actions, [key]: record } };
  if (!stalled) return next;
  return { ...next, conditions: setCondition(next.conditions, { type: "Stalled", status: "True", reason: "RetriesExhausted", message: `${key} failed ${failures} times (${f.reason}: ${f.message}); ateams retry ${status.project}` }, f.at) };
}

/** The action succeeded: its failure record and any Stalled it caused are gone. */
export function clearActionFailure(status: Status, key: string): Status {
  if (!status.actions?.[key]) return status;
  const { [key]: _gone, ...actions } = status.actions;
  const { actions: _a, ...rest } = status;
  const next: Status = Object.keys(actions).length ? { ...rest, actions } : rest;
  return Object.keys(actions).length ? next : withoutStalled(next);
}

function withoutStalled(status: Status): Status {
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "Stalled");
  if (conditions.length === (status.conditions ?? []).length) return status;
  const { conditions: _c, ...rest } = status;
  return conditions.length ? { ...rest, conditions } : rest;
}

/** Drops the failure bookkeeping of a task (on success, or when a person asks for a retry). */
export function clearTaskFailure(t: TaskStatus): TaskStatus {
  const { failedFingerprint: _f, failures: _n, retryAfter: _r, ...rest } = t;
  const conditions = (t.conditions ?? []).filter((c) => c.type !== "Failed" && c.type !== "Stalled");
  const { conditions: _c, ...bare } = rest;
  return conditions.length ? { ...bare, conditions } : bare;
}

export type RetryTarget = { task: string } | { action: string } | { all: true };

/**
 * A person's retry (`ateams retry`, `/retry`): the named task or project-level action (or everything failed in the
 * project) starts again on the next run, at once and with a fresh count. Returns the status unchanged when nothing
 * named has failed, so the caller can say so.
 */
export function requestRetry(status: Status, target: RetryTarget): Status {
  let next = status;
  const tasks = "task" in target ? [target.task] : "all" in target ? Object.keys(status.tasks ?? {}) : [];
  for (const id of tasks) {
    const t = next.tasks?.[id];
    if (!t || !(t.failedFingerprint || isTrue(t.conditions, "Failed") || isTrue(t.conditions, "Stalled"))) continue;
    next = { ...next, tasks: { ...next.tasks, [id]: clearTaskFailure(t) } };
  }
  const keys = "action" in target ? [target.action] : "all" in target ? Object.keys(status.actions ?? {}) : [];
  for (const key of keys) next = clearActionFailure(next, key);
  return next;
}

/** Every failed task and project-level action of a project, for `ateams retry` to list or refuse with. */
export function failedTargets(status: Status | undefined): { tasks: string[]; actions: string[] } {
  const tasks = Object.entries(status?.tasks ?? {})
    .filter(([, t]) => t.failedFingerprint || isTrue(t.conditions, "Failed") || isTrue(t.conditions, "Stalled"))
    .map(([id]) => id);
  return { tasks, actions: Object.keys(status?.actions ?? {}) };
}
