// Whether an event is the agency's business, on the real payloads of @octokit/webhooks-examples and on variants
// derived from them that touch the agency (the published examples are about Codertocat/Hello-World, so none does).
import { describe, expect, it } from "vitest";
import { parseEvent, type AgencyEvent } from "../github/events.ts";
import { webhookExamples, examplesOf } from "../../test/support/github/webhook-examples.ts";
import { concernsAgency } from "./concerns-agency.ts";

type Obj = Record<string, any>;

describe("concernsAgency on every published payload", () => {
  const all = webhookExamples();

  it("finds none of them the agency's business except a manual dispatch and new default-branch pushes it cannot see into", () => {
    const concerning = all.filter((e) => concernsAgency(parseEvent(e.name, e.payload)));
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
    expect(concernsAgency(push({}, { added: [], modified: ["agency/roles/writer.yaml"] }))).toBe(true);
    expect(concernsAgency(push({}, { added: ["README.md"] }))).toBe(false);
    expect(concernsAgency(push({ ref: "refs/heads/ateams/site/copy" }, { added: ["README.md"] }))).toBe(true);
    expect(concernsAgency(push({ ref: "refs/heads/feature/x" }, { modified: ["agency/agency.yaml"] }))).toBe(false);
    expect(concernsAgency(push({ forced: true }, { added: ["README.md"] }))).toBe(true);
    expect(concernsAgency(push({ ref: "refs/tags/v1" }, { modified: ["agency/agency.yaml"] }))).toBe(false);
  });

  it("push: a payload with 20 commits cannot list everything, so it counts", () => {
    const p = examplesOf("push").find((x) => x.ref === "refs/heads/master") as Obj;
    p.created = false;
    p.commits = Array.from({ length: 20 }, () => ({ ...p.commits[0], added: ["README.md"] }));
    const event = parseEvent("push", p);
    expect(event).toMatchObject({ filesKnown: false });
    expect(concernsAgency(event)).toBe(true);
  });

  it("pull_request closed: only for ateams/ heads, merged or not", () => {
    for (const merged of [true, false]) {
      const p = examplesOf("pull_request", "closed")[0] as Obj;
      p.pull_request.head.ref = "ateams/site/copy";
      p.pull_request.merged = merged;
      const event = parseEvent("pull_request", p);
      expect(event).toMatchObject({ kind: "pull_request_closed", merged, head: "ateams/site/copy" });
      expect(concernsAgency(event)).toBe(true);
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
    expect(concernsAgency(comment("/approve b"))).toBe(true);
    expect(concernsAgency(comment("Looks good.\n/revise make it shorter", ["bug"], false))).toBe(true);
    expect(concernsAgency(comment("Looks good to me", ["ateams", "project:site"]))).toBe(true);
    expect(concernsAgency(comment("Looks good to me"))).toBe(false);
    expect(concernsAgency(comment("> /approve\nI agree with the above"))).toBe(false);
    expect(concernsAgency(comment("```\n/approve\n```"))).toBe(false);
    expect(concernsAgency(comment("see /usr/bin/env and `/approve`"))).toBe(false);
    // A role's own command counts once the agency's command set is passed in.
    expect(concernsAgency(comment("/outline the FAQ"))).toBe(false);
    expect(concernsAgency(comment("/outline the FAQ"), new Set(["/outline"]))).toBe(true);
    expect(concernsAgency(comment("<!-- ateams:reply:issue-comment-1 -->\n@dana try /help", ["ateams"]))).toBe(false);
  });

  it("reviews and review comments: on ateams/ heads only", () => {
    const review = examplesOf("pull_request_review", "submitted")[0] as Obj;
    expect(concernsAgency(parseEvent("pull_request_review", review))).toBe(false);
    review.pull_request.head.ref = "ateams/site/copy";
    review.review.state = "changes_requested";
    expect(parseEvent("pull_request_review", review)).toMatchObject({ verdict: "changes_requested" });
    expect(concernsAgency(parseEvent("pull_request_review", review))).toBe(true);

    const line = examplesOf("pull_request_review_comment", "created")[1] as Obj;
    line.pull_request.head.ref = "ateams/site/copy";
    expect(concernsAgency(parseEvent("pull_request_review_comment", line))).toBe(true);
  });

  it("schedule (not a webhook, so no published example): always, with the cron that fired", () => {
    const event = parseEvent("schedule", { schedule: "*/30 * * * *", workflow: ".github/workflows/ateams.yml" });
    expect(event).toEqual({ kind: "schedule", cron: "*/30 * * * *" });
    expect(concernsAgency(event)).toBe(true);
  });
});

