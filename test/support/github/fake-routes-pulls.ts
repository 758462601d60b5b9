// Test-only: the pulls.* endpoints of the fake repository, following GitHub's documented behaviour for the cases the
// engine meets (one open PR per head and base, reviews taking a reviewer off the requested list, author cannot be
// requested, reopening a merged PR is refused).
import type { FakeRepo } from "./fake-repo.ts";
import { bodyOf, notFound, paginate, sinceAndSort, validationFailed, type FakeReply, type FakeRequest } from "./fake-http.ts";
import type { PullJson } from "./fake-objects.ts";

function pullOf(fake: FakeRepo, req: FakeRequest): PullJson | undefined {
  return fake.pulls.get(Number(req.pathParams.pull_number));
}

function list(fake: FakeRepo, req: FakeRequest): FakeReply {
  const state = req.query.get("state") ?? "open";
  const head = req.query.get("head");
  const base = req.query.get("base");
  const sort = req.query.get("sort") ?? "created";
  let pulls = [...fake.pulls.values()].filter((p) => state === "all" || p.state === state);
  // GitHub wants `user:ref-name`; a bare branch name matches nothing.
  if (head) pulls = pulls.filter((p) => p.head.label === head);
  if (base) pulls = pulls.filter((p) => p.base.ref === base);
  const key = sort === "updated" ? "updated_at" : "created_at";
  pulls.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : a.number - b.number));
  const direction = req.query.get("direction") ?? (sort === "created" ? "desc" : "asc");
  if (direction === "desc") pulls.reverse();
  return paginate(pulls.map((p) => fake.objects.pullSimple(p)), req);
}

function create(fake: FakeRepo, req: FakeRequest): FakeReply {
  const body = bodyOf(req);
  const rawHead = String(body.head);
  const head = rawHead.includes(":") ? rawHead.slice(rawHead.indexOf(":") + 1) : rawHead;
  const base = String(body.base);
  if (typeof body.title !== "string") return validationFailed([{ resource: "PullRequest", field: "title", code: "missing_field" }]);
  const taken = [...fake.pulls.values()].some((p) => p.state === "open" && p.head.ref === head && p.base.ref === base);
  if (taken) {
    return validationFailed([{ resource: "PullRequest", code: "custom", message: `A pull request already exists for ${fake.owner}:${head}.` }]);
  }
  const pull = fake.openPull({ head, base, title: body.title, body: typeof body.body === "string" ? body.body : null, draft: body.draft === true });
  return { status: 201, body: pull };
}

function update(fake: FakeRepo, req: FakeRequest): FakeReply {
  const pull = pullOf(fake, req);
  if (!pull) return notFound();
  const body = bodyOf(req);
  if (body.state === "open" && pull.merged) return validationFailed([{ resource: "PullRequest", field: "state", code: "invalid", message: "merged pull requests cannot be reopened" }]);
  const now = fake.touch(pull.number);
  if (typeof body.title === "string") pull.title = body.title;
  if (typeof body.body === "string") pull.body = body.body;
  if (typeof body.base === "string") pull.base = { ...pull.base, ref: body.base, label: `${fake.owner}:${body.base}` };
  if (body.state === "closed" && pull.state === "open") Object.assign(pull, { state: "closed", closed_at: now });
  if (body.state === "open" && pull.state === "closed") Object.assign(pull, { state: "open", closed_at: null });
  return { status: 200, body: pull };
}

function requestReviewers(fake: FakeRepo, req: FakeRequest): FakeReply {
  const pull = pullOf(fake, req);
  if (!pull) return notFound();
  const body = bodyOf(req);
  const users = (body.reviewers as string[] | undefined) ?? [];
  const teams = (body.team_reviewers as string[] | undefined) ?? [];
  if (users.includes(pull.user.login)) {
    return validationFailed([{ resource: "PullRequest", code: "custom", message: "Review cannot be requested from pull request author." }]);
  }
  const outsiders = users.filter((login) => (fake.permissions.get(login) ?? "none") === "none");
  if (outsiders.length) {
    return validationFailed([{ resource: "PullRequest", code: "custom", field: "requested_reviewers", message: `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${fake.owner}/${fake.repo} repository.` }]);
  }
  for (const login of users) {
    if (!pull.requested_reviewers.some((u) => u.login === login)) pull.requested_reviewers.push(fake.user(login));
  }
  for (const slug of teams) {
    const present = (pull.requested_teams as { slug: string }[]).some((t) => t.slug === slug);
    if (!present) pull.requested_teams.push(teamObject(fake, slug));
  }
  fake.touch(pull.number);
  return { status: 201, body: fake.objects.pullSimple(pull) };
}

function teamObject(fake: FakeRepo, slug: string): Record<string, unknown> {
  const id = fake.id();
  return {
    id,
    node_id: `T_${Buffer.from(slug).toString("base64url")}`,
    url: `https://api.github.com/teams/${id}`,
    html_url: `https://github.com/orgs/${fake.owner}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "push",
    members_url: `https://api.github.com/teams/${id}/members{/member}`,
    repositories_url: `https://api.github.com/teams/${id}/repos`,
    parent: null,
    type: "organization",
  };
}

export function routePulls(fake: FakeRepo, req: FakeRequest): FakeReply | undefined {
  switch (req.operationId) {
    case "pulls/list":
      return list(fake, req);
    case "pulls/get": {
      const pull = pullOf(fake, req);
      return pull ? { status: 200, body: pull } : notFound();
    }
    case "pulls/create":
      return create(fake, req);
    case "pulls/update":
      return update(fake, req);
    case "pulls/request-reviewers":
      return requestReviewers(fake, req);
    case "pulls/list-reviews": {
      const pull = pullOf(fake, req);
      if (!pull) return notFound();
      return paginate(fake.reviews.filter((r) => r.pullNumber === pull.number).map((r) => r.json), req);
    }
    case "pulls/list-review-comments": {
      const pull = pullOf(fake, req);
      if (!pull) return notFound();
      const mine = fake.reviewComments.filter((c) => c.pullNumber === pull.number);
      return paginate(sinceAndSort(mine, req, (c) => c.json).map((c) => c.json), req);
    }
    case "pulls/list-review-comments-for-repo":
      return paginate(sinceAndSort(fake.reviewComments, req, (c) => c.json).map((c) => c.json), req);
    default:
      return undefined;
  }
}
