// Test-only: one GitHub repository held in memory. The engine talks to it over HTTP (through nock-github.ts and
// fake-routes.ts) exactly as it would to api.github.com; tests act as the people around it with the methods below
// (open a PR by hand, merge or close it, comment, review, grant permissions) and read its state back.
import { openApiCheck } from "./openapi-check.ts";
import { FakeObjects, sha, type IssueCommentJson, type LabelJson, type PullJson, type ReactionJson, type ReviewCommentJson, type ReviewJson, type UserJson } from "./fake-objects.ts";

export type PermissionLevel = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface FakeRepoOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** The login the engine's token belongs to; everything it creates is authored by this user. */
  viewer?: string;
  /** Start of the fake clock (ISO); every change advances it by one second. */
  start?: string;
}

export interface StoredIssueComment {
  issueNumber: number;
  json: IssueCommentJson;
}

export interface StoredReviewComment {
  pullNumber: number;
  json: ReviewCommentJson;
}

export interface StoredReview {
  pullNumber: number;
  json: ReviewJson;
}

export interface StoredReaction {
  subject: "issue-comment" | "review-comment";
  subjectId: number;
  json: ReactionJson;
}

export class FakeRepo {
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly viewer: string;
  readonly objects: FakeObjects;
  readonly pulls = new Map<number, PullJson>();
  /** Plain issues (not PRs) and their labels; PR labels live on the PR object. */
  readonly issues = new Map<number, { labels: LabelJson[]; updated_at: string }>();
  readonly issueComments: StoredIssueComment[] = [];
  readonly reviewComments: StoredReviewComment[] = [];
  readonly reviews: StoredReview[] = [];
  readonly reactions: StoredReaction[] = [];
  /** Repository labels by lower-cased name (GitHub matches label names case-insensitively). */
  readonly labels = new Map<string, LabelJson>();
  readonly permissions = new Map<string, PermissionLevel>();
  /** Custom repository role names, by login (their level is in `permissions`). */
  readonly customRoles = new Map<string, string>();
  /** repository_dispatch events sent, in order (each would start the workflows listening for its type). */
  readonly dispatches: { eventType: string; payload: Record<string, unknown> }[] = [];
  private readonly users = new Map<string, UserJson>();
  private clock: number;
  private nextId = 1000;
  private nextNumber = 1;

  constructor(options: FakeRepoOptions = {}) {
    this.owner = options.owner ?? "acme";
    this.repo = options.repo ?? "agency";
    this.defaultBranch = options.defaultBranch ?? "main";
    this.viewer = options.viewer ?? "ateams-bot";
    this.clock = Date.parse(options.start ?? "2025-01-01T00:00:00Z");
    this.objects = new FakeObjects(openApiCheck(), this.owner, this.repo);
    this.user(this.viewer, "Bot");
    this.permissions.set(this.viewer, "write");
  }

  /** The current time of the fake clock, without moving it. */
  now(): string {
    return new Date(this.clock).toISOString().replace(".000Z", "Z");
  }

  /** Moves the clock on (each change does this by one second) and returns the new time. */
  tick(seconds = 1): string {
    this.clock += seconds * 1000;
    return this.now();
  }

  id(): number {
    return this.nextId++;
  }

  user(login: string, type: "User" | "Bot" = "User"): UserJson {
    let user = this.users.get(login);
    if (!user) {
      user = this.objects.user(login, 500 + this.users.size, type);
      this.users.set(login, user);
    }
    return user;
  }

  hasUser(login: string): boolean {
    return this.users.has(login);
  }

  association(login: string): string {
    if (login === this.owner) return "OWNER";
    const level = this.permissions.get(login);
    return level && level !== "none" && level !== "read" ? "COLLABORATOR" : "NONE";
  }

  /** An open PR created the way a person (or an earlier run) would; `author` defaults to the viewer. */
  openPull(init: { head: string; base?: string; title: string; body?: string | null; draft?: boolean; author?: string }): PullJson {
    const pull = this.objects.pull({
      id: this.id(),
      number: this.nextNumber++,
      title: init.title,
      body: init.body ?? null,
      head: init.head,
      base: init.base ?? this.defaultBranch,
      draft: init.draft ?? false,
      user: this.user(init.author ?? this.viewer),
      owner: this.user(this.owner, "User"),
      now: this.tick(),
    });
    this.pulls.set(pull.number, pull);
    return pull;
  }

