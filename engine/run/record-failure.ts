// What a failed action leaves behind: the run's note about it, and in status.yaml the task's failure, the
// project's budget block, or a project-level action's retry record (status/retry.ts); and what a later success
// clears.
import type { LoadedProject } from "../agency/model.ts";
import type { Status } from "../agency/types.gen.ts";
import { actionInputs } from "../plan/action-inputs.ts";
import type { Action, ActionKind } from "../plan/types.ts";
import { fails } from "../status/conditions.ts";
import { addUsage, recordTaskAttemptFailed, recordTaskFailed, setProjectCondition } from "../status/record.ts";
import { actionKey, clearActionFailure, recordActionFailed } from "../status/retry.ts";
import { ActionError, outcomeOf } from "./outcome.ts";
import { trailers, type RunContext } from "./run-context.ts";

/** Project-level actions whose failures are retried with backoff and a bound (status/retry.ts). */
export const RETRIED: ReadonlySet<ActionKind> = new Set(["propose-plan", "decompose-plan", "verify-stream", "assemble", "review-learning", "review-stream"]);

export async function recordFailure(ctx: RunContext, project: LoadedProject, action: Action, thrown: unknown, note: (o: ReturnType<typeof outcomeOf>) => void): Promise<void> {
  const usage = thrown instanceof ActionError ? thrown.usage : undefined;
  const e = thrown instanceof ActionError ? thrown.cause : thrown;
  let o;
  try {
    o = outcomeOf(e);
  } catch {
    o = { reason: "InternalError", message: e instanceof Error ? e.message : String(e), fatal: false, transient: false };
  }
  note(o);
  if (o.outage) return; // the run's one condition says it all; the actions cut short are simply tried again
  const at = ctx.now();
  const status = ctx.status(project);
  const tr = trailers({ project: project.id, kind: "status", ...(action.task ? { task: action.task } : {}) });
  ctx.progress.emit({ kind: "failed", project: project.id, action: action.task ?? action.kind, text: `${o.reason}: ${o.message}` });
  if (o.reason === "GitError") return; // git cannot record anything now; the next run adopts what was committed
  const spent = usage ? { usage } : {};
  if (o.budget) {
    await status.update(
      (s) => {
        const blocked = setProjectCondition(s, { type: "Blocked", status: "True", reason: "BudgetExceeded", message: o.message }, at);
        return action.task && usage ? recordTaskAttemptFailed(blocked, action.task, { reason: o.reason, message: o.message, at, usage }) : usage ? { ...blocked, usage: addUsage(blocked.usage, usage) } : blocked;
      },
      `ateams: ${project.id} stopped: ${o.message}`,
      tr,
    );
  } else if (action.kind === "run-task" && action.task) {
    await status.update(
      (s) => (o.transient ? recordTaskAttemptFailed(s, action.task!, { reason: o.reason, message: o.message, at, ...spent }) : recordTaskFailed(s, action.task!, { fingerprint: action.fingerprint!, reason: o.reason, message: o.message, at, ...spent })),
      `ateams: ${project.id}/${action.task} failed: ${o.reason}`,
      tr,
    );
  } else {
    await status.update((s) => {
      let next = setProjectCondition(s, { type: "Ready", status: "False", reason: o.reason, message: `${action.kind}: ${o.message}` }, at);
      // Counted against the action's inputs: retried by later runs after a backoff, Stalled at the bound.
      if (!o.transient && RETRIED.has(action.kind)) next = recordActionFailed(next, actionKey(action.kind, action.stream), { inputs: actionInputs(project, action.kind, action.fingerprint), reason: o.reason, message: o.message, at });
      return usage ? { ...next, usage: addUsage(next.usage, usage) } : next;
    }, `ateams: ${project.id} ${action.kind} failed`, tr);
  }
}

/** A project-level action that failed before has now succeeded: its retry record and the Ready=False it set go. */
export function recovered(s: Status, action: Action): Status {
  const cleared = clearActionFailure(s, actionKey(action.kind, action.stream));
  const stale = cleared.conditions?.find((c) => fails(c, "Ready") && c.message?.startsWith(`${action.kind}: `));
  if (!stale) return cleared;
  const conditions = cleared.conditions!.filter((c) => c !== stale);
  const { conditions: _c, ...rest } = cleared;
  return conditions.length ? { ...rest, conditions } : rest;
}
