// GitHub's JSON (as octokit returns it) to the few fields a run uses (types.ts). The input shapes are structural:
// both `pull-request` (pulls.get) and `pull-request-simple` (pulls.list) fit RawPull.
import type { GitHubUser, IssueComment, Label, PullRequest, Review, ReviewComment, ReviewState } from "./types.ts";

interface RawUser {
  login: string;
  type?: string;
}

export interface RawPull {
  number: number;
  node_id: string;
  html_url: string;
  title: string;
  body?: string | null;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  user: RawUser | null;
  labels: { name?: string }[];
  requested_reviewers?: (RawUser | null)[] | null;
  requested_teams?: ({ slug: string } | null)[] | null;
  head: { ref: string; sha: string; repo?: { full_name?: string } | null };
  base: { ref: string; repo?: { full_name?: string } | null };
}

/**
 * A PR's head branch as the engine may trust it: the branch name for a PR from this repository, and a name that
 * is never one of ours for a fork's PR (or a deleted fork's), so nobody can pose as `ateams/<project>/<stream>`.
 */
export function trustedHead(
  head: { ref: string; repo?: { full_name?: string | null; id?: number | null } | null },
  base: { repo?: { full_name?: string | null; id?: number | null } | null },
): string {
  if (head.repo === null) return `fork:(deleted):${head.ref}`;
  const from = head.repo?.full_name;
  const into = base.repo?.full_name;
  // The head is ours only when the payload shows it: the repositories' ids or names present on both sides, and
  // none of them differing. A payload missing both (an older or trimmed event) proves nothing, and a fork can
  // name its branch anything.
  const fromId = head.repo?.id;
  const intoId = base.repo?.id;
  const idsKnown = typeof fromId === "number" && typeof intoId === "number";
  const namesKnown = typeof from === "string" && typeof into === "string" && from !== "" && into !== "";
  const same = (idsKnown || namesKnown) && (!idsKnown || fromId === intoId) && (!namesKnown || from.toLowerCase() === into.toLowerCase());
  if (same) return head.ref;
  return `fork:${typeof from === "string" && from !== "" ? from : "(unknown)"}:${head.ref}`;
}

export interface RawIssueComment {
  id: number;
  body?: string;
  user: RawUser | null;
  html_url: string;
  issue_url: string;
  created_at: string;
  updated_at: string;
}

export interface RawReviewComment {
  id: number;
  pull_request_review_id: number | null;
  in_reply_to_id?: number;
  path: string;
  line?: number;
  body: string;
  user: RawUser | null;
  html_url: string;
  pull_request_url: string;
  created_at: string;
  updated_at: string;
}

export interface RawReview {
  id: number;
  body: string;
  state: string;
  user: RawUser | null;
  submitted_at?: string;
  commit_id: string | null;
  html_url: string;
}

/** Who GitHub shows for a deleted account. */
const GHOST: GitHubUser = { login: "ghost", type: "User" };

export function toUser(user: RawUser | null | undefined): GitHubUser {
  if (!user) return GHOST;
  return { login: user.login, type: user.type === "Bot" || user.type === "Organization" ? user.type : "User" };
}

/** The number at the end of an API URL (`…/issues/12`, `…/pulls/12`). */
function trailingNumber(url: string): number {
  const n = Number(/\/(\d+)$/.exec(url)?.[1]);
  if (!Number.isInteger(n)) throw new Error(`no number at the end of ${url}`);
  return n;
}

export function toPullRequest(raw: RawPull): PullRequest {
  return {
    number: raw.number,
    nodeId: raw.node_id,
    url: raw.html_url,
    title: raw.title,
    body: raw.body ?? "",
    state: raw.state === "closed" ? "closed" : "open",
    // pulls.list has no `merged`; a merge time says the same thing.
    merged: raw.merged ?? raw.merged_at !== null,
    draft: raw.draft ?? false,
    head: trustedHead(raw.head, raw.base),
    headSha: raw.head.sha,
    base: raw.base.ref,
    author: toUser(raw.user),
    labels: raw.labels.flatMap((l) => (l.name ? [l.name] : [])),
    requestedReviewers: (raw.requested_reviewers ?? []).flatMap((u) => (u ? [u.login] : [])),
    requestedTeams: (raw.requested_teams ?? []).flatMap((t) => (t ? [t.slug] : [])),
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
    closedAt: raw.closed_at,
    mergedAt: raw.merged_at,
  };
}

export function toIssueComment(raw: RawIssueComment): IssueComment {
  return {
    id: raw.id,
    issueNumber: trailingNumber(raw.issue_url),
    // The API gives no flag; a PR's conversation comments link to /pull/, an issue's to /issues/.
    isPullRequest: /\/pull\/\d+#/.test(raw.html_url),
    body: raw.body ?? "",
    author: toUser(raw.user),
    url: raw.html_url,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

export function toReviewComment(raw: RawReviewComment): ReviewComment {
  return {
    id: raw.id,
    pullNumber: trailingNumber(raw.pull_request_url),
    reviewId: raw.pull_request_review_id,
    inReplyTo: raw.in_reply_to_id ?? null,
    path: raw.path,
    line: raw.line ?? null,
    body: raw.body,
    author: toUser(raw.user),
    url: raw.html_url,
    createdAt: raw.created_at,
    updatedAt: raw.updated_at,
  };
}

export function toReview(raw: RawReview, pullNumber: number): Review {
  return {
    id: raw.id,
    pullNumber,
    body: raw.body,
    state: raw.state as ReviewState,
    author: raw.user ? toUser(raw.user) : null,
    submittedAt: raw.submitted_at ?? null,
    commitId: raw.commit_id,
    url: raw.html_url,
  };
}

export function toLabel(raw: { name: string; color: string; description: string | null }): Label {
  return { name: raw.name, color: raw.color, description: raw.description };
}
