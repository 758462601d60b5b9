// Test-only: a fake repository behind the checked nock interceptor, and a real client (octokit with its plugins)
// pointed at it with every wait shrunk to milliseconds.
import { createGitHubClient } from "../../../engine/github/client.ts";
import type { GitHubClientOptions } from "../../../engine/github/octokit.ts";
import type { GitHubForge } from "../../../engine/github/types.ts";
import { FakeRepo, type FakeRepoOptions } from "./fake-repo.ts";
import { mockGitHub, type GitHubMock } from "./nock-github.ts";

export interface GitHubHarness {
  fake: FakeRepo;
  mock: GitHubMock;
  forge: GitHubForge;
  /** Stops intercepting, then fails if any request or reply strayed from the REST description. */
  finish(): void;
}

export const FAST: Pick<GitHubClientOptions, "retry" | "rateLimit" | "writeIntervalMs"> = {
  retry: { retries: 3, delayUnitMs: 1 },
  rateLimit: { retries: 2, maxWaitSeconds: 60, secondUnitMs: 1 },
  writeIntervalMs: 0,
};

export function githubHarness(repo: FakeRepoOptions = {}, client: Partial<GitHubClientOptions> = {}): GitHubHarness {
  const fake = new FakeRepo(repo);
  const mock = mockGitHub(fake);
  const forge = createGitHubClient({ token: "ghs_test_token", owner: fake.owner, repo: fake.repo, ...FAST, ...client });
  return {
    fake,
    mock,
    forge,
    finish() {
      mock.close();
      mock.assertClean();
    },
  };
}
