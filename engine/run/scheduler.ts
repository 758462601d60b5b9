// The reconcile loop's shape, apart from what an action is: start whatever the latest plan says may start (up to a
// concurrency limit), and plan again the moment anything finishes. A plan is only as fresh as the files and refs it
// was made from, so an action that finishes while a plan is being made forces another plan straight away instead
// of waiting for the next finish: otherwise its dependents idle for as long as the slowest action in flight.
//
// Parallel actions tend to finish in bursts (a level of the DAG gets its verdicts back together). An action that
// has its answer and is only recording it says so (`finishing`); a plan made then would be stale within
// milliseconds, so the loop waits for those (a bounded moment) and plans once for the whole burst.

export interface ScheduleOptions<A extends { id: string }> {
  concurrency: number;
  /** Actions the latest plan would start now, best first; ones already in flight are skipped here. */
  startable(): readonly A[];
  /**
   * Runs one action to the end; it records its own failures (a rejection is treated as finished too). It calls
   * `finishing()` once nothing is left but recording its result (no more model calls, no waiting on people).
   */
  execute(action: A, finishing: () => void): Promise<void>;
  /** Re-reads files and refs and plans again; a throw stops the loop once what is in flight has settled. */
  replan(): Promise<void>;
  /** Longest wait for finishing actions before planning anyway (default 50 ms). */
  settleMs?: number;
}

export async function schedule<A extends { id: string }>(o: ScheduleOptions<A>): Promise<void> {
  const inflight = new Map<string, Promise<void>>();
  const finishing = new Set<string>();
  const settleMs = o.settleMs ?? 50;
  let finished = 0;
  let plannedAt = 0;
  for (;;) {
    for (const action of o.startable()) {
      if (inflight.size >= o.concurrency) break;
      if (inflight.has(action.id)) continue;
      inflight.set(action.id, Promise.resolve()); // reserved: an execute that throws at once must not leave it behind
      const running = (async () => {
        try {
          await o.execute(action, () => void finishing.add(action.id));
        } finally {
          inflight.delete(action.id);
          finishing.delete(action.id);
          finished++;
        }
      })();
      const settled = running.catch(() => undefined);
      if (inflight.has(action.id)) inflight.set(action.id, settled);
    }
    if (inflight.size === 0 && finished === plannedAt) return;
    if (inflight.size > 0 && finished === plannedAt) await Promise.race(inflight.values());
    await settle(inflight, finishing, settleMs);
    plannedAt = finished;
    try {
      await o.replan();
    } catch (e) {
      await Promise.allSettled(inflight.values());
      throw e;
    }
  }
}

/** Waits until no action in flight is finishing, at most `ms`. */
async function settle(inflight: ReadonlyMap<string, Promise<void>>, finishing: ReadonlySet<string>, ms: number): Promise<void> {
  const closing = () => [...finishing].map((id) => inflight.get(id)).filter((p) => p !== undefined);
  if (!closing().length) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((r) => (timer = setTimeout(r, ms)));
  try {
    // Another action may start finishing while the first ones do: wait for it too, within the same deadline.
    for (let wait = closing(); wait.length; wait = closing()) {
      let late = false;
      await Promise.race([Promise.all(wait), deadline.then(() => void (late = true))]);
      if (late) return;
    }
  } finally {
    clearTimeout(timer);
  }
}
