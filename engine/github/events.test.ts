// Event intake on the real payloads of @octokit/webhooks-examples, and on variants derived from them that touch the
// agency (the published examples are about Codertocat/Hello-World, so none does by itself).
import { describe, expect, it } from "vitest";
import { GitHubEventError } from "./errors.ts";
import { parseEvent, readEvent, type AgencyEvent } from "./events.ts";
import { examplesOf, webhookExamples } from "../../test/support/github/webhook-examples.ts";

type Obj = Record<string, any>;

describe("parseEvent on every published payload", () => {
  const all = webhookExamples();

  it("never throws, and maps each event and action to the right kind", () => {
    expect(all.length).toBeGreaterThan(100);
    const kinds = new Map<string, Set<string>>();
    for (const e of all) {
      const event = parseEvent(e.name, e.payload);
      const key = `${e.name}.${e.action ?? ""}`;
      kinds.set(key, (kinds.get(key) ?? new Set()).add(event.kind));
    }
    expect(kinds.get("push.")).toEqual(new Set(["push"]));
    expect(kinds.get("pull_request.closed")).toEqual(new Set(["pull_request_closed"]));
    expect(kinds.get("pull_request.opened")).toEqual(new Set(["ignored"]));
    expect(kinds.get("issue_comment.created")).toEqual(new Set(["issue_comment"]));
    expect(kinds.get("issue_comment.edited")).toEqual(new Set(["ignored"]));
    expect(kinds.get("pull_request_review.submitted")).toEqual(new Set(["pull_request_review"]));
    expect(kinds.get("pull_request_review.dismissed")).toEqual(new Set(["ignored"]));
    expect(kinds.get("pull_request_review_comment.created")).toEqual(new Set(["pull_request_review_comment"]));
    expect(kinds.get("workflow_dispatch.")).toEqual(new Set(["workflow_dispatch"]));
    expect(kinds.get("issues.opened")).toEqual(new Set(["ignored"]));
  });

  it("reads the fields of each handled payload", () => {
    for (const p of examplesOf("push") as Obj[]) {
      const e = parseEvent("push", p);
      const files = p.commits.flatMap((c: Obj) => [...c.added, ...c.modified, ...c.removed]);
      expect(e).toMatchObject({ kind: "push", ref: p.ref, before: p.before, after: p.after, defaultBranch: p.repository.default_branch, changedFiles: [...new Set(files)].sort(), sender: { login: p.sender.login } });
      expect((e as { branch: string | null }).branch).toBe(p.ref.startsWith("refs/heads/") ? p.ref.slice(11) : null);
    }
    for (const p of examplesOf("pull_request", "closed") as Obj[]) {
      expect(parseEvent("pull_request", p)).toEqual({ kind: "pull_request_closed", number: p.pull_request.number, merged: p.pull_request.merged, head: p.pull_request.head.ref, base: p.pull_request.base.ref, labels: p.pull_request.labels.map((l: Obj) => l.name), sender: { login: p.sender.login, type: p.sender.type } });
    }
    for (const p of examplesOf("issue_comment", "created") as Obj[]) {
      expect(parseEvent("issue_comment", p)).toEqual({ kind: "issue_comment", commentId: p.comment.id, body: p.comment.body, author: { login: p.comment.user.login, type: p.comment.user.type }, url: p.comment.html_url, at: p.comment.created_at, issueNumber: p.issue.number, isPullRequest: false, labels: ["bug"], head: null });
    }
    for (const p of examplesOf("pull_request_review", "submitted") as Obj[]) {
      expect(parseEvent("pull_request_review", p)).toMatchObject({ kind: "pull_request_review", reviewId: p.review.id, body: p.review.body ?? "", verdict: p.review.state, author: { login: p.review.user.login }, url: p.review.html_url, at: p.review.submitted_at, pullNumber: p.pull_request.number, head: p.pull_request.head.ref });
    }
    for (const p of examplesOf("pull_request_review_comment", "created") as Obj[]) {
      expect(parseEvent("pull_request_review_comment", p)).toMatchObject({ kind: "pull_request_review_comment", commentId: p.comment.id, body: p.comment.body, path: p.comment.path, line: p.comment.line ?? null, author: { login: p.comment.user.login }, url: p.comment.html_url, at: p.comment.created_at, pullNumber: p.pull_request.number, head: p.pull_request.head.ref });
    }
    for (const p of examplesOf("workflow_dispatch") as Obj[]) {
      expect(parseEvent("workflow_dispatch", p)).toEqual({ kind: "workflow_dispatch", ref: p.ref, inputs: p.inputs ?? {} });
    }
  });
});

describe("readEvent", () => {
  const files = new Map<string, string>();
  const read = (path: string) => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  };

  it("is undefined outside Actions", async () => {
    expect(await readEvent({}, read)).toBeUndefined();
  });

  it("reads GITHUB_EVENT_PATH for GITHUB_EVENT_NAME", async () => {
    files.set("/github/workflow/event.json", JSON.stringify(examplesOf("pull_request", "closed")[0]));
    const event = await readEvent({ GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: "/github/workflow/event.json" }, read);
    expect(event).toMatchObject({ kind: "pull_request_closed", head: "changes" });
  });

  it("fails with GitHubEventError on a missing path, an unreadable file, bad JSON, or a payload missing a field", async () => {
    await expect(readEvent({ GITHUB_EVENT_NAME: "push" }, read)).rejects.toThrow(/GITHUB_EVENT_PATH is not set/);
    await expect(readEvent({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: "/nope.json" }, read)).rejects.toBeInstanceOf(GitHubEventError);
    files.set("/bad.json", "{not json");
    await expect(readEvent({ GITHUB_EVENT_NAME: "push", GITHUB_EVENT_PATH: "/bad.json" }, read)).rejects.toThrow(/is not JSON/);
    const broken = examplesOf("issue_comment", "created")[0] as Obj;
    delete broken.comment.id;
    files.set("/broken.json", JSON.stringify(broken));
    await expect(readEvent({ GITHUB_EVENT_NAME: "issue_comment", GITHUB_EVENT_PATH: "/broken.json" }, read)).rejects.toThrow(/payload field comment.id is missing or not a number/);
  });
});
