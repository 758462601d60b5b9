// GitHubForge over octokit: one method per REST operation the engine uses (the list the OpenAPI extract is cut to,
// scripts/extract-github-openapi.ts), lists fully paginated at 100 per page, every failure wrapped into errors.ts.
//
// Creating POSTs (pulls.create, issues.createComment, issues.createLabel, repos.createDispatchEvent) are not retried on 5xx: a 502 can hide a
// success, and a blind retry would duplicate the PR or comment. The next reconcile finds what exists by branch or
// marker first (pull-requests.ts, sticky-comment.ts), so retrying there is safe; the errors are `retryable`.
import { GitHubNotFoundError } from "./errors.ts";
import { toIssueComment, toLabel, toPullRequest, toReview, toReviewComment, type RawPull } from "./map-github.ts";
import { createOctokit, type GitHubClientOptions, type Octokit } from "./octokit.ts";
import type { GitHubForge, PullRequestFilter, ReactionContent, RepoPermission } from "./types.ts";
import { toGitHubError } from "./wrap-error.ts";

export type { GitHubClientOptions } from "./octokit.ts";

const PER_PAGE = 100;
const ROLES: readonly RepoPermission[] = ["admin", "maintain", "write", "triage", "read", "none"];
const NO_RETRY = { request: { retries: 0 } };

const MARK_READY = `mutation MarkReady($pullRequestId: ID!) {
  markPullRequestReadyForReview(input: { pullRequestId: $pullRequestId }) { pullRequest { id isDraft } }
}`;

async function call<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toGitHubError(operation, error);
  }
}

export function createGitHubClient(options: GitHubClientOptions): GitHubForge {
  return githubForge(createOctokit(options), options.owner, options.repo);
}

