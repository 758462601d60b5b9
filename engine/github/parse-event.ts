// An Actions event payload (the JSON at GITHUB_EVENT_PATH) to an AgencyEvent. Takes the parsed payload, not a path,
// so tests need no files. Payloads are input from outside: every field read is checked, and a payload that lacks what its event
// must carry is a GitHubEventError naming the field.
import { GitHubEventError } from "./errors.ts";
import { trustedHead } from "./map-github.ts";
import type { Actor, AgencyEvent, ReviewVerdict } from "./event-types.ts";

type Obj = Record<string, unknown>;

class PayloadReader {
  private readonly event: string;
  constructor(event: string) {
    this.event = event;
  }

  private fail(path: string, wanted: string): never {
    throw new GitHubEventError(this.event, `payload field ${path} is missing or not ${wanted}`);
  }

  obj(value: unknown, path: string): Obj {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Obj) : this.fail(path, "an object");
  }

  str(value: unknown, path: string): string {
    return typeof value === "string" ? value : this.fail(path, "a string");
  }

  num(value: unknown, path: string): number {
    return typeof value === "number" && Number.isFinite(value) ? value : this.fail(path, "a number");
  }

  bool(value: unknown, path: string): boolean {
    return typeof value === "boolean" ? value : this.fail(path, "a boolean");
  }

  /** Comment and review bodies are null when empty. */
  text(value: unknown, path: string): string {
    return value === null || value === undefined ? "" : this.str(value, path);
  }

  actor(value: unknown, path: string): Actor {
    const o = this.obj(value, path);
    return { login: this.str(o.login, `${path}.login`), type: actorType(o.type) };
  }

  labels(value: unknown, path: string): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(path, "an array");
    return value.flatMap((l, i) => {
      const name = this.obj(l, `${path}[${i}]`).name;
      return typeof name === "string" ? [name] : [];
    });
  }
}

/** GitHub's account types; anything else (a `Mannequin` left by an import) is judged like a person. */
export function actorType(type: unknown): Actor["type"] {
  return type === "Bot" || type === "Organization" ? type : "User";
}

const MAX_LISTED_COMMITS = 20;

function parsePush(r: PayloadReader, p: Obj): AgencyEvent {
  const ref = r.str(p.ref, "ref");
  const commits = Array.isArray(p.commits) ? p.commits : [];
  const files = new Set<string>();
  commits.forEach((c, i) => {
    const commit = r.obj(c, `commits[${i}]`);
    for (const key of ["added", "modified", "removed"] as const) {
      const list = commit[key];
      if (Array.isArray(list)) for (const f of list) if (typeof f === "string") files.add(f);
    }
  });
  const created = r.bool(p.created, "created");
  const deleted = r.bool(p.deleted, "deleted");
  const forced = r.bool(p.forced, "forced");
  return {
    kind: "push",
    ref,
    branch: ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null,
    defaultBranch: r.str(r.obj(p.repository, "repository").default_branch, "repository.default_branch"),
    before: r.str(p.before, "before"),
    after: r.str(p.after, "after"),
    created,
    deleted,
    forced,
    changedFiles: [...files].sort(),
    filesKnown: !created && !deleted && !forced && commits.length > 0 && commits.length < MAX_LISTED_COMMITS,
    sender: r.actor(p.sender, "sender"),
  };
}

function pullHead(r: PayloadReader, p: Obj): { pr: Obj; number: number; head: string; labels: string[] } {
  const pr = r.obj(p.pull_request, "pull_request");
  return {
    pr,
    number: r.num(pr.number, "pull_request.number"),
    head: trustedHead(
      { ref: r.str(r.obj(pr.head, "pull_request.head").ref, "pull_request.head.ref"), repo: repoOf((pr.head as Obj).repo) },
      { repo: repoOf((pr.base as Obj | undefined)?.repo) },
    ),
    labels: r.labels(pr.labels, "pull_request.labels"),
  };
}

