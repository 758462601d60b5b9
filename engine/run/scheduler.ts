// The reconcile loop's shape, apart from what an action is: start whatever the latest plan says may start (up to a
// concurrency limit), and plan again the moment anything finishes. A plan is only as fresh as the files and refs it
// was made from, so an action that finishes while a plan is being made forces another plan straight away instead
// of waiting for the next finish: otherwise its dependents idle for as long as the slowest action in flight.
// (A settle window that waited for a burst of finishing actions to plan once for all of them was removed: at
// realistic model latency it gained nothing measurable, `npm run bench -- latency`.)

export interface ScheduleOptions<A extends { id: string }> {
  concurrency: number;
  /** Actions the latest plan would start now, best first; ones already in flight are skipped here. */
  startable(): readonly A[];
  /** Runs one action to the end; it records its own failures (a rejection is treated as finished too). */
  execute(action: A): Promise<void>;
  /** Re-reads files and refs and plans again; a throw stops the loop once what is in flight has settled. */
  replan(): Promise<void>;
}

export async function schedule<A extends { id: string }>(o: ScheduleOptions<A>): Promise<void> {
  const inflight = new Map<string, Promise<void>>();
  let finished = 0;
  let plannedAt = 0;
  for (;;) {
    for (const action of o.startable()) {
      if (inflight.size >= o.concurrency) break;
      if (inflight.has(action.id)) continue;
      inflight.set(action.id, Promise.resolve()); // reserved: an execute that throws at once must not leave it behind
      const running = (async () => {
        try {
          await o.execute(action);
        } finally {
          inflight.delete(action.id);
          finished++;
        }
      })();
      const settled = running.catch(() => undefined);
      if (inflight.has(action.id)) inflight.set(action.id, settled);
    }
    if (inflight.size === 0 && finished === plannedAt) return;
    if (inflight.size > 0 && finished === plannedAt) await Promise.race(inflight.values());
    plannedAt = finished;
    try {
      await o.replan();
    } catch (e) {
      await Promise.allSettled(inflight.values());
      throw e;
    }
  }
}
