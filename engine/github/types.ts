// The GitHub side of the forge as the engine sees it: a handful of value types (only the fields a run reads) and
// the one interface every call goes through. `client.ts` implements it with octokit; tests run it against a fake
// repository that is checked against GitHub's REST description (testing/).

export interface GitHubUser {
  login: string;
  type: "User" | "Bot" | "Organization";
}

export interface PullRequest {
  number: number;
  /** GraphQL global id, for mutations such as markPullRequestReadyForReview. */
  nodeId: string;
  url: string;
  title: string;
  body: string;
  state: "open" | "closed";
  merged: boolean;
  draft: boolean;
  /** Head branch name, without `refs/heads/` or the `owner:` prefix. */
  head: string;
  headSha: string;
  base: string;
  author: GitHubUser;
  labels: string[];
  requestedReviewers: string[];
  requestedTeams: string[];
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface IssueComment {
  id: number;
  /** The issue or PR the comment is on (PRs are issues too). */
  issueNumber: number;
  isPullRequest: boolean;
  body: string;
  author: GitHubUser;
  url: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewComment {
  id: number;
  pullNumber: number;
  reviewId: number | null;
  inReplyTo: number | null;
  path: string;
  /** Line in the file at the PR head; null when the comment is on a line that no longer exists. */
  line: number | null;
  body: string;
  author: GitHubUser;
  url: string;
  createdAt: string;
  updatedAt: string;
}

export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED" | "PENDING";

export interface Review {
  id: number;
  pullNumber: number;
  body: string;
  state: ReviewState;
  author: GitHubUser | null;
  /** Absent for a PENDING (not yet submitted) review. */
  submittedAt: string | null;
  commitId: string | null;
  url: string;
}

export interface Label {
  name: string;
  /** Six hex digits, no `#`. */
  color: string;
  description: string | null;
}

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

/** A person's role on the repository (`role_name`; the legacy `permission` field for custom roles). */
export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface PullRequestFilter {
  /** Head branch name (the `owner:` prefix is added); GitHub filters on the server. */
  head?: string;
  base?: string;
  state?: "open" | "closed" | "all";
  sort?: "created" | "updated";
  direction?: "asc" | "desc";
  /** Stop paginating at the first PR for which this is true (it and everything after it are left out). */
  until?: (pr: PullRequest) => boolean;
}

export interface GitHubForge {
  readonly owner: string;
  readonly repo: string;

  listPullRequests(filter?: PullRequestFilter): Promise<PullRequest[]>;
  getPullRequest(number: number): Promise<PullRequest>;
  createPullRequest(input: { head: string; base: string; title: string; body: string; draft: boolean }): Promise<PullRequest>;
  updatePullRequest(number: number, change: { title?: string; body?: string; base?: string; state?: "open" | "closed" }): Promise<PullRequest>;
  requestReviewers(number: number, reviewers: { users?: string[]; teams?: string[] }): Promise<PullRequest>;
  /** GraphQL markPullRequestReadyForReview; resolves to the PR's draft flag afterwards. */
  markReadyForReview(pr: { nodeId: string }): Promise<{ draft: boolean }>;
  listReviews(pullNumber: number): Promise<Review[]>;
  listReviewComments(pullNumber: number): Promise<ReviewComment[]>;
  /** Review comments across the repository updated at or after `since` (ISO 8601), oldest first. */
  listReviewCommentsSince(since: string): Promise<ReviewComment[]>;

  listIssueComments(issueNumber: number): Promise<IssueComment[]>;
  /** Issue and PR conversation comments across the repository updated at or after `since`, oldest first. */
  listIssueCommentsSince(since: string): Promise<IssueComment[]>;
  createIssueComment(issueNumber: number, body: string): Promise<IssueComment>;
  updateIssueComment(commentId: number, body: string): Promise<IssueComment>;

  /** Adds labels (GitHub creates unknown names, grey); resolves to the issue's labels afterwards. */
  addLabels(issueNumber: number, names: string[]): Promise<string[]>;
  removeLabel(issueNumber: number, name: string): Promise<string[]>;
  /** Undefined when the repository has no such label. */
  getLabel(name: string): Promise<Label | undefined>;
  createLabel(label: Label): Promise<Label>;

  /** `created: false` when this identity had already reacted that way (GitHub answers 200 instead of 201). */
  reactToIssueComment(commentId: number, content: ReactionContent): Promise<{ created: boolean }>;
  reactToReviewComment(commentId: number, content: ReactionContent): Promise<{ created: boolean }>;

  /** `none` for someone GitHub does not know as a user of this repository. */
  getPermission(login: string): Promise<RepoPermission>;

  /**
   * A `repository_dispatch` event: one of the two events a job's own token may start workflows with (the pipeline's
   * continuation). GitHub answers 204 and starts every workflow on the default branch listening for `eventType`.
   */
  dispatchRepositoryEvent(eventType: string, payload: Record<string, unknown>): Promise<void>;
}
