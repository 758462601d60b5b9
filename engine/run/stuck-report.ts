// The end of a run: work the plan still wants and this run could do is stuck, and the run says so rather than exit
// 0. Work that waits on another job's (another stream's tasks in a --stream job, a task a --fan-out reconcile left
// for its stream job) is the healthy end of a fan-out job, reported as what it waits on instead.
import { streamWork, type WaitingTask } from "../plan/stream-work.ts";
import type { Action } from "../plan/types.ts";
import { isExecutable } from "./executors.ts";
import type { StartState } from "./startable.ts";

export interface EndState extends StartState {
  /** A task a fan-out reconcile left for its stream job. */
  left(a: Action): boolean;
  /** A fan-out job's streams (RunOptions.streams); none for a full run. */
  streams?: readonly string[];
}

/** A fan-out job's task that waits on work outside its streams (another stream's tasks, an approval). */
export interface StreamWaiting extends WaitingTask {
  project: string;
  stream: string;
}

export interface StuckReport {
  /** Actions this run could do and did not get done, in plan order. */
  stuck: Action[];
  waiting: StreamWaiting[];
}

/** What the plan made after the last action still wants: stuck in this run, or waiting on another job's work. */
export function stuckReport(s: EndState): StuckReport {
  const pending = new Map(s.plan.projects.flatMap((p) => p.actions.map((a) => [a.id, a] as const)));
  /** Whether `a` waits, directly or through work not tried yet, on work another job does. */
  const elsewhere = (a: Action): boolean =>
    a.after.some((id) => {
      // A task's check is done by the task's own run.
      const d = pending.get(id.startsWith("verify-task:") ? `run-task:${id.slice("verify-task:".length)}` : id) ?? pending.get(id);
      if (!d) return false;
      if (s.left(d) || (isExecutable(d.kind) && !s.inScope(d))) return true;
      return !s.tried(d) && elsewhere(d);
    });
  const stuck = s.plan.projects
    .filter((p) => !s.stopped.has(p.id))
    .flatMap((p) => p.actions)
    .filter((a) => s.inScope(a) && !s.left(a) && (s.tried(a) || !elsewhere(a)));
  const streams = s.streams?.length ? s.streams : undefined;
  const waiting = streams
    ? streamWork(s.plan)
        .filter((w) => streams.includes(w.stream))
        .flatMap((w) => w.waiting.map((t) => ({ project: w.project, stream: w.stream, ...t })))
    : [];
  return { stuck, waiting };
}