/** A payload's repository as trustedHead reads it: null stays null (a deleted fork); fields of the wrong type are absent. */
function repoOf(value: unknown): { full_name?: string; id?: number } | null | undefined {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value) || value === undefined) return undefined;
  const o = value as Obj;
  return { ...(typeof o.full_name === "string" ? { full_name: o.full_name } : {}), ...(typeof o.id === "number" ? { id: o.id } : {}) };
}

const VERDICTS: readonly string[] = ["approved", "changes_requested", "commented", "dismissed"];

/** `name` is GITHUB_EVENT_NAME; `payload` the parsed JSON of GITHUB_EVENT_PATH. */
export function parseEvent(name: string, payload: unknown): AgencyEvent {
  const r = new PayloadReader(name);
  const p = r.obj(payload, "(root)");
  const action = typeof p.action === "string" ? p.action : null;
  const ignored: AgencyEvent = { kind: "ignored", name, action };

  switch (name) {
    case "push":
      return parsePush(r, p);
    case "pull_request":
    case "pull_request_target": {
      if (action !== "closed") return ignored;
      const { pr, number, head, labels } = pullHead(r, p);
      return {
        kind: "pull_request_closed",
        number,
        merged: r.bool(pr.merged, "pull_request.merged"),
        head,
        base: r.str(r.obj(pr.base, "pull_request.base").ref, "pull_request.base.ref"),
        labels,
        sender: r.actor(p.sender, "sender"),
      };
    }
    case "issue_comment": {
      if (action !== "created") return ignored;
      const issue = r.obj(p.issue, "issue");
      const comment = r.obj(p.comment, "comment");
      return {
        kind: "issue_comment",
        commentId: r.num(comment.id, "comment.id"),
        body: r.text(comment.body, "comment.body"),
        author: r.actor(comment.user, "comment.user"),
        url: r.str(comment.html_url, "comment.html_url"),
        at: r.str(comment.created_at, "comment.created_at"),
        issueNumber: r.num(issue.number, "issue.number"),
        // An issue that is a PR carries a `pull_request` object (with URLs) in this payload.
        isPullRequest: typeof issue.pull_request === "object" && issue.pull_request !== null,
        labels: r.labels(issue.labels, "issue.labels"),
        head: null,
      };
    }
    case "pull_request_review": {
      if (action !== "submitted") return ignored;
      const review = r.obj(p.review, "review");
      const { number, head, labels } = pullHead(r, p);
      const state = r.str(review.state, "review.state").toLowerCase();
      if (!VERDICTS.includes(state)) throw new GitHubEventError(name, `unknown review state ${JSON.stringify(state)}`);
      return {
        kind: "pull_request_review",
        reviewId: r.num(review.id, "review.id"),
        body: r.text(review.body, "review.body"),
        verdict: state as ReviewVerdict,
        author: r.actor(review.user, "review.user"),
        url: r.str(review.html_url, "review.html_url"),
        at: r.str(review.submitted_at, "review.submitted_at"),
        pullNumber: number,
        head,
        labels,
      };
    }
    case "pull_request_review_comment": {
      if (action !== "created") return ignored;
      const comment = r.obj(p.comment, "comment");
      const { number, head, labels } = pullHead(r, p);
      return {
        kind: "pull_request_review_comment",
        commentId: r.num(comment.id, "comment.id"),
        body: r.text(comment.body, "comment.body"),
        path: r.str(comment.path, "comment.path"),
        line: typeof comment.line === "number" ? comment.line : null,
        author: r.actor(comment.user, "comment.user"),
        url: r.str(comment.html_url, "comment.html_url"),
        at: r.str(comment.created_at, "comment.created_at"),
        pullNumber: number,
        head,
        labels,
      };
    }
    case "workflow_dispatch":
      return { kind: "workflow_dispatch", ref: r.str(p.ref, "ref"), inputs: p.inputs === null || p.inputs === undefined ? {} : r.obj(p.inputs, "inputs") };
    case "schedule":
      return { kind: "schedule", cron: typeof p.schedule === "string" ? p.schedule : null };
    default:
      return ignored;
  }
}
