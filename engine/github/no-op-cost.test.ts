// What a reconcile that finds nothing to do costs on GitHub, for a project with five open stream PRs: one listing
// of PRs, one comment listing per PR for its sticky status, three reads of polling. Goal: no writes, and at most one
// read per open PR plus a constant.
import { afterEach, beforeEach, expect, it } from "vitest";
import { statusMarker } from "./comment-marker.ts";
import { AGENCY_LABEL, LabelEnsurer, projectLabel, stateLabel } from "./labels.ts";
import { pollSince, startCursor } from "./poll.ts";
import { indexAgencyPullRequests } from "./pull-request-lookup.ts";
import { ensurePullRequest, type PullRequestSpec } from "./pull-requests.ts";
import { upsertStickyComment } from "./sticky-comment.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";
import type { GitHubForge } from "./types.ts";

let h: GitHubHarness;
beforeEach(() => {
  h = githubHarness();
  h.fake.setPermission("director", "admin");
});
afterEach(() => h.finish());

const STREAMS = ["research", "outline", "copy", "design", "review"];
const spec = (stream: string): PullRequestSpec => ({
  head: `ateams/site/${stream}`,
  base: "main",
  title: `site / ${stream}`,
  body: `Stream ${stream}: 2 of 3 tasks done.`,
  draft: true,
  labels: [AGENCY_LABEL, projectLabel("site"), stateLabel("progressing")],
  reviewers: ["director"],
});

async function reconcile(forge: GitHubForge, since: string) {
  const labels = new LabelEnsurer(forge);
  const index = await indexAgencyPullRequests(forge);
  for (const stream of STREAMS) {
    const result = await ensurePullRequest(forge, spec(stream), { existing: index.existing(`ateams/site/${stream}`), labels });
    if (result.state === "open") await upsertStickyComment(forge, result.pr.number, statusMarker(`site-${stream}`), `**Progressing** (${stream})`);
  }
  return pollSince(forge, startCursor(since));
}

it("makes no writes and at most one read per open PR plus a constant", async () => {
  await reconcile(h.forge, h.fake.now());
  const since = h.fake.tick(60);
  h.mock.resetCounts();
  const poll = await reconcile(h.forge, since);
  expect(poll.events).toEqual([]);
  expect(h.mock.writes).toBe(0);
  expect(h.mock.reads).toBe(STREAMS.length + 4);
  expect(h.mock.operations.filter((o) => o === "issues/list-comments")).toHaveLength(STREAMS.length);
});
