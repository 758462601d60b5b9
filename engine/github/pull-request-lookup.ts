// The branch name is a PR's identity (Renovate, release-please): these find the PR a branch already has, so a
// re-run updates it instead of opening another. One listing can serve a whole run (`indexAgencyPullRequests`), which
// keeps a no-op reconcile at a constant number of reads however many streams there are.
import { BRANCH_PREFIX } from "../forge/branch-name.ts";
import type { GitHubForge, PullRequest } from "./types.ts";

/**
 * Of all PRs ever opened from one head branch, the one that speaks for it: an open one if any (the oldest, should
 * there be several), otherwise the most recent closed or merged one.
 */
export function pickForHead(prs: readonly PullRequest[]): PullRequest | undefined {
  const open = prs.filter((p) => p.state === "open").sort((a, b) => a.number - b.number);
  if (open.length) return open[0];
  return [...prs].sort((a, b) => b.number - a.number)[0];
}

/** The PR for one head branch, in any state; undefined when there has never been one. One paginated read. */
export async function findPullRequest(forge: GitHubForge, head: string): Promise<PullRequest | undefined> {
  return pickForHead(await forge.listPullRequests({ head, state: "all" }));
}

/**
 * The agency's PRs (head `ateams/…`) from one paginated listing, for a whole run. Listing only open PRs (the
 * default) is cheap and stays cheap as history grows, but cannot prove a branch never had a PR (it may have been
 * rejected), so `existing()` answers undefined there and ensurePullRequest looks the branch up itself. A listing of
 * every state can answer null ("none, ever").
 */
export class PullRequestIndex {
  readonly complete: boolean;
  private readonly byHead: Map<string, PullRequest>;

  constructor(prs: readonly PullRequest[], complete: boolean) {
    this.complete = complete;
    const grouped = new Map<string, PullRequest[]>();
    for (const pr of prs) {
      if (!pr.head.startsWith(`${BRANCH_PREFIX}/`)) continue;
      grouped.set(pr.head, [...(grouped.get(pr.head) ?? []), pr]);
    }
    this.byHead = new Map([...grouped].map(([head, list]) => [head, pickForHead(list)!]));
  }

  heads(): string[] {
    return [...this.byHead.keys()].sort();
  }

  /** For EnsureOptions.existing: the PR; null when the listing proves there is none; undefined when it cannot say. */
  existing(head: string): PullRequest | null | undefined {
    return this.byHead.get(head) ?? (this.complete ? null : undefined);
  }
}

export async function indexAgencyPullRequests(forge: GitHubForge, state: "open" | "all" = "open"): Promise<PullRequestIndex> {
  return new PullRequestIndex(await forge.listPullRequests({ state }), state === "all");
}
