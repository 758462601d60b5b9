// What the engine learns from GitHub between runs, whether it arrived as an Actions event payload (events.ts) or was
// found by polling (poll.ts): the same few kinds either way, so the reconcile does not care how it was told.

import type { Actor } from "../agency/actor.ts";

// The commands room decides who may command from an Actor; events carry the same shape.
export type { Actor } from "../agency/actor.ts";

export type ReviewVerdict = "approved" | "changes_requested" | "commented" | "dismissed";

export type AgencyEvent =
  | {
      kind: "push";
      /** Full ref (`refs/heads/main`, `refs/tags/v1`). */
      ref: string;
      /** Branch name for a branch push; null for tags. */
      branch: string | null;
      defaultBranch: string;
      before: string;
      after: string;
      created: boolean;
      deleted: boolean;
      forced: boolean;
      /** Paths added, modified or removed by the pushed commits (deduplicated, sorted). */
      changedFiles: string[];
      /**
       * False when the payload cannot tell what changed: a new, deleted or force-pushed branch, or a push of 20+
       * commits (GitHub lists at most 20).
       */
      filesKnown: boolean;
      sender: Actor;
    }
  | { kind: "pull_request_closed"; number: number; merged: boolean; head: string; base: string; labels: string[]; sender: Actor }
  | {
      kind: "issue_comment";
      commentId: number;
      body: string;
      author: Actor;
      /** The comment's web URL: recorded as the source of feedback, which makes recording it idempotent. */
      url: string;
      /** When it was written (ISO 8601). */
      at: string;
      issueNumber: number;
      isPullRequest: boolean;
      labels: string[];
      /** Head branch of the PR, when known (polling knows it; an Actions issue_comment payload does not carry it). */
      head: string | null;
    }
  | { kind: "pull_request_review"; reviewId: number; body: string; verdict: ReviewVerdict; author: Actor; url: string; at: string; pullNumber: number; head: string; labels: string[] }
  | {
      kind: "pull_request_review_comment";
      commentId: number;
      body: string;
      path: string;
      /** Null when the comment is on a line that is no longer in the diff. */
      line: number | null;
      author: Actor;
      url: string;
      at: string;
      pullNumber: number;
      head: string;
      labels: string[];
    }
  | { kind: "workflow_dispatch"; ref: string; inputs: Record<string, unknown> }
  | { kind: "schedule"; cron: string | null }
  /** Anything else GitHub may send (other actions of these events, other events): nothing to do. */
  | { kind: "ignored"; name: string; action: string | null };