  openIssue(): number {
    const number = this.nextNumber++;
    this.issues.set(number, { labels: [], updated_at: this.tick() });
    return number;
  }

  pull(number: number): PullJson {
    const pull = this.pulls.get(number);
    if (!pull) throw new Error(`fake repo has no PR #${number}`);
    return pull;
  }

  /** Marks an issue or PR as changed now, as GitHub does for comments, reviews, labels and edits. */
  touch(number: number): string {
    const now = this.tick();
    const pull = this.pulls.get(number);
    if (pull) pull.updated_at = now;
    const issue = this.issues.get(number);
    if (issue) issue.updated_at = now;
    return now;
  }

  closePull(number: number, how: { merged: boolean; by?: string }): PullJson {
    const pull = this.pull(number);
    const now = this.touch(number);
    pull.state = "closed";
    pull.closed_at = now;
    if (how.merged) {
      pull.merged = true;
      pull.merged_at = now;
      pull.merged_by = this.user(how.by ?? this.owner);
      pull.merge_commit_sha = sha(`merge:${number}`);
    }
    return pull;
  }

  labelsOf(number: number): LabelJson[] | undefined {
    return this.pulls.get(number)?.labels ?? this.issues.get(number)?.labels;
  }

  comment(issueNumber: number, init: { author: string; body: string; type?: "User" | "Bot" }): IssueCommentJson {
    if (!this.labelsOf(issueNumber)) throw new Error(`fake repo has no issue or PR #${issueNumber}`);
    const now = this.touch(issueNumber);
    const json = this.objects.issueComment({
      id: this.id(),
      issueNumber,
      isPull: this.pulls.has(issueNumber),
      body: init.body,
      user: this.user(init.author, init.type),
      now,
      association: this.association(init.author),
    });
    this.issueComments.push({ issueNumber, json });
    const pull = this.pulls.get(issueNumber);
    if (pull) pull.comments = Number(pull.comments ?? 0) + 1;
    return json;
  }

  commentsOn(issueNumber: number): IssueCommentJson[] {
    return this.issueComments.filter((c) => c.issueNumber === issueNumber).map((c) => c.json);
  }

  /** A submitted review; like GitHub, it takes the reviewer off the PR's requested reviewers. */
  review(pullNumber: number, init: { author: string; state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED"; body?: string }): ReviewJson {
    const pull = this.pull(pullNumber);
    const now = this.touch(pullNumber);
    const json = this.objects.review({
      id: this.id(),
      pullNumber,
      commitId: pull.head.sha,
      state: init.state,
      body: init.body ?? "",
      user: this.user(init.author),
      now,
      association: this.association(init.author),
    });
    this.reviews.push({ pullNumber, json });
    pull.requested_reviewers = pull.requested_reviewers.filter((u) => u.login !== init.author);
    return json;
  }

  reviewComment(pullNumber: number, init: { author: string; body: string; path: string; line: number }): ReviewCommentJson {
    const pull = this.pull(pullNumber);
    const review = this.review(pullNumber, { author: init.author, state: "COMMENTED" });
    const json = this.objects.reviewComment({
      id: this.id(),
      reviewId: review.id,
      pullNumber,
      commitId: pull.head.sha,
      path: init.path,
      line: init.line,
      body: init.body,
      user: this.user(init.author),
      now: this.now(),
      association: this.association(init.author),
    });
    this.reviewComments.push({ pullNumber, json });
    pull.review_comments = Number(pull.review_comments ?? 0) + 1;
    return json;
  }

  setPermission(login: string, level: PermissionLevel, customRole?: string): void {
    this.user(login);
    this.permissions.set(login, level);
    if (customRole) this.customRoles.set(login, customRole);
  }

  /** A repository label, created the way addLabels does for names it has not seen (grey, no description). */
  ensureLabel(name: string, color = "ededed", description: string | null = null): LabelJson {
    let label = this.labels.get(name.toLowerCase());
    if (!label) {
      label = this.objects.label(this.id(), name, color, description);
      this.labels.set(name.toLowerCase(), label);
    }
    return label;
  }
}
