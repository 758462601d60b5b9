// What a fan-out job per stream can do now (`plan --matrix`, `run --stream`, the pipeline's continuation): a stream
// job runs only its own stream's tasks, so a task can start there when everything it waits on is done or is an
// earlier task of the same stream. Everything else waits on work outside the stream (another stream's tasks, the
// plan's approval), and a job for it would have nothing to do.
import type { Action, ReconcilePlan } from "./types.ts";

export interface WaitingTask {
  task: string;
  /** The unfinished work outside the stream it waits on, directly or through earlier tasks of its stream. */
  on: string[];
}

export interface StreamWork {
  project: string;
  stream: string;
  /** Task actions a job for this stream can take now, in plan order. */
  startable: Action[];
  waiting: WaitingTask[];
}

const TASK_KINDS = new Set<Action["kind"]>(["run-task", "verify-task"]);

/** How a blocker reads in a notice: `research/audience-profiles` for a task, the action's kind otherwise. */
function label(a: Action): string {
  return a.task && a.stream ? `${a.stream}/${a.task}` : a.stream ? `${a.kind} ${a.stream}` : a.kind;
}

/** Every stream with task work, per project in plan order: what its job can start and what waits outside it. */
export function streamWork(plan: ReconcilePlan): StreamWork[] {
  const out: StreamWork[] = [];
  for (const project of plan.projects) {
    const byId = new Map(project.actions.map((a) => [a.id, a] as const));
    const memo = new Map<string, Set<string>>();
    /** The outside work `a` waits on; empty when a job for its stream can get to it. */
    const outside = (a: Action): Set<string> => {
      let found = memo.get(a.id);
      if (found) return found;
      found = new Set<string>();
      for (const id of a.after) {
        const dep = byId.get(id);
        if (!dep) continue; // done
        if (TASK_KINDS.has(dep.kind) && dep.stream === a.stream) for (const o of outside(dep)) found.add(o);
        else found.add(label(dep));
      }
      memo.set(a.id, found);
      return found;
    };
    const streams = new Map<string, StreamWork>();
    for (const a of project.actions) {
      if (a.kind !== "run-task" || !a.stream || !a.task) continue;
      let work = streams.get(a.stream);
      if (!work) streams.set(a.stream, (work = { project: project.id, stream: a.stream, startable: [], waiting: [] }));
      const on = outside(a);
      if (on.size) work.waiting.push({ task: a.task, on: [...on] });
      else work.startable.push(a);
    }
    out.push(...streams.values());
  }
  return out;
}

/** The Actions matrix of a fan-out: one job per stream that has work it can start now. */
export function streamMatrix(plan: ReconcilePlan): { include: { project: string; stream: string }[] } {
  return { include: streamWork(plan).filter((w) => w.startable.length).map((w) => ({ project: w.project, stream: w.stream })) };
}

/**
 * The task work stream jobs can start now, each as `project/task@fingerprint`: the same task with other inputs is
 * other work. The pipeline compares this before and after a wave to tell new work from work that was already
 * given to a job.
 */
export function startableWork(plan: ReconcilePlan): string[] {
  return streamWork(plan).flatMap((w) => w.startable.map((a) => `${a.project}/${a.task}@${a.fingerprint ?? ""}`));
}
