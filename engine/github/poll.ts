// Event intake outside Actions: ask GitHub what happened since the last run. Three repository-wide, paginated
// listings (PRs by last update, stopping at the cursor; issue comments since; review comments since) and one review
// listing per *agency* PR that changed. A quiet repository therefore costs three reads, however many PRs are open.
//
// GitHub's `since` is inclusive and has one-second resolution, so the cursor keeps, per source, the newest time seen
// plus the keys of what was seen at exactly that time; the next poll skips those. Each source keeps its own time, so
// something created while we were reading another source is not skipped. Edits are not events: a comment or review
// comment counts only if it was created at or after its source's cursor.
import { BRANCH_PREFIX } from "../forge/branch-name.ts";
import type { AgencyEvent, ReviewVerdict } from "./event-types.ts";
import type { GitHubForge, IssueComment, PullRequest, ReviewComment } from "./types.ts";

export interface PollCursor {
  issueComments: string;
  reviewComments: string;
  pulls: string;
  /** Keys (`ic:1`, `rc:2`, `rv:3`, `pr:4`) of what was seen at exactly the times above. */
  seen: string[];
}

export interface PollResult {
  /** Oldest first. Not filtered: pass each through concernsAgency / intakeEvent. */
  events: AgencyEvent[];
  cursor: PollCursor;
  /** The PRs that changed since the cursor, by number (lets the caller skip a lookup). */
  changedPulls: Map<number, PullRequest>;
}

/** Where to start when there is no cursor yet: only what happens from `since` on is news. */
export function startCursor(since: string): PollCursor {
  return { issueComments: since, reviewComments: since, pulls: since, seen: [] };
}

const isAgencyHead = (head: string) => head.startsWith(`${BRANCH_PREFIX}/`);
const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/** Tracks the newest time of one source and the keys seen at that time. */
class Frontier {
  time: string;
  keys: string[] = [];
  constructor(time: string) {
    this.time = time;
  }
  see(time: string, key: string): void {
    if (Date.parse(time) > Date.parse(this.time)) {
      this.time = time;
      this.keys = [key];
    } else if (Date.parse(time) === Date.parse(this.time)) {
      this.keys.push(key);
    }
  }
}

export async function pollSince(forge: GitHubForge, cursor: PollCursor): Promise<PollResult> {
  const seen = new Set(cursor.seen);
  const found: { at: string; event: AgencyEvent }[] = [];
  const isNew = (key: string, created: string, since: string) => !seen.has(key) && Date.parse(created) >= Date.parse(since);

  const pullsSince = Date.parse(cursor.pulls);
  const changed = await forge.listPullRequests({ state: "all", sort: "updated", direction: "desc", until: (pr) => Date.parse(pr.updatedAt) < pullsSince });
  const byNumber = new Map(changed.map((pr) => [pr.number, pr]));
  const pulls = new Frontier(cursor.pulls);

  for (const pr of changed) {
    pulls.see(pr.updatedAt, `pr:${pr.number}`);
    if (!isAgencyHead(pr.head)) continue;
    if (pr.closedAt && isNew(`pr:${pr.number}`, pr.closedAt, cursor.pulls)) {
      found.push({ at: pr.closedAt, event: { kind: "pull_request_closed", number: pr.number, merged: pr.merged, head: pr.head, base: pr.base, labels: pr.labels, sender: pr.author } });
    }
    for (const review of await forge.listReviews(pr.number)) {
      if (!review.submittedAt || review.state === "PENDING" || !isNew(`rv:${review.id}`, review.submittedAt, cursor.pulls)) continue;
      pulls.see(review.submittedAt, `rv:${review.id}`);
      found.push({
        at: review.submittedAt,
        event: { kind: "pull_request_review", reviewId: review.id, body: review.body, verdict: review.state.toLowerCase() as ReviewVerdict, author: review.author ?? { login: "ghost", type: "User" }, url: review.url, at: review.submittedAt, pullNumber: pr.number, head: pr.head, labels: pr.labels },
      });
    }
  }

  const issueComments = new Frontier(cursor.issueComments);
  for (const c of await forge.listIssueCommentsSince(cursor.issueComments)) {
    const key = `ic:${c.id}`;
    issueComments.see(c.updatedAt, key);
    if (isNew(key, c.createdAt, cursor.issueComments)) found.push({ at: c.createdAt, event: issueCommentEvent(c, byNumber.get(c.issueNumber)) });
  }

  const reviewComments = new Frontier(cursor.reviewComments);
  for (const c of await forge.listReviewCommentsSince(cursor.reviewComments)) {
    const key = `rc:${c.id}`;
    reviewComments.see(c.updatedAt, key);
    if (!isNew(key, c.createdAt, cursor.reviewComments)) continue;
    // A new review comment bumps its PR's updated_at, so the PR is normally in hand; fetch it if not.
    const pr = byNumber.get(c.pullNumber) ?? (await forge.getPullRequest(c.pullNumber));
    found.push({ at: c.createdAt, event: reviewCommentEvent(c, pr) });
  }

  found.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    events: found.map((f) => f.event),
    cursor: {
      issueComments: later(issueComments.time, cursor.issueComments),
      reviewComments: later(reviewComments.time, cursor.reviewComments),
      pulls: later(pulls.time, cursor.pulls),
      seen: [...issueComments.keys, ...reviewComments.keys, ...pulls.keys],
    },
    changedPulls: byNumber,
  };
}

function issueCommentEvent(c: IssueComment, pr: PullRequest | undefined): AgencyEvent {
  return { kind: "issue_comment", commentId: c.id, body: c.body, author: c.author, url: c.url, at: c.createdAt, issueNumber: c.issueNumber, isPullRequest: c.isPullRequest, labels: pr?.labels ?? [], head: pr?.head ?? null };
}

function reviewCommentEvent(c: ReviewComment, pr: PullRequest): AgencyEvent {
  return { kind: "pull_request_review_comment", commentId: c.id, body: c.body, path: c.path, line: c.line, author: c.author, url: c.url, at: c.createdAt, pullNumber: c.pullNumber, head: pr.head, labels: pr.labels };
}
