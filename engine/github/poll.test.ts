// Polling outside Actions: everything new since the cursor, exactly once, at a constant cost when nothing happened.
import { afterEach, beforeEach, expect, it } from "vitest";
import { concernsAgency } from "./concerns-agency.ts";
import { commandReader } from "../../test/support/commands/reader.ts";
import { pollSince, startCursor } from "./poll.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

let h: GitHubHarness;
beforeEach(() => {
  h = githubHarness();
});
afterEach(() => h.finish());

function agencyPull(stream: string) {
  const pr = h.fake.openPull({ head: `ateams/site/${stream}`, title: stream, draft: true });
  pr.labels.push(h.fake.ensureLabel("ateams"));
  return pr;
}

it("costs three reads and reports nothing for a quiet repository with five open PRs", async () => {
  for (const s of ["a", "b", "c", "d", "e"]) agencyPull(s);
  h.fake.comment(1, { author: "dana", body: "old news" });
  const cursor = startCursor(h.fake.tick(60));
  h.mock.resetCounts();
  const result = await pollSince(h.forge, cursor);
  expect(result.events).toEqual([]);
  expect(result.cursor).toEqual(cursor);
  expect([h.mock.reads, h.mock.writes]).toEqual([3, 0]);
});

it("turns comments, reviews, review comments and closed PRs into events, oldest first, each once", async () => {
  const copy = agencyPull("copy");
  const other = h.fake.openPull({ head: "feature/x", title: "Not ours", author: "dana" });
  const issue = h.fake.openIssue();
  const cursor = startCursor(h.fake.tick(10));

  const c1 = h.fake.comment(copy.number, { author: "director", body: "/approve" });
  const c2 = h.fake.comment(issue, { author: "dana", body: "/status" });
  const review = h.fake.review(copy.number, { author: "director", state: "CHANGES_REQUESTED", body: "Shorter" });
  const rc = h.fake.reviewComment(copy.number, { author: "director", body: "Cut this", path: "agency/projects/site/outputs/copy/home.md", line: 7 });
  h.fake.review(other.number, { author: "director", state: "APPROVED" });
  const closed = agencyPull("faq");
  h.fake.closePull(closed.number, { merged: true });

  const first = await pollSince(h.forge, cursor);
  expect(first.events).toEqual([
    { kind: "issue_comment", commentId: c1.id, body: "/approve", author: { login: "director", type: "User" }, url: c1.html_url, at: c1.created_at, issueNumber: copy.number, isPullRequest: true, labels: ["ateams"], head: "ateams/site/copy" },
    { kind: "issue_comment", commentId: c2.id, body: "/status", author: { login: "dana", type: "User" }, url: c2.html_url, at: c2.created_at, issueNumber: issue, isPullRequest: false, labels: [], head: null },
    { kind: "pull_request_review", reviewId: review.id, body: "Shorter", verdict: "changes_requested", author: { login: "director", type: "User" }, url: review.html_url, at: review.submitted_at, pullNumber: copy.number, head: "ateams/site/copy", labels: ["ateams"] },
    expect.objectContaining({ kind: "pull_request_review", verdict: "commented", pullNumber: copy.number }),
    { kind: "pull_request_review_comment", commentId: rc.id, body: "Cut this", path: "agency/projects/site/outputs/copy/home.md", line: 7, author: { login: "director", type: "User" }, url: rc.html_url, at: rc.created_at, pullNumber: copy.number, head: "ateams/site/copy", labels: ["ateams"] },
    expect.objectContaining({ kind: "pull_request_closed", number: closed.number, merged: true, head: "ateams/site/faq" }),
  ]);
  // The non-agency PR's review was not even listed.
  expect(h.mock.calls.filter((c) => c.operationId === "pulls/list-reviews").map((c) => c.path)).not.toContain(`/repos/acme/agency/pulls/${other.number}/reviews`);
  expect(first.events.every((e) => concernsAgency(e, commandReader()))).toBe(true);

  h.mock.resetCounts();
  const second = await pollSince(h.forge, first.cursor);
  expect(second.events).toEqual([]);
  expect(h.mock.writes).toBe(0);
});

it("does not report an old comment again when someone edits it", async () => {
  const copy = agencyPull("copy");
  const c = h.fake.comment(copy.number, { author: "dana", body: "first" });
  const cursor = startCursor(h.fake.tick(10));
  c.body = "first (edited)";
  c.updated_at = h.fake.touch(copy.number);
  const result = await pollSince(h.forge, cursor);
  expect(result.events).toEqual([]);
  expect(result.cursor.issueComments).toBe(c.updated_at);
});

it("catches something created in the same second as the cursor, once", async () => {
  const copy = agencyPull("copy");
  const cursor = startCursor(h.fake.tick(5));
  const a = h.fake.comment(copy.number, { author: "dana", body: "a" });
  const first = await pollSince(h.forge, cursor);
  expect(first.events.map((e) => (e.kind === "issue_comment" ? e.body : e.kind))).toEqual(["a"]);
  // Same second as the cursor now stands at: new to us, so reported; `a` is not reported twice.
  const b = h.fake.comment(copy.number, { author: "dana", body: "b" });
  b.created_at = b.updated_at = a.created_at;
  const second = await pollSince(h.forge, first.cursor);
  expect(second.events.map((e) => (e.kind === "issue_comment" ? e.body : e.kind))).toEqual(["b"]);
  expect((await pollSince(h.forge, second.cursor)).events).toEqual([]);
});

it("pages through a busy stretch", async () => {
  const copy = agencyPull("copy");
  const cursor = startCursor(h.fake.tick(5));
  for (let i = 0; i < 150; i++) h.fake.comment(copy.number, { author: "dana", body: `c${i}` });
  h.mock.resetCounts();
  const result = await pollSince(h.forge, cursor);
  expect(result.events).toHaveLength(150);
  expect(h.mock.operations.filter((o) => o === "issues/list-comments-for-repo")).toHaveLength(2);
});
