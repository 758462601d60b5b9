// The Director's feedback on the plan and on the assembled deliverable (/revise on the plan or assembly PR), as
// pure rewriters of status.yaml. Entries are keyed by their source (the comment's URL), so recording a comment
// again returns the very same status object and the caller can skip the write.
import type { Feedback, Status } from "../agency/types.gen.ts";

/** `list` with `entry` added or updated in place; `list` itself when it already holds exactly that entry. */
export function upsertFeedback(list: readonly Feedback[], entry: Feedback): readonly Feedback[] {
  const i = entry.source === undefined ? -1 : list.findIndex((f) => f.source === entry.source);
  if (i === -1) return [...list, entry];
  const prior = list[i]!;
  if (prior.text === entry.text && prior.by === entry.by) return list;
  return list.map((f, j) => (j === i ? entry : f));
}

/** plan.feedback: the planner has the PM propose again while it differs from plan.feedbackDigest. */
export function recordPlanFeedback(status: Status, entry: Feedback): Status {
  const list = status.plan?.feedback ?? [];
  const next = upsertFeedback(list, entry);
  return next === list ? status : { ...status, plan: { ...status.plan, feedback: [...next] } };
}

/** assembly.feedback, part of the assembly fingerprint; undefined when nothing has been assembled to revise. */
export function recordAssemblyFeedback(status: Status, entry: Feedback): Status | undefined {
  if (!status.assembly) return undefined;
  const list = status.assembly.feedback ?? [];
  const next = upsertFeedback(list, entry);
  return next === list ? status : { ...status, assembly: { ...status.assembly, feedback: [...next] } };
}
