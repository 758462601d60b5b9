// Whether a stream may be accepted by a person right now, as a pure check. Recording an
// approval is the command pipeline's (intake/apply-effect.ts); this only decides.
import type { ProjectPlan } from "../plan/types.ts";
import type { Status } from "../agency/types.gen.ts";
import { blockedCondition } from "./conditions.ts";


export type ReviewDecision =
  | { kind: "accept"; fingerprint: string }
  /** Accepted with the current fingerprint: nothing to do. */
  | { kind: "already"; message: string }
  | { kind: "refuse"; message: string };

export interface ReviewOptions {
  /**
   * Also accept a stream the engine would merge by itself (a `merge-stream` action with nothing left before it):
   * `/approve` on a stream PR merges verified work now rather than at the next run. The CLI keeps to review-streams.
   */
  engineMerge?: boolean;
}

/**
 * A person may accept a stream only where the planner says it waits for exactly that: an `await-review` action with
 * nothing left before it (its tasks ran and its Collaborator verified it). Anything else gets the reason why not.
 */
export function streamReview(plan: ProjectPlan, status: Status | undefined, stream: string, fingerprint: string, options: ReviewOptions = {}): ReviewDecision {
  const review = plan.actions.find((a) => (a.kind === "await-review" || (options.engineMerge && a.kind === "merge-stream")) && a.stream === stream);
  if (review && review.after.length === 0) return { kind: "accept", fingerprint };
  if (review) return { kind: "refuse", message: `stream ${stream} is not ready for review yet: it waits on ${review.after.join(", ")}` };
  if (plan.oversight !== "review-streams" && !options.engineMerge) {
    return { kind: "refuse", message: `project ${plan.id} has oversight '${plan.oversight}': its streams are merged by the engine once their Collaborator verifies them, not accepted by a person` };
  }
  if (plan.stage === "needs-plan" || plan.stage === "awaiting-approval") return { kind: "refuse", message: `stream ${stream} has not started: ${plan.summary}` };
  const blocked = plan.blocked.filter((b) => b.stream === stream);
  if (blocked.length) return { kind: "refuse", message: `stream ${stream} is blocked: ${blocked.map((b) => `${b.task}: ${b.reason}`).join("; ")}` };
  if (plan.stage === "blocked") return { kind: "refuse", message: `project ${plan.id}: ${plan.summary}` };
  const accepted = status?.streams?.[stream]?.accepted;
  if (accepted?.fingerprint === fingerprint) return { kind: "already", message: `stream ${stream} is already accepted${accepted.by ? ` (by ${accepted.by} at ${accepted.at})` : ""}` };
  const block = blockedCondition(status?.streams?.[stream]?.conditions);
  if (block) return { kind: "refuse", message: `stream ${stream} is blocked: ${block.message ?? block.reason}` };
  return { kind: "refuse", message: `stream ${stream} does not wait for review (project stage: ${plan.stage})` };
}
