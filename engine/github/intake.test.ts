// Intake: events that are not the agency's business cost no API call; what people who may direct the agency write
// goes on to the reconcile, their /commands acknowledged with 👀 (and later 🚀, or 😕 with one reply); everyone
// else is ignored. Authorization is the commands room's `authorize`, fed by the cached GitHub permission lookup.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorize, commandReader, reactionsFor, type ParsedCommand } from "../../test/support/commands/reader.ts";
import type { Agency } from "../spec/types.gen.ts";
import { applyAcknowledgement, type CommandComment } from "./acknowledge.ts";
import type { Actor, AgencyEvent } from "./event-types.ts";
import { concernsAgency, parseEvent } from "./events.ts";
import { intakeEvent, type IntakeOptions } from "./intake.ts";
import { cachedPermissionLookup } from "./permission-lookup.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";
import { webhookExamples } from "../../test/support/github/webhook-examples.ts";

const agency: Agency = {
  name: "Lanternfish",
  directors: [{ id: "director", github: "the-director" }],
  commanders: ["renovate[bot]"],
  models: {
    tiers: [{ id: "fast", model: "m", price: { inputPerMTok: 1, outputPerMTok: 1 } }],
    routing: { criteria: [{ id: "quality", weight: 1 }], thresholds: [{ tier: "fast", minScore: 1 }] },
  },
};

let h: GitHubHarness;
let options: IntakeOptions<ParsedCommand>;
beforeEach(() => {
  h = githubHarness();
  h.fake.setPermission("maintainer", "maintain");
  h.fake.setPermission("visitor", "read");
  const lookup = cachedPermissionLookup(h.forge);
  options = { commands: commandReader(), mayDirect: async (actor: Actor) => (await authorize(actor, agency, lookup)).allowed };
});
afterEach(() => h.finish());

function commentEvent(pr: number, author: string, body: string): AgencyEvent {
  const c = h.fake.comment(pr, { author, body });
  return { kind: "issue_comment", commentId: c.id, body, author: { login: author, type: "User" }, url: c.html_url, at: c.created_at, issueNumber: pr, isPullRequest: true, labels: ["ateams"], head: null };
}

describe("intakeEvent", () => {
  it("makes no API call at all for any published payload that does not concern the agency", async () => {
    let skipped = 0;
    for (const e of webhookExamples()) {
      const event = parseEvent(e.name, e.payload);
      if (concernsAgency(event, commandReader())) continue;
      expect(await intakeEvent(h.forge, event, options)).toEqual({ action: "none", reason: "not-agency" });
      skipped++;
    }
    expect(skipped).toBeGreaterThan(100);
    expect(h.mock.calls).toEqual([]);
  });

  it("acknowledges a command from someone with maintain access with 👀", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const intake = await intakeEvent(h.forge, commentEvent(pr.number, "maintainer", "/approve b"), options);
    expect(intake).toMatchObject({ action: "reconcile", commands: [{ name: "/approve", args: "b" }], comment: { kind: "issue-comment", author: "maintainer" } });
    expect(h.fake.reactions.map((r) => r.json.content)).toEqual(["eyes"]);
    expect(h.mock.operations).toEqual(["repos/get-collaborator-permission-level", "reactions/create-for-issue-comment"]);
  });

  it("ignores commands and comments from people without write access: no reaction, no write, one lookup each", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    expect(await intakeEvent(h.forge, commentEvent(pr.number, "visitor", "/approve"), options)).toEqual({ action: "none", reason: "not-permitted" });
    expect(await intakeEvent(h.forge, commentEvent(pr.number, "visitor", "Please also add a FAQ"), options)).toEqual({ action: "none", reason: "not-permitted" });
    expect(await intakeEvent(h.forge, commentEvent(pr.number, "drive-by", "/cancel"), options)).toEqual({ action: "none", reason: "not-permitted" });
    expect(h.mock.writes).toBe(0);
    expect(h.fake.reactions).toEqual([]);
    expect(h.mock.reads).toBe(2);
  });

  it("takes the agency's directors without asking GitHub", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const intake = await intakeEvent(h.forge, commentEvent(pr.number, "the-director", "Shorter, please"), options);
    expect(intake).toMatchObject({ action: "reconcile", commands: [] });
    expect(h.mock.calls).toEqual([]);
  });

  it("acknowledges a command on a line of the diff on the review comment itself", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const c = h.fake.reviewComment(pr.number, { author: "maintainer", body: "/revise cut this paragraph", path: "a.md", line: 4 });
    const event: AgencyEvent = { kind: "pull_request_review_comment", commentId: c.id, body: c.body, path: "a.md", line: 4, author: { login: "maintainer", type: "User" }, url: String(c.html_url), at: c.created_at, pullNumber: pr.number, head: "ateams/site/copy", labels: [] };
    expect(await intakeEvent(h.forge, event, options)).toMatchObject({ action: "reconcile", commands: [{ name: "/revise" }] });
    expect(h.fake.reactions.map((r) => [r.subject, r.subjectId, r.json.content])).toEqual([["review-comment", c.id, "eyes"]]);
  });
});

describe("applyAcknowledgement", () => {
  it("reacts 🚀 when a command is done", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const c = h.fake.comment(pr.number, { author: "maintainer", body: "/approve" });
    await applyAcknowledgement(h.forge, { kind: "issue-comment", id: c.id, issueNumber: pr.number, author: "maintainer" }, reactionsFor({ kind: "done" }));
    expect(h.fake.reactions.map((r) => r.json.content)).toEqual(["rocket"]);
    expect(h.fake.commentsOn(pr.number)).toHaveLength(1);
  });

  it("reacts 😕 and replies once, however often it runs", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const c = h.fake.comment(pr.number, { author: "maintainer", body: "/approve z" });
    const comment: CommandComment = { kind: "issue-comment", id: c.id, issueNumber: pr.number, author: "maintainer" };
    const ack = reactionsFor({ kind: "rejected", command: "/approve", reason: "there is no option z; the plan has a, b and c." });
    expect((await applyAcknowledgement(h.forge, comment, ack)).reply?.action).toBe("created");
    expect((await applyAcknowledgement(h.forge, comment, ack)).reply?.action).toBe("unchanged");
    const replies = h.fake.commentsOn(pr.number).filter((x) => x.id !== c.id);
    expect(replies.map((r) => r.body)).toEqual([`<!-- ateams:reply:issue-comment-${c.id} -->\n@maintainer \`/approve\` was not run: there is no option z; the plan has a, b and c.`]);
    expect(h.fake.reactions.map((r) => r.json.content)).toEqual(["confused"]);
  });
});
