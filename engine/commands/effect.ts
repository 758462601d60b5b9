// What a command means, as data. Dispatch returns one of these and never touches GitHub, git or a model; an
// executor elsewhere applies it, and the status rewriter records the feedback kinds.

/** Where the comment was written; a command means different things on a plan PR and on a stream PR. */
export type ContextKind = "plan-pr" | "stream-pr" | "assembly-pr" | "issue";

export interface CommandContext {
  kind: ContextKind;
  project: string;
  /** The stream of a stream PR. */
  stream?: string;
  /** Repository path a review comment is attached to. */
  file?: string;
  /** Line of `file` the review comment is attached to. */
  line?: number;
  /** Repository path of the agency directory (default `agency`): a review comment's file must lie inside it. */
  agencyPath?: string;
  /** GitHub login of the comment's author. */
  author: string;
  /** When the comment was written (ISO 8601). */
  at: string;
  /** The comment's URL: recorded as the feedback's source, which makes recording it idempotent. */
  url: string;
}

/** Recorded on `tasks.<task>.feedback`; it changes the task's fingerprint, so the task reruns with it. */
export interface FeedbackEffect {
  type: "feedback";
  project: string;
  task: string;
  text: string;
  by: string;
  at: string;
  source: string;
}

export type CommandEffect =
  /** Approve the plan; `option` chooses a different option than the recommended one. */
  | { type: "approve-plan"; project: string; option?: string }
  | { type: "accept-stream"; project: string; stream: string }
  | { type: "accept-assembly"; project: string }
  | FeedbackEffect
  /** /revise on the plan PR: the PM proposes again with this feedback. */
  | { type: "revise-plan"; project: string; text: string; by: string; at: string; source: string }
  /** /revise on the assembly PR about no task in particular: the PM assembles again. */
  | { type: "revise-assembly"; project: string; text: string; by: string; at: string; source: string }
  /** Without `task`: every failed task of `stream`, or of the project when no stream is given. */
  | { type: "retry"; project: string; task?: string; stream?: string }
  | { type: "escalate"; project: string; task?: string; stream?: string }
  /** The Director's answer to the PM's question about a blocked task (without `task`: the one question open). */
  | { type: "answer"; project: string; task?: string; text: string; by: string; at: string; source: string }
  | { type: "block"; project: string; stream?: string; reason: string }
  | { type: "unblock"; project: string; stream?: string }
  | { type: "cancel"; project: string }
  | { type: "status"; project: string }
  | { type: "help" }
  | { type: "ask"; project: string; role: string; question: string }
  | { type: "teach"; project: string; stream?: string; role: string; lesson: string; by: string; at: string; source: string }
  | { type: "custom"; project: string; role: string; command: string; args: string }
  /** Misuse: nothing happens, and the reason is replied with a 😕. */
  | { type: "reject"; reason: string };

export type EffectType = CommandEffect["type"];
