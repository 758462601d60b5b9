// The Director's feedback on the plan itself (/revise on the plan PR) is recorded in status.yaml under
// plan.feedback. When the PM proposes, it records the digest of the feedback it was shown (plan.feedbackDigest);
// feedback that arrived since is what makes the planner ask it to propose again.
import type { Feedback, Status } from "../agency/types.gen.ts";
import { digest } from "./digest.ts";

/** Undefined when there is no feedback; who wrote what decides, not when or where (an edit changes the text). */
export function feedbackDigest(feedback: readonly Feedback[] | undefined): string | undefined {
  return feedback?.length ? digest(feedback.map((f) => ({ by: f.by, text: f.text }))).slice(0, 16) : undefined;
}

/** True while the plan has feedback the PM has not proposed with yet. */
export function planFeedbackPending(status: Status | undefined): boolean {
  const current = feedbackDigest(status?.plan?.feedback);
  return current !== undefined && current !== status?.plan?.feedbackDigest;
}
