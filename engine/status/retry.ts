// Failed actions are retried by later runs with fresh calls, with backoff and a bound, the way Flux retries a failed
// reconcile and marks it Stalled: after MAX_ATTEMPTS failures in a row with the same inputs the action waits for a
// person (`ateams retry`, `/retry`) or for changed inputs, so an hourly schedule cannot keep paying for a hopeless
// action. Pure rewriters of status.yaml and the getters that read them; the planner and the executor share these
// rules and never spell out a condition themselves.
import type { ActionFailure, Condition, Status, TaskStatus } from "../agency/types.gen.ts";
import { setCondition } from "./record.ts";
import { fails, trueCondition } from "./conditions.ts";

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

/**
 * What sets a retried action's model calls apart from the tries before it, so the response cache never replays a
 * failure (a reply can be valid and still fail its action: a Collaborator's rejections until the revisions run out).
 * Undefined on a first try, so a run killed mid-action replays what it had already paid for; otherwise the failures
 * so far with the inputs that failed (an escalation's failure and the failure of its stronger tier are both "1"),
 * when the last one made the action wait until, and a person's last retry request: each new failure or request
 * changes it, and nothing else does.
 */
export function attemptLabel(f: { failures?: number | undefined; inputs?: string | undefined; retryAfter?: string | undefined; retryRequestedAt?: string | undefined; redoRequestedAt?: string | undefined }): string | undefined {
  const parts = [
    ...(f.failures ? [`failed ${f.failures}${f.inputs ? ` with ${f.inputs.slice(0, 12)}` : ""}`] : []),
    ...(f.retryAfter ? [`due ${f.retryAfter}`] : []),
    ...(f.retryRequestedAt ? [`retried ${f.retryRequestedAt}`] : []),
    // A redo asks afresh even when the prompt is the one the finished work was done with.
    ...(f.redoRequestedAt ? [`redone ${f.redoRequestedAt}`] : []),
  ];
  return parts.length ? parts.join(", ") : undefined;
}

export const taskAttempt = (t: TaskStatus | undefined): string | undefined =>
  attemptLabel({ failures: t?.failedFingerprint ? (t.failures ?? 1) : 0, inputs: t?.failedFingerprint, retryAfter: t?.retryAfter, retryRequestedAt: t?.retryRequestedAt, redoRequestedAt: t?.redoRequestedAt });

export const actionAttempt = (status: Status | undefined, key: string): string | undefined =>
  attemptLabel({ failures: status?.actions?.[key]?.failures, inputs: status?.actions?.[key]?.inputs, retryAfter: status?.actions?.[key]?.retryAfter, retryRequestedAt: status?.retryRequestedAt });

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

/** Condition types that say "this failed and waits". */
const FAILURE_TYPES: ReadonlySet<string> = new Set(["Failed", "Stalled"]);

/** Reasons of a project's `Ready=False` that are the outcome of waiting on a person, not of a failed action. */
const WAITING_REASONS: ReadonlySet<string> = new Set(["PlanAwaitingApproval", "StreamsAwaitingReview"]);

const isFailure = (c: Condition) => c.status === "True" && FAILURE_TYPES.has(c.type);

/** The task failed and waits: a retry has something to clear. */
export function taskFailed(t: TaskStatus | undefined): boolean {
  return Boolean(t?.failedFingerprint) || Boolean(t?.conditions?.some(isFailure));
}

/** A planning, stream-check or assembly step of the project failed (recorded on the project, not on a task). */
export function projectFailed(s: Status): boolean {
  if (Object.keys(s.actions ?? {}).length) return true;
  return (s.conditions ?? []).some((c) => isFailure(c) || (fails(c, "Ready") && !WAITING_REASONS.has(c.reason)));
}

/**
 * A person's retry (`ateams retry`, `/retry`), Flux style: the request is recorded (`retryRequestedAt`, like Flux's
 * requestedAt annotation) and the failure it answers is cleared — the Failed/Stalled conditions, the failed inputs,
 * the failure count and backoff that bound automatic retries — so the next run starts it at once with a fresh count.
 * With `project`, every failed project-level action (planning, stream checks, assembly) is cleared too.
 */
export function requestRetry(status: Status, target: { tasks: readonly string[]; project: boolean }, at: string): Status {
  let next = status;
  for (const id of target.tasks) {
    const { attempts: _a, ...t } = clearTaskFailure(next.tasks?.[id] ?? {});
    const conditions = (t.conditions ?? []).filter((c) => !fails(c, "Ready"));
    const { conditions: _c, ...bare } = t;
    next = { ...next, tasks: { ...next.tasks, [id]: { ...bare, retryRequestedAt: at, ...(conditions.length ? { conditions } : {}) } } };
  }
  if (target.project) {
    for (const key of Object.keys(next.actions ?? {})) next = clearActionFailure(next, key);
    const kept = (next.conditions ?? []).filter((c) => !(FAILURE_TYPES.has(c.type) || (fails(c, "Ready") && !WAITING_REASONS.has(c.reason))));
    const { conditions: _c, ...rest } = next;
    next = { ...rest, ...(kept.length ? { conditions: kept } : {}), retryRequestedAt: at };
  }
  return next;
}
