// Which of the plan's actions the run starts now: those in scope, not tried yet with these inputs, whose
// prerequisites are all done, in plan order. (Holding merges back to batch them, and starting the assembly's call
// alongside its merges, were tried and removed: at realistic model latency neither changed the wall time beyond
// its noise, `npm run bench -- latency`.)
import type { Action, ReconcilePlan } from "../plan/types.ts";
import { isExecutable } from "./executors.ts";

export interface StartState {
  plan: ReconcilePlan;
  /** Projects the run stopped working on (a project budget ran out). */
  stopped: ReadonlySet<string>;
  /** Actions this run executes at all (kinds it can run, a fan-out job's streams). */
  inScope(a: Action): boolean;
  /** Started already in this run with these inputs: never twice. */
  tried(a: Action): boolean;
}

/** What a run carries out: the kinds the engine executes, and in a `--stream` job only its streams' tasks. */
export function scopeOf(streams: readonly string[] | undefined): (a: Action) => boolean {
  return (a) => isExecutable(a.kind) && (!streams || (!!a.stream && streams.includes(a.stream) && a.kind === "run-task"));
}

/** Actions to start, in the order to start them; the scheduler takes them in order while slots are free. */
export function startableActions(s: StartState): Action[] {
  const pending = new Set(s.plan.projects.flatMap((p) => p.actions.map((a) => a.id)));
  return s.plan.projects
    .filter((p) => !s.stopped.has(p.id))
    .flatMap((p) => p.actions)
    .filter((a) => s.inScope(a) && !s.tried(a) && !a.after.some((d) => pending.has(d)));
}
