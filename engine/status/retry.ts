// A person's retry, Flux style: the request is recorded (`retryRequestedAt`, like Flux's requestedAt annotation)
// and the failure it answers is cleared — the Failed condition, the failed inputs that kept the planner from
// running the task again, and the attempt count that bounds automatic retries — so the next run starts afresh.
import type { Condition, Status, TaskStatus } from "../spec/types.gen.ts";

/**
 * Condition types that say "this failed and waits": Failed, and the Stalled a bound on automatic retries ends in.
 * Strings, so a type the schema adds later is cleared here without a change.
 */
const FAILURE_TYPES: ReadonlySet<string> = new Set(["Failed", "Stalled"]);

/** Reasons of a project's `Ready=False` that are the outcome of a failed action (not of waiting on a person). */
const WAITING_REASONS: ReadonlySet<string> = new Set(["PlanAwaitingApproval", "StreamsAwaitingReview"]);

const isFailure = (c: Condition) => c.status === "True" && FAILURE_TYPES.has(c.type);

export function taskFailed(t: TaskStatus | undefined): boolean {
  return Boolean(t?.failedFingerprint) || Boolean(t?.conditions?.some(isFailure));
}

/** A planning or assembly step of the project failed (recorded on the project, not on a task). */
export function projectFailed(s: Status): boolean {
  return (s.conditions ?? []).some((c) => isFailure(c) || (c.type === "Ready" && c.status === "False" && !WAITING_REASONS.has(c.reason)));
}

function clearTask(t: TaskStatus, at: string): TaskStatus {
  const { failedFingerprint: _f, attempts: _a, conditions: prior, ...rest } = t;
  const conditions = (prior ?? []).filter((c) => !FAILURE_TYPES.has(c.type) && !(c.type === "Ready" && c.status === "False"));
  return { ...rest, retryRequestedAt: at, ...(conditions.length ? { conditions } : {}) };
}

/** Clears the failures of `tasks` (and of the project's own step when `project`), recording when it was asked. */
export function requestRetry(status: Status, target: { tasks: readonly string[]; project: boolean }, at: string): Status {
  let next = status;
  for (const id of target.tasks) next = { ...next, tasks: { ...next.tasks, [id]: clearTask(next.tasks?.[id] ?? {}, at) } };
  if (target.project) {
    const kept = (next.conditions ?? []).filter((c) => !(FAILURE_TYPES.has(c.type) || (c.type === "Ready" && c.status === "False" && !WAITING_REASONS.has(c.reason))));
    const { conditions: _c, ...rest } = next;
    next = { ...rest, ...(kept.length ? { conditions: kept } : {}), retryRequestedAt: at };
  }
  return next;
}
