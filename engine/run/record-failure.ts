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
import { ActionError, outcomeOf, type Outcome } from "./outcome.ts";
import { trailers, type RunContext } from "./run-context.ts";

/** Project-level actions whose failures are retried with backoff and a bound (status/retry.ts). */
export const RETRIED: ReadonlySet<ActionKind> = new Set(["propose-plan", "decompose-plan", "verify-stream", "assemble", "review-learning", "review-stream"]);

export async function recordFailure(ctx: RunContext, project: LoadedProject, action: Action, thrown: unknown, note: (o: Outcome) => void): Promise<void> {
  const usage = thrown instanceof ActionError ? thrown.usage : undefined;
  const e = thrown instanceof ActionError ? thrown.cause : thrown;
  let o: Outcome;
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
  } else if (action.kind === "run-task") {
    const { task, fingerprint } = action;
    await status.update(
      (s) => (o.transient ? recordTaskAttemptFailed(s, task, { reason: o.reason, message: o.message, at, ...spent }) : recordTaskFailed(s, task, { fingerprint, reason: o.reason, message: o.message, at, ...spent })),
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

/** What the run has noted about its failures so far, and what they stopped. */
export interface RunNotes {
  /** One line each, for the run's report. */
  failures: string[];
  /** Projects the run stopped working on (a project budget ran out). */
  stoppedProjects: Set<string>;
  /** Nothing more is started (the model server is down, a fatal error, git failing). */
  stopAll: boolean;
}

/** The run's note about a failed action: its line in the report, and whether it stops the run or its project's work. */
export function noteFailure(notes: RunNotes, project: LoadedProject, action: Action, o: Outcome): void {
  if (o.outage) {
    // The endpoint, not the action: said once for the run, whatever number of actions it cut short.
    const line = `model server ${o.outage} unavailable: ${o.message.replace(/^model server \S+ is unavailable: /, "")}; nothing was recorded, the next run tries again`;
    if (!notes.failures.includes(line)) notes.failures.push(line);
    notes.stopAll = true;
    return;
  }
  notes.failures.push(`${project.id} ${action.id}: ${o.reason}: ${o.message}`);
  if (o.fatal) notes.stopAll = true;
  if (o.budget === "project") notes.stoppedProjects.add(project.id);
}

/** What was thrown, in one line for the run's report: the first line of its message. */
export function errorLine(e: unknown): string {
  return e instanceof Error ? (e.message.split("\n")[0] ?? "") : String(e);
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
