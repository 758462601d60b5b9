// One action of the reconcile loop, start to end: carry it out, note and record how it failed, record what its model
// calls cost, and notice a status store that could not commit. It settles everything it did here; the loop only
// schedules and re-plans.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import type { Action } from "../plan/types.ts";
import { ActionMeter, meterScope } from "./action-meter.ts";
import { commitAttemptRecords } from "./execute-task.ts";
import { executeAction } from "./executors.ts";
import { errorLine, noteFailure, recordFailure, recovered, RETRIED, type RunNotes } from "./record-failure.ts";
import { trailers, type RunContext } from "./run-context.ts";
import type { StatusStore } from "./status-store.ts";

/** What the run's actions have added up to so far: the failures noted, what they stopped, the tasks left. */
export interface RunTally extends RunNotes {
  /** Run keys of the tasks a fan-out reconcile left for stream jobs. */
  left: Set<string>;
}

/** What one action runs with: the action's own project and agency, and the run's settings and shared tally. */
export interface ActionRun {
  ctx: RunContext;
  /** The agency as loaded when the action was planned. */
  model: AgencyModel;
  project: LoadedProject;
  /** A fan-out reconcile (RunOptions.fanOut). */
  fanOut: boolean;
  /** A fan-out job (RunOptions.streams): its status stays local. */
  streamJob: boolean;
  /** Times the metrics records. */
  clock: () => string;
  /** The run's status stores, by project: one whose commit failed stops the run. */
  stores: ReadonlyMap<string, StatusStore>;
  tally: RunTally;
}

/** An action with these inputs: started at most once per run. */
export const runKey = (a: Action): string => `${a.id}@${a.fingerprint ?? ""}`;

export async function runAction(action: Action, { ctx, model, project, fanOut, streamJob, clock, stores, tally }: ActionRun): Promise<void> {
  const meter = new ActionMeter(meterScope(action, project), clock);
  try {
    const done = await executeAction(action, { ctx: { ...ctx, deps: meter.deps(ctx.deps) }, model, project, fanOut, meter });
    if (done.failure) tally.failures.push(done.failure);
    if (done.left) tally.left.add(runKey(action));
    // Done without an error: a failure it was being retried for is over (joins the action's own status commit).
    if (RETRIED.has(action.kind)) await ctx.status(project).update((s) => recovered(s, action), `ateams: ${project.id} ${action.id} recovered`, trailers({ project: project.id, kind: "status" }));
  } catch (e) {
    try {
      await recordFailure(ctx, project, action, e, (o) => noteFailure(tally, project, action, o));
    } catch (again) {
      // Recording the failure failed too (git itself is failing): stop, and say why.
      tally.stopAll = true;
      tally.failures.push(`${project.id} ${action.id}: could not record the failure: ${errorLine(again)}`);
    }
  }
  // The calls not committed with a task's work (planning, checks, assembly, a failed attempt): with the status; in
  // a --stream job, whose status stays local, a task's on its stream branch.
  try {
    if (streamJob && action.kind === "run-task") await commitAttemptRecords(ctx, project, action.stream, action.task, meter.take());
    else await ctx.status(project).appendMetrics(meter.take(), `ateams: ${project.id} ${action.id} metrics`, trailers({ project: project.id, kind: "status" }));
  } catch (e) {
    tally.failures.push(`${project.id} ${action.id}: could not record its metrics: ${errorLine(e)}`);
  }
  const broken = [...stores.values()].find((s) => s.error !== undefined);
  if (broken && !tally.stopAll) {
    tally.stopAll = true;
    tally.failures.push(`status commit failed: ${errorLine(broken.error)}`);
  }
}
