// Test-only: the issues.* endpoints of the fake repository (comments and labels). PRs are issues here too, as on
// GitHub: they share numbers, comments and labels.
import type { FakeRepo } from "./fake-repo.ts";
import { bodyOf, notFound, paginate, sinceAndSort, validationFailed, type FakeReply, type FakeRequest } from "./fake-http.ts";

function issueNumber(fake: FakeRepo, req: FakeRequest): number | undefined {
  const n = Number(req.pathParams.issue_number);
  return fake.labelsOf(n) ? n : undefined;
}

function addLabels(fake: FakeRepo, req: FakeRequest): FakeReply {
  const n = issueNumber(fake, req);
  if (n === undefined) return notFound();
  const labels = fake.labelsOf(n)!;
  const raw = (bodyOf(req).labels as (string | { name: string })[] | undefined) ?? [];
  for (const entry of raw) {
    const name = typeof entry === "string" ? entry : entry.name;
    if (!labels.some((l) => l.name.toLowerCase() === name.toLowerCase())) labels.push(fake.ensureLabel(name));
  }
  fake.touch(n);
  return { status: 200, body: labels };
}

function removeLabel(fake: FakeRepo, req: FakeRequest): FakeReply {
  const n = issueNumber(fake, req);
  if (n === undefined) return notFound();
  const labels = fake.labelsOf(n)!;
  const name = String(req.pathParams.name).toLowerCase();
  const at = labels.findIndex((l) => l.name.toLowerCase() === name);
  if (at < 0) return { status: 404, body: { message: "Label does not exist", documentation_url: "https://docs.github.com/rest", status: "404" } };
  labels.splice(at, 1);
  fake.touch(n);
  return { status: 200, body: labels };
}

function createLabel(fake: FakeRepo, req: FakeRequest): FakeReply {
  const body = bodyOf(req);
  const name = String(body.name);
  if (fake.labels.has(name.toLowerCase())) return validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
  const color = typeof body.color === "string" ? body.color.replace(/^#/, "") : "ededed";
  const label = fake.ensureLabel(name, color, typeof body.description === "string" ? body.description : null);
  return { status: 201, body: label };
}

export function routeIssues(fake: FakeRepo, req: FakeRequest): FakeReply | undefined {
  switch (req.operationId) {
    case "issues/list-comments": {
      const n = issueNumber(fake, req);
      if (n === undefined) return notFound();
      const mine = fake.issueComments.filter((c) => c.issueNumber === n);
      return paginate(sinceAndSort(mine, req, (c) => c.json).map((c) => c.json), req);
    }
    case "issues/list-comments-for-repo":
      return paginate(sinceAndSort(fake.issueComments, req, (c) => c.json).map((c) => c.json), req);
    case "issues/create-comment": {
      const n = issueNumber(fake, req);
      if (n === undefined) return notFound();
      return { status: 201, body: fake.comment(n, { author: fake.viewer, body: String(bodyOf(req).body), type: "Bot" }) };
    }
    case "issues/update-comment": {
      const stored = fake.issueComments.find((c) => c.json.id === Number(req.pathParams.comment_id));
      if (!stored) return notFound();
      stored.json.body = String(bodyOf(req).body);
      stored.json.updated_at = fake.touch(stored.issueNumber);
      return { status: 200, body: stored.json };
    }
    case "issues/add-labels":
      return addLabels(fake, req);
    case "issues/remove-label":
      return removeLabel(fake, req);
    case "issues/get-label": {
      const label = fake.labels.get(String(req.pathParams.name).toLowerCase());
      return label ? { status: 200, body: label } : notFound();
    }
    case "issues/create-label":
      return createLabel(fake, req);
    default:
      return undefined;
  }
}
