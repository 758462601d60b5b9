// Every GitHubForge operation against the fake repository, with each request and reply checked against GitHub's REST
// description (testing/nock-github.ts).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubNotFoundError, GitHubValidationError } from "./errors.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

let h: GitHubHarness;
beforeEach(() => {
  h = githubHarness();
});
afterEach(() => h.finish());

describe("pull requests", () => {
  it("creates, lists by head, gets and updates a PR with GitHub's fields", async () => {
    const created = await h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: "Copy", body: "first", draft: true });
    expect(created).toMatchObject({ number: 1, state: "open", merged: false, draft: true, head: "ateams/site/copy", base: "main", body: "first" });
    expect(created.nodeId).toMatch(/^PR_/);
    expect(created.url).toBe("https://github.com/acme/agency/pull/1");
    expect(created.author).toEqual({ login: "ateams-bot", type: "Bot" });

    h.fake.openPull({ head: "feature/other", title: "Someone else's" });
    const mine = await h.forge.listPullRequests({ head: "ateams/site/copy", state: "all" });
    expect(mine.map((p) => p.number)).toEqual([1]);
    expect((await h.forge.listPullRequests()).map((p) => p.number)).toEqual([2, 1]);

    const updated = await h.forge.updatePullRequest(1, { title: "Copy v2", body: "second" });
    expect(updated).toMatchObject({ title: "Copy v2", body: "second" });
    expect(updated.updatedAt > created.updatedAt).toBe(true);
    expect(await h.forge.getPullRequest(1)).toMatchObject({ title: "Copy v2", body: "second", draft: true });
    expect(h.mock.operations).toEqual(["pulls/create", "pulls/list", "pulls/list", "pulls/update", "pulls/get"]);
  });

  it("sees merged and closed PRs in state=all lists", async () => {
    const a = h.fake.openPull({ head: "ateams/site/a", title: "A" });
    const b = h.fake.openPull({ head: "ateams/site/b", title: "B" });
    h.fake.closePull(a.number, { merged: true });
    h.fake.closePull(b.number, { merged: false });
    const all = await h.forge.listPullRequests({ state: "all" });
    expect(all.map((p) => [p.number, p.state, p.merged])).toEqual([
      [2, "closed", false],
      [1, "closed", true],
    ]);
    expect(await h.forge.listPullRequests({ state: "open" })).toEqual([]);
  });

  it("paginates past 100 PRs and can stop early", async () => {
    for (let i = 0; i < 130; i++) h.fake.openPull({ head: `feature/f${i}`, title: `F${i}` });
    const all = await h.forge.listPullRequests({ state: "all" });
    expect(all).toHaveLength(130);
    expect(h.mock.reads).toBe(2);
    h.mock.resetCounts();
    const recent = await h.forge.listPullRequests({ state: "all", sort: "updated", direction: "desc", until: (p) => p.number <= 120 });
    expect(recent.map((p) => p.number)).toEqual([130, 129, 128, 127, 126, 125, 124, 123, 122, 121]);
    expect(h.mock.reads).toBe(1);
  });

  it("requests reviewers (users and teams) and reads reviews and review comments", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    h.fake.setPermission("director", "admin");
    const after = await h.forge.requestReviewers(pr.number, { users: ["director"], teams: ["editors"] });
    expect(after.requestedReviewers).toEqual(["director"]);
    expect(after.requestedTeams).toEqual(["editors"]);

    h.fake.review(pr.number, { author: "director", state: "CHANGES_REQUESTED", body: "Tighten it" });
    h.fake.reviewComment(pr.number, { author: "director", body: "Too long", path: "agency/projects/site/outputs/copy/home.md", line: 3 });
    const reviews = await h.forge.listReviews(pr.number);
    expect(reviews.map((r) => [r.state, r.author?.login, r.body])).toEqual([
      ["CHANGES_REQUESTED", "director", "Tighten it"],
      ["COMMENTED", "director", ""],
    ]);
    const comments = await h.forge.listReviewComments(pr.number);
    expect(comments).toMatchObject([{ pullNumber: pr.number, path: "agency/projects/site/outputs/copy/home.md", line: 3, body: "Too long", author: { login: "director" } }]);
    expect((await h.forge.getPullRequest(pr.number)).requestedReviewers).toEqual([]);
  });

  it("marks a draft ready for review through GraphQL", async () => {
    const pr = await h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: "Copy", body: "", draft: true });
    expect(await h.forge.markReadyForReview(pr)).toEqual({ draft: false });
    expect(h.fake.pull(pr.number).draft).toBe(false);
    expect(h.mock.calls.at(-1)).toMatchObject({ operationId: "graphql", write: true });
  });

  it("wraps GitHub's refusals into typed errors", async () => {
    await expect(h.forge.getPullRequest(99)).rejects.toBeInstanceOf(GitHubNotFoundError);
    await h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: "Copy", body: "", draft: false });
    const duplicate = h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: "Copy", body: "", draft: false });
    await expect(duplicate).rejects.toBeInstanceOf(GitHubValidationError);
    await expect(duplicate).rejects.toMatchObject({ status: 422, retryable: false, operation: "pulls/create", errors: [{ code: "custom" }] });
  });
});

