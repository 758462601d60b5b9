// Test-only: dispatches a checked request to the fake repository, plus the endpoints that are neither pulls nor issues
// (reactions, permission levels, repository_dispatch, and the one GraphQL mutation the engine sends).
import type { FakeRepo } from "./fake-repo.ts";
import { bodyOf, notFound, type FakeReply, type FakeRequest } from "./fake-http.ts";
import { routeIssues } from "./fake-routes-issues.ts";
import { routePulls } from "./fake-routes-pulls.ts";

export class FakeRouteError extends Error {
  override name = "FakeRouteError";
}

function react(fake: FakeRepo, req: FakeRequest, subject: "issue-comment" | "review-comment"): FakeReply {
  const id = Number(req.pathParams.comment_id);
  const exists = subject === "issue-comment" ? fake.issueComments.some((c) => c.json.id === id) : fake.reviewComments.some((c) => c.json.id === id);
  if (!exists) return notFound();
  const content = String(bodyOf(req).content);
  // GitHub answers 200 with the existing reaction when this user already reacted this way, 201 when it is new.
  const existing = fake.reactions.find((r) => r.subject === subject && r.subjectId === id && r.json.content === content && r.json.user.login === fake.viewer);
  if (existing) return { status: 200, body: existing.json };
  const json = fake.objects.reaction({ id: fake.id(), content, user: fake.user(fake.viewer), now: fake.tick() });
  fake.reactions.push({ subject, subjectId: id, json });
  return { status: 201, body: json };
}

function permission(fake: FakeRepo, req: FakeRequest): FakeReply {
  const login = String(req.pathParams.username);
  if (!fake.hasUser(login)) return notFound();
  return { status: 200, body: fake.objects.permission(fake.user(login), fake.permissions.get(login) ?? "read", fake.customRoles.get(login)) };
}

function graphql(fake: FakeRepo, req: FakeRequest): FakeReply {
  const body = bodyOf(req);
  const query = String(body.query);
  const variables = (body.variables ?? {}) as Record<string, unknown>;
  if (!/\bmutation\b[\s\S]*\bmarkPullRequestReadyForReview\s*\(/.test(query)) {
    throw new FakeRouteError(`the fake repository does not understand this GraphQL document: ${query.slice(0, 120)}`);
  }
  const pull = [...fake.pulls.values()].find((p) => p.node_id === variables.pullRequestId);
  if (!pull) {
    return { status: 200, body: { data: { markPullRequestReadyForReview: null }, errors: [{ type: "NOT_FOUND", path: ["markPullRequestReadyForReview"], message: `Could not resolve to a node with the global id of '${String(variables.pullRequestId)}'` }] } };
  }
  if (pull.draft) {
    pull.draft = false;
    fake.touch(pull.number);
  }
  return { status: 200, body: { data: { markPullRequestReadyForReview: { pullRequest: { id: pull.node_id, number: pull.number, isDraft: pull.draft } } } } };
}

export function routeFake(fake: FakeRepo, req: FakeRequest): FakeReply {
  if (req.operationId === "graphql") return graphql(fake, req);
  const { owner, repo } = req.pathParams;
  if (owner !== fake.owner || repo !== fake.repo) return notFound();
  const reply = routePulls(fake, req) ?? routeIssues(fake, req);
  if (reply) return reply;
  switch (req.operationId) {
    case "reactions/create-for-issue-comment":
      return react(fake, req, "issue-comment");
    case "reactions/create-for-pull-request-review-comment":
      return react(fake, req, "review-comment");
    case "repos/get-collaborator-permission-level":
      return permission(fake, req);
    case "repos/create-dispatch-event": {
      const body = bodyOf(req);
      fake.dispatches.push({ eventType: String(body.event_type), payload: (body.client_payload ?? {}) as Record<string, unknown> });
      return { status: 204 };
    }
    default:
      throw new FakeRouteError(`the fake repository has no route for ${req.operationId}`);
  }
}
