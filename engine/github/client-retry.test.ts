// Rate limits and server errors: handled by octokit's throttling and retry plugins with bounded patience (all waits
// shrunk to milliseconds here), then surfaced as typed errors.
import { afterEach, beforeEach, expect, it } from "vitest";
import { GitHubApiError, GitHubAuthError, GitHubRateLimitError } from "./errors.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

const SECONDARY = {
  status: 403,
  body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" },
  headers: { "retry-after": "2" },
};
const BAD_GATEWAY = { status: 502, body: { message: "Server Error" } };

let h: GitHubHarness;
beforeEach(() => {
  h = githubHarness();
});
afterEach(() => h.finish());

it("waits out a secondary rate limit on a write and creates exactly one PR", async () => {
  h.mock.script("pulls/create", SECONDARY);
  const started = Date.now();
  const pr = await h.forge.createPullRequest({ head: "ateams/site/copy", base: "main", title: "Copy", body: "", draft: true });
  expect(pr.number).toBe(1);
  expect(h.mock.calls.map((c) => [c.operationId, c.status])).toEqual([
    ["pulls/create", 403],
    ["pulls/create", 201],
  ]);
  expect(h.fake.pulls.size).toBe(1);
  expect(Date.now() - started).toBeLessThan(2000); // retry-after 2 s, scaled to 2 ms
});

it("gives up after the configured number of rate-limit waits with a retryable GitHubRateLimitError", async () => {
  h.mock.script("issues/list-comments", { ...SECONDARY, status: 429 }, 3);
  const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
  const failure = h.forge.listIssueComments(pr.number);
  await expect(failure).rejects.toBeInstanceOf(GitHubRateLimitError);
  await expect(failure).rejects.toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000, operation: "issues/list-comments" });
  expect(h.mock.calls).toHaveLength(3); // first try + 2 waits
});

it("does not sleep through an exhausted hourly quota: fails at once, saying when it resets", async () => {
  const reset = Math.floor(Date.now() / 1000) + 1800;
  h.mock.script("pulls/list", {
    status: 403,
    body: { message: "API rate limit exceeded for installation ID 1.", documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api" },
    headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
  });
  const failure = h.forge.listPullRequests();
  await expect(failure).rejects.toBeInstanceOf(GitHubRateLimitError);
  const error = (await failure.catch((e: unknown) => e)) as GitHubRateLimitError;
  expect(error.retryAfterMs).toBeGreaterThan(1_700_000);
  expect(h.mock.calls).toHaveLength(1);
});

it("retries a read through transient 5xx answers", async () => {
  h.mock.script("pulls/list", BAD_GATEWAY, 2);
  h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
  expect(await h.forge.listPullRequests()).toHaveLength(1);
  expect(h.mock.calls.map((c) => c.status)).toEqual([502, 502, 200]);
});

it("stops retrying after the configured count and reports a retryable GitHubApiError", async () => {
  h.mock.script("pulls/get", BAD_GATEWAY, 4);
  const failure = h.forge.getPullRequest(1);
  await expect(failure).rejects.toBeInstanceOf(GitHubApiError);
  await expect(failure).rejects.toMatchObject({ status: 502, retryable: true });
  expect(h.mock.calls).toHaveLength(4); // first try + 3 retries
});

it("does not blindly retry a creating POST on 5xx (it may have succeeded), but the error is retryable", async () => {
  const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
  h.mock.script("issues/create-comment", BAD_GATEWAY);
  await expect(h.forge.createIssueComment(pr.number, "status")).rejects.toMatchObject({ status: 502, retryable: true });
  expect(h.mock.calls).toHaveLength(1);
});

it("retries an idempotent write (update) on 5xx", async () => {
  const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
  h.mock.script("pulls/update", BAD_GATEWAY);
  expect((await h.forge.updatePullRequest(pr.number, { title: "Copy v2" })).title).toBe("Copy v2");
  expect(h.mock.calls.map((c) => c.status)).toEqual([502, 200]);
});

it("reports a bad token as GitHubAuthError without retrying", async () => {
  h.mock.script("pulls/list", { status: 401, body: { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" } });
  await expect(h.forge.listPullRequests()).rejects.toBeInstanceOf(GitHubAuthError);
  await expect(h.forge.listPullRequests()).resolves.toEqual([]);
  expect(h.mock.calls.map((c) => c.status)).toEqual([401, 200]);
});
