// Test-only: GitHub objects built from the REST description's own examples (octocat/Hello-World), re-branded for the
// fake repository and given the fields a test cares about. Starting from the examples (and validating every reply,
// see nock-github.ts) keeps the fakes shaped like the real API rather than like our memory of it.
import type { OpenApiCheck } from "./openapi-check.ts";

export interface UserJson {
  login: string;
  id: number;
  node_id: string;
  type: string;
  [key: string]: unknown;
}

export interface LabelJson {
  id: number;
  node_id: string;
  url: string;
  name: string;
  description: string | null;
  color: string;
  default: boolean;
}

export interface PullJson {
  number: number;
  node_id: string;
  html_url: string;
  state: "open" | "closed";
  draft: boolean;
  merged: boolean;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  title: string;
  body: string | null;
  user: UserJson;
  labels: LabelJson[];
  requested_reviewers: UserJson[];
  requested_teams: unknown[];
  head: { ref: string; label: string; sha: string; [key: string]: unknown };
  base: { ref: string; label: string; sha: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface IssueCommentJson {
  id: number;
  body: string;
  user: UserJson;
  created_at: string;
  updated_at: string;
  html_url: string;
  issue_url: string;
  [key: string]: unknown;
}

export interface ReviewCommentJson {
  id: number;
  body: string;
  path: string;
  line?: number;
  user: UserJson;
  created_at: string;
  updated_at: string;
  pull_request_url: string;
  [key: string]: unknown;
}

export interface ReviewJson {
  id: number;
  body: string;
  state: string;
  user: UserJson;
  submitted_at: string;
  commit_id: string;
  [key: string]: unknown;
}

export interface ReactionJson {
  id: number;
  content: string;
  user: UserJson;
  [key: string]: unknown;
}

/** Replaces every occurrence of each `from` in every string of a JSON value. */
function rebrand<T>(value: T, replacements: readonly (readonly [string, string])[]): T {
  let text = JSON.stringify(value);
  for (const [from, to] of replacements) text = text.replaceAll(from, to);
  return JSON.parse(text) as T;
}

/** Node ids shaped like GitHub's current ones (`PR_kwDO…`): a type prefix and an opaque, stable suffix. */
export function nodeId(prefix: string, key: string): string {
  return `${prefix}_${Buffer.from(key).toString("base64url")}`;
}

export function sha(seed: string): string {
  let h = 0x811c9dc5;
  let out = "";
  for (let round = 0; out.length < 40; round++) {
    for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, "0");
  }
  return out.slice(0, 40);
}

export class FakeObjects {
  private readonly check: OpenApiCheck;
  readonly owner: string;
  readonly repo: string;
  private readonly full: string;

  constructor(check: OpenApiCheck, owner: string, repo: string) {
    this.check = check;
    this.owner = owner;
    this.repo = repo;
    this.full = `${owner}/${repo}`;
  }

  private example<T>(operationId: string, status: number): T {
    const raw = this.check.example(operationId, status);
    return rebrand((Array.isArray(raw) ? raw[0] : raw) as T, [["octocat/Hello-World", this.full]]);
  }

  user(login: string, id: number, type: "User" | "Bot" | "Organization" = "User"): UserJson {
    const base = this.example<PullJson>("pulls/get", 200).user;
    return { ...rebrand(base, [["octocat", login]]), id, node_id: nodeId(type === "Bot" ? "BOT" : "U", login), type, site_admin: false };
  }

  label(id: number, name: string, color: string, description: string | null): LabelJson {
    const base = this.example<LabelJson>("issues/get-label", 200);
    return { ...base, id, node_id: nodeId("LA", `${this.full}:${name}`), url: `https://api.github.com/repos/${this.full}/labels/${encodeURIComponent(name)}`, name, color, description, default: false };
  }