/** The forge over an already configured Octokit (createOctokit), for callers that share one. */
export function githubForge(octokit: Octokit, owner: string, repo: string): GitHubForge {
  const at = { owner, repo };
  const rest = octokit.rest;

  return {
    owner,
    repo,

    listPullRequests(filter: PullRequestFilter = {}) {
      return call("pulls/list", async () => {
        const params = {
          ...at,
          state: filter.state ?? "open",
          per_page: PER_PAGE,
          ...(filter.head ? { head: `${owner}:${filter.head}` } : {}),
          ...(filter.base ? { base: filter.base } : {}),
          ...(filter.sort ? { sort: filter.sort } : {}),
          ...(filter.direction ? { direction: filter.direction } : {}),
        } as const;
        const until = filter.until;
        return octokit.paginate(rest.pulls.list, params, (response, done) => {
          const page = response.data.map((raw) => toPullRequest(raw as RawPull));
          if (!until) return page;
          const stop = page.findIndex(until);
          if (stop < 0) return page;
          done();
          return page.slice(0, stop);
        });
      });
    },

    getPullRequest(number) {
      return call("pulls/get", async () => toPullRequest((await rest.pulls.get({ ...at, pull_number: number })).data as RawPull));
    },

    createPullRequest(input) {
      return call("pulls/create", async () => {
        const { data } = await rest.pulls.create({ ...at, head: input.head, base: input.base, title: input.title, body: input.body, draft: input.draft, ...NO_RETRY });
        return toPullRequest(data as RawPull);
      });
    },

    updatePullRequest(number, change) {
      return call("pulls/update", async () => toPullRequest((await rest.pulls.update({ ...at, pull_number: number, ...change })).data as RawPull));
    },

    requestReviewers(number, reviewers) {
      return call("pulls/request-reviewers", async () => {
        const { data } = await rest.pulls.requestReviewers({
          ...at,
          pull_number: number,
          ...(reviewers.users?.length ? { reviewers: reviewers.users } : {}),
          ...(reviewers.teams?.length ? { team_reviewers: reviewers.teams } : {}),
        });
        return toPullRequest(data as RawPull);
      });
    },

    markReadyForReview(pr) {
      return call("graphql", async () => {
        const data = await octokit.graphql<{ markPullRequestReadyForReview: { pullRequest: { isDraft: boolean } } }>(MARK_READY, { pullRequestId: pr.nodeId });
        return { draft: data.markPullRequestReadyForReview.pullRequest.isDraft };
      });
    },

    listReviews(pullNumber) {
      return call("pulls/list-reviews", async () => {
        const raw = await octokit.paginate(rest.pulls.listReviews, { ...at, pull_number: pullNumber, per_page: PER_PAGE });
        return raw.map((r) => toReview(r, pullNumber));
      });
    },

    listReviewComments(pullNumber) {
      return call("pulls/list-review-comments", async () => {
        const raw = await octokit.paginate(rest.pulls.listReviewComments, { ...at, pull_number: pullNumber, per_page: PER_PAGE });
        return raw.map(toReviewComment);
      });
    },

    listReviewCommentsSince(since) {
      return call("pulls/list-review-comments-for-repo", async () => {
        const raw = await octokit.paginate(rest.pulls.listReviewCommentsForRepo, { ...at, since, sort: "updated", direction: "asc", per_page: PER_PAGE });
        return raw.map(toReviewComment);
      });
    },

    listIssueComments(issueNumber) {
      return call("issues/list-comments", async () => {
        const raw = await octokit.paginate(rest.issues.listComments, { ...at, issue_number: issueNumber, per_page: PER_PAGE });
        return raw.map(toIssueComment);
      });
    },

    listIssueCommentsSince(since) {
      return call("issues/list-comments-for-repo", async () => {
        const raw = await octokit.paginate(rest.issues.listCommentsForRepo, { ...at, since, sort: "updated", direction: "asc", per_page: PER_PAGE });
        return raw.map(toIssueComment);
      });
    },

    createIssueComment(issueNumber, body) {
      return call("issues/create-comment", async () => toIssueComment((await rest.issues.createComment({ ...at, issue_number: issueNumber, body, ...NO_RETRY })).data));
    },

    updateIssueComment(commentId, body) {
      return call("issues/update-comment", async () => toIssueComment((await rest.issues.updateComment({ ...at, comment_id: commentId, body })).data));
    },

    addLabels(issueNumber, names) {
      return call("issues/add-labels", async () => (await rest.issues.addLabels({ ...at, issue_number: issueNumber, labels: names })).data.map((l) => l.name));
    },

    removeLabel(issueNumber, name) {
      return call("issues/remove-label", async () => (await rest.issues.removeLabel({ ...at, issue_number: issueNumber, name })).data.map((l) => l.name));
    },

    async getLabel(name) {
      try {
        return await call("issues/get-label", async () => toLabel((await rest.issues.getLabel({ ...at, name })).data));
      } catch (error) {
        if (error instanceof GitHubNotFoundError) return undefined;
        throw error;
      }
    },

    createLabel(label) {
      return call("issues/create-label", async () => {
        const { data } = await rest.issues.createLabel({ ...at, name: label.name, color: label.color, ...(label.description ? { description: label.description } : {}), ...NO_RETRY });
        return toLabel(data);
      });
    },

    reactToIssueComment(commentId, content: ReactionContent) {
      return call("reactions/create-for-issue-comment", async () => {
        const { status } = await rest.reactions.createForIssueComment({ ...at, comment_id: commentId, content });
        return { created: status === 201 };
      });
    },

    reactToReviewComment(commentId, content: ReactionContent) {
      return call("reactions/create-for-pull-request-review-comment", async () => {
        const { status } = await rest.reactions.createForPullRequestReviewComment({ ...at, comment_id: commentId, content });
        return { created: status === 201 };
      });
    },

    dispatchRepositoryEvent(eventType, payload) {
      // Not retried: a lost answer may hide a dispatch that started a run, and a second one would start another.
      return call("repos/create-dispatch-event", async () => {
        await rest.repos.createDispatchEvent({ ...at, event_type: eventType, client_payload: payload, ...NO_RETRY });
      });
    },

    async getPermission(login) {
      try {
        return await call("repos/get-collaborator-permission-level", async () => {
          const { data } = await rest.repos.getCollaboratorPermissionLevel({ ...at, username: login });
          // `role_name` tells maintain from write and triage from read; a custom role falls back to the legacy field.
          const role = ROLES.find((r) => r === data.role_name) ?? ROLES.find((r) => r === data.permission);
          return role ?? "none";
        });
      } catch (error) {
        if (error instanceof GitHubNotFoundError) return "none";
        throw error;
      }
    },
  };
}
