// Recording people's feedback in status.yaml: a pure rewriter (status, effect) → status. The
// feedback list is part of the task's fingerprint, so a recorded entry makes the task run again with it.
import type { Feedback, Status, TaskStatus } from "../agency/types.gen.ts";
import type { CommandEffect, FeedbackEffect } from "./effect.ts";

/**
 * Adds the feedback to `tasks.<task>.feedback`, keyed by its source (the comment's URL). Events are polled and may
 * be seen again, so re-applying the same comment returns the very same status object (callers can skip the write).
 * A comment that was edited since comes back with the same source and new text; its entry is updated in place,
 * which changes the fingerprint again, as the reviewer's corrected words should.
 */
export function applyFeedback(status: Status, effect: FeedbackEffect): Status {
  const prior: TaskStatus = status.tasks?.[effect.task] ?? {};
  const list = prior.feedback ?? [];
  const entry: Feedback = { by: effect.by, at: effect.at, source: effect.source, text: effect.text };
  const i = list.findIndex((f) => f.source === effect.source);
  if (i !== -1 && list[i]!.text === entry.text && list[i]!.by === entry.by) return status;
  const feedback = i === -1 ? [...list, entry] : list.map((f, j) => (j === i ? entry : f));
  return { ...status, tasks: { ...status.tasks, [effect.task]: { ...prior, feedback } } };
}

/**
 * Joins the feedback effects of one comment that go to the same task into one, in order, so that two `/revise`
 * for one task in a comment are not one source overwriting the other. Other effects pass through unchanged.
 */
export function mergeFeedback(effects: readonly CommandEffect[]): CommandEffect[] {
  const out: CommandEffect[] = [];
  const seen = new Map<string, number>();
  for (const e of effects) {
    if (e.type !== "feedback") {
      out.push(e);
      continue;
    }
    const key = JSON.stringify([e.project, e.task, e.source]);
    const at = seen.get(key);
    if (at === undefined) {
      seen.set(key, out.length);
      out.push(e);
    } else {
      const first = out[at] as FeedbackEffect;
      out[at] = { ...first, text: `${first.text}\n\n${e.text}` };
    }
  }
  return out;
}
