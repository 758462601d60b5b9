// Event intake on the real payloads of @octokit/webhooks-examples, and on variants derived from them that touch the
// agency (the published examples are about Codertocat/Hello-World, so none does by itself).
import { describe, expect, it } from "vitest";
import { GitHubEventError } from "./errors.ts";
import { concernsAgency, parseEvent, readEvent, type AgencyEvent } from "./events.ts";
import { commandReader } from "../../test/support/commands/reader.ts";
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

  it("finds none of them the agency's business except a manual dispatch and new default-branch pushes it cannot see into", () => {
    const concerning = all.filter((e) => concernsAgency(parseEvent(e.name, e.payload), commandReader()));
    expect(new Set(concerning.map((e) => e.name))).toEqual(new Set(["workflow_dispatch", "push"]));
    // The pushes that concern it created the default branch: the payload cannot say what the branch holds.
    for (const e of concerning.filter((c) => c.name === "push")) expect(e.payload).toMatchObject({ ref: "refs/heads/master", created: true });
  });
});

describe("concernsAgency on variants of the published payloads", () => {
  const push = (over: Obj, files: Obj = {}): AgencyEvent => {
    const p = examplesOf("push").find((x) => x.ref === "refs/heads/master") as Obj;
    Object.assign(p, { created: false }, over);
    Object.assign(p.commits[0], files);
    return parseEvent("push", p);
  };

  it("push: the default branch touching agency/, or any ateams branch", () => {
    expect(concernsAgency(push({}, { added: [], modified: ["agency/roles/writer.yaml"] }), commandReader())).toBe(true);
    expect(concernsAgency(push({}, { added: ["README.md"] }), commandReader())).toBe(false);
    expect(concernsAgency(push({ ref: "refs/heads/ateams/site/copy" }, { added: ["README.md"] }), commandReader())).toBe(true);
    expect(concernsAgency(push({ ref: "refs/heads/feature/x" }, { modified: ["agency/agency.yaml"] }), commandReader())).toBe(false);
    expect(concernsAgency(push({ forced: true }, { added: ["README.md"] }), commandReader())).toBe(true);
    expect(concernsAgency(push({ ref: "refs/tags/v1" }, { modified: ["agency/agency.yaml"] }), commandReader())).toBe(false);
  });

  it("push: a payload with 20 commits cannot list everything, so it counts", () => {
    const p = examplesOf("push").find((x) => x.ref === "refs/heads/master") as Obj;
    p.created = false;
    p.commits = Array.from({ length: 20 }, () => ({ ...p.commits[0], added: ["README.md"] }));
    const event = parseEvent("push", p);
    expect(event).toMatchObject({ filesKnown: false });
    expect(concernsAgency(event, commandReader())).toBe(true);
  });

  it("pull_request closed: only for ateams/ heads, merged or not", () => {
    for (const merged of [true, false]) {
      const p = examplesOf("pull_request", "closed")[0] as Obj;
      p.pull_request.head.ref = "ateams/site/copy";
      p.pull_request.merged = merged;
      const event = parseEvent("pull_request", p);
      expect(event).toMatchObject({ kind: "pull_request_closed", merged, head: "ateams/site/copy" });
      expect(concernsAgency(event, commandReader())).toBe(true);
    }
  });

  it("issue_comment: a /command, or a comment on an ateams-labelled PR; never a quote or our own comment", () => {
    const comment = (body: string, labels = ["bug"], pr = true): AgencyEvent => {
      const p = examplesOf("issue_comment", "created")[0] as Obj;
      p.comment.body = body;
      p.issue.labels = labels.map((name) => ({ ...p.issue.labels[0], name }));
      if (pr) p.issue.pull_request = { url: "https://api.github.com/repos/Codertocat/Hello-World/pulls/1" };
      return parseEvent("issue_comment", p);
    };
    expect(comment("/approve b")).toMatchObject({ isPullRequest: true });
    expect(concernsAgency(comment("/approve b"), commandReader())).toBe(true);
    expect(concernsAgency(comment("Looks good.\n/revise make it shorter", ["bug"], false), commandReader())).toBe(true);
    expect(concernsAgency(comment("Looks good to me", ["ateams", "project:site"]), commandReader())).toBe(true);
    expect(concernsAgency(comment("Looks good to me"), commandReader())).toBe(false);
    expect(concernsAgency(comment("> /approve\nI agree with the above"), commandReader())).toBe(false);
    expect(concernsAgency(comment("```\n/approve\n```"), commandReader())).toBe(false);
    expect(concernsAgency(comment("see /usr/bin/env and `/approve`"), commandReader())).toBe(false);
    // A role's own command counts once the agency's command set is passed in.
    expect(concernsAgency(comment("/outline the FAQ"), commandReader())).toBe(false);
    expect(concernsAgency(comment("/outline the FAQ"), commandReader(new Set(["/outline"])))).toBe(true);
    expect(concernsAgency(comment("<!-- ateams:reply:issue-comment-1 -->\n@dana try /help", ["ateams"]), commandReader())).toBe(false);
  });

  it("reviews and review comments: on ateams/ heads only", () => {
    const review = examplesOf("pull_request_review", "submitted")[0] as Obj;
    expect(concernsAgency(parseEvent("pull_request_review", review), commandReader())).toBe(false);
    review.pull_request.head.ref = "ateams/site/copy";
    review.review.state = "changes_requested";
    expect(parseEvent("pull_request_review", review)).toMatchObject({ verdict: "changes_requested" });
    expect(concernsAgency(parseEvent("pull_request_review", review), commandReader())).toBe(true);

    const line = examplesOf("pull_request_review_comment", "created")[1] as Obj;
    line.pull_request.head.ref = "ateams/site/copy";
    expect(concernsAgency(parseEvent("pull_request_review_comment", line), commandReader())).toBe(true);
  });

  it("schedule (not a webhook, so no published example): always, with the cron that fired", () => {
    const event = parseEvent("schedule", { schedule: "*/30 * * * *", workflow: ".github/workflows/ateams.yml" });
    expect(event).toEqual({ kind: "schedule", cron: "*/30 * * * *" });
    expect(concernsAgency(event, commandReader())).toBe(true);
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