describe("comments, labels, reactions, permissions", () => {
  it("creates, edits and lists comments per issue and across the repository since a time", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const issue = h.fake.openIssue();
    const old = h.fake.comment(issue, { author: "alice", body: "before" });
    const since = h.fake.tick(10);
    const mine = await h.forge.createIssueComment(pr.number, "hello");
    expect(mine).toMatchObject({ issueNumber: pr.number, isPullRequest: true, body: "hello", author: { login: "ateams-bot", type: "Bot" } });
    const edited = await h.forge.updateIssueComment(mine.id, "hello again");
    expect(edited.body).toBe("hello again");
    h.fake.comment(issue, { author: "alice", body: "after" });

    expect((await h.forge.listIssueComments(pr.number)).map((c) => c.body)).toEqual(["hello again"]);
    const recent = await h.forge.listIssueCommentsSince(since);
    expect(recent.map((c) => [c.issueNumber, c.isPullRequest, c.body])).toEqual([
      [pr.number, true, "hello again"],
      [issue, false, "after"],
    ]);
    expect(recent.some((c) => c.id === old.id)).toBe(false);
  });

  it("lists review comments across the repository since a time", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    h.fake.reviewComment(pr.number, { author: "bob", body: "old", path: "a.md", line: 1 });
    const since = h.fake.tick(5);
    h.fake.reviewComment(pr.number, { author: "bob", body: "new", path: "b.md", line: 2 });
    const recent = await h.forge.listReviewCommentsSince(since);
    expect(recent.map((c) => [c.pullNumber, c.path, c.line, c.body])).toEqual([[pr.number, "b.md", 2, "new"]]);
  });

  it("adds and removes labels, and reads and creates repository labels", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    expect(await h.forge.getLabel("ateams")).toBeUndefined();
    expect(await h.forge.createLabel({ name: "ateams", color: "5319e7", description: "Managed by ateams" })).toEqual({ name: "ateams", color: "5319e7", description: "Managed by ateams" });
    expect(await h.forge.getLabel("ateams")).toEqual({ name: "ateams", color: "5319e7", description: "Managed by ateams" });
    expect(await h.forge.addLabels(pr.number, ["ateams", "project:site"])).toEqual(["ateams", "project:site"]);
    expect(await h.forge.removeLabel(pr.number, "project:site")).toEqual(["ateams"]);
    await expect(h.forge.removeLabel(pr.number, "project:site")).rejects.toBeInstanceOf(GitHubNotFoundError);
    await expect(h.forge.createLabel({ name: "ateams", color: "000000", description: null })).rejects.toBeInstanceOf(GitHubValidationError);
  });

  it("reacts once per content: 201 the first time, 200 after", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const comment = h.fake.comment(pr.number, { author: "alice", body: "/approve" });
    const reviewComment = h.fake.reviewComment(pr.number, { author: "alice", body: "/revise shorter", path: "a.md", line: 1 });
    expect(await h.forge.reactToIssueComment(comment.id, "eyes")).toEqual({ created: true });
    expect(await h.forge.reactToIssueComment(comment.id, "eyes")).toEqual({ created: false });
    expect(await h.forge.reactToReviewComment(reviewComment.id, "rocket")).toEqual({ created: true });
    expect(h.fake.reactions.map((r) => [r.subject, r.subjectId, r.json.content])).toEqual([
      ["issue-comment", comment.id, "eyes"],
      ["review-comment", reviewComment.id, "rocket"],
    ]);
  });

  it("reads roles (telling maintain from write, triage from read); unknown people are 'none'", async () => {
    h.fake.setPermission("director", "admin");
    h.fake.setPermission("maintainer", "maintain");
    h.fake.setPermission("triager", "triage");
    h.fake.setPermission("visitor", "read");
    h.fake.setPermission("editor", "write", "content-editor");
    expect(await h.forge.getPermission("director")).toBe("admin");
    expect(await h.forge.getPermission("editor")).toBe("write");
    expect(await h.forge.getPermission("maintainer")).toBe("maintain");
    expect(await h.forge.getPermission("triager")).toBe("triage");
    expect(await h.forge.getPermission("visitor")).toBe("read");
    expect(await h.forge.getPermission("nobody-at-all")).toBe("none");
  });
});
