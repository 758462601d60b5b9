// ensurePullRequest is idempotent: the branch is the PR's identity, a second run with nothing new writes nothing,
// and a PR the humans closed stays closed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LabelEnsurer } from "./labels.ts";
import { indexAgencyPullRequests } from "./pull-request-lookup.ts";
import { ensurePullRequest, markReadyForReview, type PullRequestSpec } from "./pull-requests.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

let h: GitHubHarness;
beforeEach(() => {
  h = githubHarness();
  h.fake.setPermission("director", "admin");
  h.fake.setPermission("dana", "write");
});
afterEach(() => h.finish());

const stream = (over: Partial<PullRequestSpec> = {}): PullRequestSpec => ({
  head: "ateams/site/copy",
  base: "main",
  title: "site / copy",
  body: "Work in progress.",
  draft: true,
  labels: ["ateams", "project:site", "state:progressing"],
  reviewers: ["director", "dana"],
  ...over,
});

describe("ensurePullRequest", () => {
  it("opens a draft PR with labels and reviewers, then makes no writes on a second run", async () => {
    const first = await ensurePullRequest(h.forge, stream());
    expect(first).toMatchObject({ state: "open", created: true, changes: ["created", "labels", "reviewers"], warnings: [] });
    const pr = h.fake.pull(1);
    expect(pr).toMatchObject({ draft: true, state: "open", head: { ref: "ateams/site/copy" }, body: "Work in progress." });
    expect(pr.labels.map((l) => l.name)).toEqual(["ateams", "project:site", "state:progressing"]);
    expect(pr.requested_reviewers.map((u) => u.login)).toEqual(["director", "dana"]);
    // Labels were created with ateams' colours before first use.
    expect(h.fake.labels.get("ateams")?.color).toBe("5319e7");

    h.mock.resetCounts();
    const second = await ensurePullRequest(h.forge, stream());
    expect(second).toMatchObject({ state: "open", created: false, changes: [] });
    expect(h.mock.writes).toBe(0);
    expect(h.mock.operations).toEqual(["pulls/list"]);
    expect(h.fake.pulls.size).toBe(1);
  });

  it("updates the body only when it changed, and ignores CRLF and trailing space GitHub adds", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.pull(1).body = "Work in progress.\r\n";
    h.mock.resetCounts();
    expect((await ensurePullRequest(h.forge, stream())).state).toBe("open");
    expect(h.mock.writes).toBe(0);

    const changed = await ensurePullRequest(h.forge, stream({ body: "Two tasks done." }));
    expect(changed).toMatchObject({ changes: ["body"] });
    expect(h.mock.calls.filter((c) => c.write).map((c) => c.operationId)).toEqual(["pulls/update"]);
    expect(h.fake.pull(1)).toMatchObject({ body: "Two tasks done.", title: "site / copy" });
  });

  it("treats a PR closed without merge as rejected: not reopened, not duplicated, no writes", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.closePull(1, { merged: false, by: "director" });
    h.mock.resetCounts();
    const result = await ensurePullRequest(h.forge, stream({ body: "Try again?" }));
    expect(result).toMatchObject({ state: "rejected", pr: { number: 1, state: "closed", merged: false } });
    expect(h.mock.writes).toBe(0);
    expect(h.fake.pulls.size).toBe(1);
    expect(h.fake.pull(1).state).toBe("closed");
  });

  it("a rejected branch whose work was redone (new commits) gets a new PR; the closed one stays closed", async () => {
    await ensurePullRequest(h.forge, stream());
    const rejectedSha = h.fake.pull(1).head.sha;
    h.fake.closePull(1, { merged: false, by: "director" });
    // Same tip as the rejected PR: still rejected.
    expect(await ensurePullRequest(h.forge, stream({ tip: rejectedSha }))).toMatchObject({ state: "rejected" });
    const redone = await ensurePullRequest(h.forge, stream({ tip: "f".repeat(40), body: "Re-planned." }));
    expect(redone).toMatchObject({ state: "open", created: true });
    expect(h.fake.pulls.size).toBe(2);
    expect(h.fake.pull(1).state).toBe("closed");
    expect(h.fake.pull(2)).toMatchObject({ state: "open", body: "Re-planned." });
  });

  it("reports a merged PR as merged and leaves it alone", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.closePull(1, { merged: true });
    h.mock.resetCounts();
    expect(await ensurePullRequest(h.forge, stream())).toMatchObject({ state: "merged", pr: { number: 1, merged: true } });
    expect(h.mock.writes).toBe(0);
  });

  it("manages a PR a person reopened after rejecting it, instead of opening another", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.closePull(1, { merged: false });
    Object.assign(h.fake.pull(1), { state: "open", closed_at: null });
    expect(await ensurePullRequest(h.forge, stream())).toMatchObject({ state: "open", created: false, pr: { number: 1 } });
    expect(h.fake.pulls.size).toBe(1);
  });

  it("adds only missing labels, swaps state labels, and keeps labels people added", async () => {
    await ensurePullRequest(h.forge, stream());
    h.mock.resetCounts();
    const pr = h.fake.pull(1);
    pr.labels.push(h.fake.ensureLabel("needs-legal"));
    const result = await ensurePullRequest(h.forge, stream({ labels: ["ateams", "project:site", "state:awaiting-review"] }));
    expect(result).toMatchObject({ changes: ["labels", "unlabel:state:progressing"] });
    expect(h.fake.pull(1).labels.map((l) => l.name)).toEqual(["ateams", "project:site", "needs-legal", "state:awaiting-review"]);
    expect(h.mock.calls.filter((c) => c.write).map((c) => c.operationId)).toEqual(["issues/create-label", "issues/add-labels", "issues/remove-label"]);
  });

  it("does not re-request a reviewer who has already reviewed, nor the author", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.review(1, { author: "director", state: "CHANGES_REQUESTED", body: "Shorter" });
    h.mock.resetCounts();
    const result = await ensurePullRequest(h.forge, stream({ reviewers: ["director", "dana", "ateams-bot"] }));
    expect(result).toMatchObject({ changes: [] });
    expect(h.mock.operations).toEqual(["pulls/list", "pulls/list-reviews"]);
    expect(h.mock.writes).toBe(0);
  });

  it("keeps going when GitHub refuses a reviewer (not a collaborator) and says so", async () => {
    const result = await ensurePullRequest(h.forge, stream({ reviewers: ["stranger"] }));
    expect(result.state).toBe("open");
    if (result.state !== "open") return;
    expect(result.warnings).toEqual([expect.stringMatching(/review request for stranger refused: .*collaborators/)]);
    expect(h.fake.pull(1).requested_reviewers).toEqual([]);
  });

  it("marks a draft ready when the spec says so, and never turns a ready PR back into a draft", async () => {
    await ensurePullRequest(h.forge, stream());
    const ready = await ensurePullRequest(h.forge, stream({ draft: false }));
    expect(ready).toMatchObject({ changes: ["ready"], pr: { draft: false } });
    expect(h.fake.pull(1).draft).toBe(false);
    h.mock.resetCounts();
    await ensurePullRequest(h.forge, stream({ draft: true }));
    expect(h.mock.writes).toBe(0);
    expect(h.fake.pull(1).draft).toBe(false);
  });

  it("costs one read in total for a no-op pass over five PRs found by one listing", async () => {
    const specs = ["a", "b", "c", "d", "e"].map((s) => stream({ head: `ateams/site/${s}`, title: `site / ${s}` }));
    for (const spec of specs) await ensurePullRequest(h.forge, spec);
    h.fake.openPull({ head: "feature/unrelated", title: "Not ours", author: "dana" });
    h.mock.resetCounts();
    const labels = new LabelEnsurer(h.forge);
    const index = await indexAgencyPullRequests(h.forge);
    expect(index.heads()).toEqual(specs.map((s) => s.head));
    for (const spec of specs) {
      expect(await ensurePullRequest(h.forge, spec, { existing: index.existing(spec.head), labels })).toMatchObject({ state: "open", changes: [] });
    }
    expect([h.mock.reads, h.mock.writes]).toEqual([1, 0]);
  });

  it("looks a branch up when a listing of open PRs cannot say, so a rejected stream is never reopened", async () => {
    await ensurePullRequest(h.forge, stream());
    h.fake.closePull(1, { merged: false });
    const open = await indexAgencyPullRequests(h.forge);
    expect(open.existing("ateams/site/copy")).toBeUndefined();
    expect(await ensurePullRequest(h.forge, stream(), { existing: open.existing("ateams/site/copy") })).toMatchObject({ state: "rejected" });
    const all = await indexAgencyPullRequests(h.forge, "all");
    expect(all.existing("ateams/site/copy")).toMatchObject({ number: 1, state: "closed" });
    expect(all.existing("ateams/site/never")).toBeNull();
    expect(h.fake.pulls.size).toBe(1);
  });
});

describe("markReadyForReview", () => {
  it("sends the GraphQL mutation only for a draft", async () => {
    const { pr } = (await ensurePullRequest(h.forge, stream())) as { pr: Parameters<typeof markReadyForReview>[1] };
    const first = await markReadyForReview(h.forge, pr);
    expect(first).toMatchObject({ changed: true, pr: { draft: false } });
    h.mock.resetCounts();
    expect(await markReadyForReview(h.forge, first.pr)).toMatchObject({ changed: false });
    expect(h.mock.calls).toEqual([]);
  });
});
