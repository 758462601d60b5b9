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
  | "assemble" // PM: the deliverable from all streams
  | "review-learning" // L&P Manager: reviews the assembled project, proposes lessons and role edits
  | "review-stream"; // L&P Manager: reviews a merged stream (learningManager.reviewStreams)

/** Actions that call a model; the rest are bookkeeping or waiting on a person. */
export const LLM_ACTIONS: ReadonlySet<ActionKind> = new Set([
  "propose-plan",
  "decompose-plan",
  "run-task",
  "verify-task",
  "verify-stream",
  "assemble",
  "review-learning",
  "review-stream",
]);

interface ActionFields {
  /** Stable id, e.g. `run-task:launch-kit/market-scan`; `after` refers to these. */
  id: string;
  project: string;
  role: string | null;
  /** Who acts: `pm`, `collaborator`, a specialist id, `engine` or `director`. */
  agent: string;
  tier: string | null;
  model: string | null;
  reason: string;
  /** How the tier was chosen, for tasks. */
  routing: string | null;
  after: string[];
  estimate: Estimate;
}

/** The PM's planning and the plan's approval: about the whole project, before any stream exists. */
export interface PlanningAction extends ActionFields {
  kind: "propose-plan" | "decompose-plan" | "approve-plan" | "await-approval";
  stream: null;
  task: null;
  fingerprint: null;
}

/** A task's work and its check. */
export interface TaskAction extends ActionFields {
  kind: "run-task" | "verify-task";
  stream: string;
  task: string;
  fingerprint: string;
}

/** A stream's check, its merge, a person's review of it, or the L&P Manager's once it is merged. */
export interface StreamAction extends ActionFields {
  kind: "verify-stream" | "merge-stream" | "await-review" | "review-stream";
  stream: string;
  task: null;
  fingerprint: string;
}

/** The project's closing steps: the deliverable, then the L&P Manager's review of how it was made. */
export interface AssemblyAction extends ActionFields {
  kind: "assemble" | "review-learning";
  stream: null;
  task: null;
  fingerprint: string;
}

/** One step of a plan; `kind` says which of the shapes it has (and so which fields are set). */
export type Action = PlanningAction | TaskAction | StreamAction | AssemblyAction;

/** The shape of an action of kind `K` (a shape may serve several kinds). */
export type ActionOf<K extends ActionKind> = Action extends infer A ? (A extends Action ? (K extends A["kind"] ? A : never) : never) : never;

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
  /**
   * Finished tasks whose role has learned since (new lessons): not redone by themselves, since a lesson shapes future
   * work; redoing one is the Director's choice (`ateams retry <project> <task>`).
   */
  taughtSince: { task: string; role: string }[];
  estimate: Estimate;
}

export interface ReconcilePlan {
  projects: ProjectPlan[];
  totals: Estimate & { actions: number; llmCalls: number };
}
