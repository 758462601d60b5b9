// Which of the plan's actions the run starts now: those whose prerequisites are done, with two refinements that
// save whole steps of wall time without changing what gets done.
//
// - A stream's merge waits while stream checks of its project are in flight or starting: the assembly waits for
//   every merge anyway, and streams checked together then land in one merge (one check of the working tree, one
//   update of it) instead of one merge each.
// - An assembly whose only unfinished prerequisites are merges that are running or start now starts with them. Its
//   model call is answered while the merges run; it records nothing until they have landed (execute-assembly.ts).
import type { Action, ReconcilePlan } from "../plan/types.ts";

export interface StartState {
  plan: ReconcilePlan;
  /** Projects the run stopped working on (a project budget ran out). */
  stopped: ReadonlySet<string>;
  /** Actions this run executes at all (kinds it can run, a fan-out job's streams). */
  inScope(a: Action): boolean;
  /** Started already in this run with these inputs: never twice. */
  tried(a: Action): boolean;
  /** Ids of actions running now. */
  inflight: ReadonlySet<string>;
  /** Stream checks running now, by project. */
  checking: ReadonlyMap<string, number>;
  /** Actions that may run at once. */
  concurrency: number;
}

/** Actions to start, in the order to start them; the scheduler takes them in order while slots are free. */
export function startableActions(s: StartState): Action[] {
  const byId = new Map(s.plan.projects.flatMap((p) => p.actions.map((a) => [a.id, a] as const)));
  const waiting = (a: Action) => a.after.some((d) => byId.has(d));
  const ready = s.plan.projects
    .filter((p) => !s.stopped.has(p.id))
    .flatMap((p) => p.actions)
    .filter((a) => s.inScope(a) && !s.tried(a) && (!waiting(a) || withMerges(a)));
  // Checks about to start count too: they start in this same round.
  const checkingNow = new Set(ready.filter((a) => a.kind === "verify-stream").map((a) => a.project));
  const held = (a: Action) => (a.kind === "merge-stream" || early(a)) && (!!s.checking.get(a.project) || checkingNow.has(a.project));
  const list = ready.filter((a) => !held(a));
  // An early assembly waits for its merges, so it must never take a slot one of them could not get: each is
  // running already or starts in this round, before it.
  let free = s.concurrency - s.inflight.size;
  const starting = new Set(list.filter(() => free-- > 0).map((a) => a.id));
  return list.filter((a) => !early(a) || (starting.has(a.id) && a.after.every((d) => s.inflight.has(d) || starting.has(d))));

  /** An assembly whose unfinished prerequisites are all merges of its project, each running or ready to start. */
  function withMerges(a: Action): boolean {
    return (
      a.kind === "assemble" &&
      a.after.every((d) => {
        const m = byId.get(d);
        if (!m) return true; // done
        if (m.kind !== "merge-stream" || m.project !== a.project) return false;
        // Running with these inputs, or ready to start; a run of the same merge with other inputs (the stream changed
        // since) is neither, and this one cannot start before that run ends.
        return s.inflight.has(d) ? s.tried(m) : s.inScope(m) && !s.tried(m) && !waiting(m);
      })
    );
  }
  function early(a: Action): boolean {
    return a.kind === "assemble" && waiting(a);
  }
}
