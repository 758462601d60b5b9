// What `ateams plan` prints and `ateams run` executes: data only, no behaviour.
import type { Estimate } from "./estimate.ts";

export type Stage = "needs-plan" | "awaiting-approval" | "running" | "in-review" | "assembly" | "done" | "blocked";

export type ActionKind =
  | "propose-plan" // PM: options with trade-offs and a recommendation
  | "decompose-plan" // PM: streams and tasks for one option
  | "approve-plan" // autonomous oversight: the recommendation is taken without a human
  | "await-approval" // the Director must choose an option
  | "run-task" // a Specialist produces the task's outputs
  | "verify-task" // the stream's Collaborator checks them against the criteria
  | "verify-stream" // the Collaborator checks the stream as a whole
  | "merge-stream" // the accepted stream joins the working branch
  | "await-review" // review-streams oversight: a human accepts the stream
  | "assemble"; // PM: the deliverable from all streams

/** Actions that call a model; the rest are bookkeeping or waiting on a person. */
export const LLM_ACTIONS: ReadonlySet<ActionKind> = new Set([
  "propose-plan",
  "decompose-plan",
  "run-task",
  "verify-task",
  "verify-stream",
  "assemble",
]);

export interface Action {
  /** Stable id, e.g. `run-task:launch-kit/market-scan`; `after` refers to these. */
  id: string;
  kind: ActionKind;
  project: string;
  stream: string | null;
  task: string | null;
  role: string | null;
  /** Who acts: `pm`, `collaborator`, a specialist id, `engine` or `director`. */
  agent: string;
  tier: string | null;
  model: string | null;
  reason: string;
  /** How the tier was chosen, for tasks. */
  routing: string | null;
  fingerprint: string | null;
  after: string[];
  estimate: Estimate;
}

export interface BlockedTask {
  task: string;
  stream: string;
  reason: string;
}

export interface ProjectPlan {
  id: string;
  stage: Stage;
  /** One line on where the project stands. */
  summary: string;
  oversight: string;
  actions: Action[];
  blocked: BlockedTask[];
  estimate: Estimate;
}

export interface ReconcilePlan {
  projects: ProjectPlan[];
  totals: Estimate & { actions: number; llmCalls: number };
}
