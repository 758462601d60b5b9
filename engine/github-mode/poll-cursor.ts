// Where polling left off, kept in every project's status.yaml (`cursor`), so a run outside Actions asks GitHub only
// for what is new. The same cursor is written to every project in one commit; reading takes the earliest, so a
// project added since (no cursor yet) or a status restored from an older commit never makes intake skip anything.
import { startCursor, type PollCursor } from "../github/index.ts";
import type { Cursor, Status } from "../agency/types.gen.ts";

/** The earliest recorded cursor; with none recorded, only what happens from `now` on is news. */
export function cursorFrom(statuses: Iterable<Status | undefined>, now: string): PollCursor {
  let earliest: Cursor | undefined;
  for (const s of statuses) {
    const c = s?.cursor;
    if (c?.since && (!earliest?.since || Date.parse(c.since) < Date.parse(earliest.since))) earliest = c;
  }
  if (!earliest?.since) return startCursor(now);
  const { since, issueComments, reviewComments, pulls, seen } = earliest;
  // A cursor with only `since` (written before the per-source times were kept) starts every source there.
  if (!issueComments || !reviewComments || !pulls) return startCursor(since);
  return { issueComments, reviewComments, pulls, seen: seen ?? [] };
}

export function withCursor(status: Status, cursor: PollCursor): Status {
  const times = [cursor.issueComments, cursor.reviewComments, cursor.pulls];
  const since = times.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  return { ...status, cursor: { since, issueComments: cursor.issueComments, reviewComments: cursor.reviewComments, pulls: cursor.pulls, seen: [...cursor.seen].sort() } };
}
