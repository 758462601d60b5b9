// Whether the pipeline starts its next wave. Jobs started with a workflow's own token start no workflow, except
// through `workflow_dispatch` and `repository_dispatch`, so after a wave's reconcile has merged streams the pipeline
// dispatches itself, once per wave, and only for task work that is new: work that could already start when the wave
// began was given to this wave's stream jobs, and if it is still there, they failed on it (their red job says why)
// and starting again would fail the same way. A counter carried through the dispatch bounds the chain that one
// person's event can start.

export type Continuation =
  /** No stream job has anything it can start: the rest waits on people, or the work is done. */
  | { kind: "done" }
  /** Everything that can start was already this wave's: nothing is dispatched. */
  | { kind: "same"; work: string[] }
  /** New work, but the chain is at its bound: a person's next event (or the schedule) starts it. */
  | { kind: "bound"; work: string[]; chain: number; maxChain: number }
  /** New work: dispatch the next wave with this chain number. */
  | { kind: "dispatch"; work: string[]; chain: number; maxChain: number };

export interface ContinuationInput {
  /** `startableWork` when the wave began (the plan job's `plan --wave`). */
  before: readonly string[];
  /** `startableWork` after the wave's reconcile. */
  now: readonly string[];
  /** How many dispatched runs led to this one (0 for a run a person's event started). */
  chain: number;
  /** Most dispatched runs in a row. */
  maxChain: number;
}

export function decideContinuation({ before, now, chain, maxChain }: ContinuationInput): Continuation {
  if (!now.length) return { kind: "done" };
  const given = new Set(before);
  const work = now.filter((w) => !given.has(w));
  if (!work.length) return { kind: "same", work: [...now] };
  if (chain + 1 > maxChain) return { kind: "bound", work, chain, maxChain };
  return { kind: "dispatch", work, chain: chain + 1, maxChain };
}