  pull(init: { id: number; number: number; title: string; body: string | null; head: string; base: string; draft: boolean; user: UserJson; owner: UserJson; now: string }): PullJson {
    const n = String(init.number);
    const base = rebrand(this.example<PullJson>("pulls/get", 200), [
      ["/pulls/1347", `/pulls/${n}`],
      ["/pull/1347", `/pull/${n}`],
      ["/issues/1347", `/issues/${n}`],
    ]);
    const repoJson = { ...(base.head.repo as Record<string, unknown>), owner: init.owner, name: this.repo, full_name: this.full };
    const ref = (branch: string) => ({ label: `${this.owner}:${branch}`, ref: branch, sha: sha(`${this.full}:${branch}`), user: init.owner, repo: repoJson });
    return {
      ...base,
      id: init.id,
      node_id: nodeId("PR", `${this.full}#${n}`),
      number: init.number,
      state: "open",
      locked: false,
      active_lock_reason: null,
      title: init.title,
      body: init.body,
      user: init.user,
      labels: [],
      milestone: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: ref(init.head),
      base: ref(init.base),
      created_at: init.now,
      updated_at: init.now,
      closed_at: null,
      merged_at: null,
      merge_commit_sha: null,
      merged: false,
      merged_by: null,
      mergeable: null,
      rebaseable: null,
      mergeable_state: "unknown",
      draft: init.draft,
      auto_merge: null,
      author_association: "MEMBER",
      comments: 0,
      review_comments: 0,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  }

  /** The `pull-request-simple` shape pulls.list returns: the full object cut down to that schema's properties. */
  pullSimple(pull: PullJson): Record<string, unknown> {
    const keep = this.check.schemaProperties("pull-request-simple");
    const simple = Object.fromEntries(keep.filter((k) => k in pull).map((k) => [k, structuredClone(pull[k])]));
    // The description declares a label's description as a plain string here (nullable in `label` and
    // `pull-request`); GitHub sends null for a label without one. Stay inside the description: send "".
    simple.labels = pull.labels.map((l) => ({ ...l, description: l.description ?? "" }));
    return simple;
  }

  issueComment(init: { id: number; issueNumber: number; isPull: boolean; body: string; user: UserJson; now: string; association: string }): IssueCommentJson {
    const base = this.example<IssueCommentJson>("issues/create-comment", 201);
    const page = init.isPull ? "pull" : "issues";
    return {
      ...base,
      id: init.id,
      node_id: nodeId("IC", String(init.id)),
      url: `https://api.github.com/repos/${this.full}/issues/comments/${init.id}`,
      html_url: `https://github.com/${this.full}/${page}/${init.issueNumber}#issuecomment-${init.id}`,
      issue_url: `https://api.github.com/repos/${this.full}/issues/${init.issueNumber}`,
      body: init.body,
      user: init.user,
      created_at: init.now,
      updated_at: init.now,
      author_association: init.association,
    };
  }

  reviewComment(init: { id: number; reviewId: number; pullNumber: number; commitId: string; path: string; line: number; body: string; user: UserJson; now: string; association: string }): ReviewCommentJson {
    const base = this.example<ReviewCommentJson>("pulls/list-review-comments", 200);
    const url = `https://api.github.com/repos/${this.full}/pulls/comments/${init.id}`;
    const html = `https://github.com/${this.full}/pull/${init.pullNumber}#discussion_r${init.id}`;
    const pr = `https://api.github.com/repos/${this.full}/pulls/${init.pullNumber}`;
    const { in_reply_to_id: _reply, start_line: _s, original_start_line: _os, start_side: _ss, ...rest } = base;
    return {
      ...rest,
      id: init.id,
      node_id: nodeId("PRRC", String(init.id)),
      url,
      pull_request_review_id: init.reviewId,
      path: init.path,
      line: init.line,
      original_line: init.line,
      position: init.line,
      original_position: init.line,
      commit_id: init.commitId,
      original_commit_id: init.commitId,
      body: init.body,
      user: init.user,
      created_at: init.now,
      updated_at: init.now,
      html_url: html,
      pull_request_url: pr,
      author_association: init.association,
      _links: { self: { href: url }, html: { href: html }, pull_request: { href: pr } },
    };
  }

  review(init: { id: number; pullNumber: number; commitId: string; state: string; body: string; user: UserJson; now: string; association: string }): ReviewJson {
    const base = this.example<ReviewJson>("pulls/list-reviews", 200);
    const html = `https://github.com/${this.full}/pull/${init.pullNumber}#pullrequestreview-${init.id}`;
    const pr = `https://api.github.com/repos/${this.full}/pulls/${init.pullNumber}`;
    return {
      ...base,
      id: init.id,
      node_id: nodeId("PRR", String(init.id)),
      user: init.user,
      body: init.body,
      state: init.state,
      html_url: html,
      pull_request_url: pr,
      _links: { html: { href: html }, pull_request: { href: pr } },
      submitted_at: init.now,
      commit_id: init.commitId,
      author_association: init.association,
    };
  }

  reaction(init: { id: number; content: string; user: UserJson; now: string }): ReactionJson {
    const base = this.example<ReactionJson>("reactions/create-for-issue-comment", 201);
    return { ...base, id: init.id, node_id: nodeId("REA", String(init.id)), content: init.content, user: init.user, created_at: init.now };
  }

  /** `roleName` differs from `level` for a custom repository role built on that level. */
  permission(user: UserJson, level: "admin" | "maintain" | "write" | "triage" | "read" | "none", roleName: string = level): Record<string, unknown> {
    // The REST `permission` field keeps the legacy four values; `role_name` carries the fine-grained role.
    const legacy = level === "maintain" ? "write" : level === "triage" ? "read" : level;
    const collaborator = { ...user, permissions: { admin: level === "admin", maintain: level === "admin" || level === "maintain", push: legacy === "admin" || legacy === "write", triage: legacy !== "none", pull: legacy !== "none" }, role_name: roleName };
    return { permission: legacy, role_name: roleName, user: collaborator };
  }
}
