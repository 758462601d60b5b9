import { describe, expect, it } from "vitest";
import { toPullRequest, trustedHead } from "./map-github.ts";
import { parseEvent } from "./parse-event.ts";
import { PullRequestIndex } from "./pull-request-lookup.ts";
import { examplesOf } from "./testing/webhook-examples.ts";

describe("a fork cannot pose as one of the engine's branches", () => {
  it("a PR from a fork named ateams/<project>/plan keeps a head that is never ours", () => {
    expect(trustedHead({ ref: "ateams/p/plan", repo: { full_name: "acme/agency" } }, { repo: { full_name: "acme/agency" } })).toBe("ateams/p/plan");
    expect(trustedHead({ ref: "ateams/p/plan", repo: { full_name: "mallory/agency" } }, { repo: { full_name: "acme/agency" } })).toBe("fork:mallory/agency:ateams/p/plan");
    expect(trustedHead({ ref: "ateams/p/plan", repo: null }, { repo: { full_name: "acme/agency" } })).toBe("fork:(deleted):ateams/p/plan");
  });

  it("the run-wide PR index ignores it, so the engine neither updates it nor reads commands from it", () => {
    const raw = (n: number, from: string) => ({
      number: n,
      id: n,
      node_id: `PR_${n}`,
      html_url: `https://github.com/acme/agency/pull/${n}`,
      title: "t",
      body: "",
      state: "open",
      draft: false,
      merged_at: null,
      closed_at: null,
      created_at: "2025-01-01T00:00:00Z",
      updated_at: "2025-01-01T00:00:00Z",
      user: { login: "mallory", type: "User" },
      labels: [],
      head: { ref: "ateams/p/plan", sha: "a".repeat(40), repo: { full_name: from } },
      base: { ref: "main", repo: { full_name: "acme/agency" } },
    });
    const index = new PullRequestIndex([toPullRequest(raw(1, "mallory/agency") as never), toPullRequest(raw(2, "acme/agency") as never)], false);
    expect(index.heads()).toEqual(["ateams/p/plan"]);
    expect(index.existing("ateams/p/plan")?.number).toBe(2);
  });

  it("Actions payloads from a fork's PR carry the fork's head, not the branch name", () => {
    const payload = structuredClone(examplesOf("pull_request", "closed")[0]!) as Record<string, any>;
    payload.pull_request.head.ref = "ateams/p/docs";
    payload.pull_request.head.repo = { ...payload.pull_request.base.repo, full_name: "mallory/fork" };
    const event = parseEvent("pull_request", payload);
    expect("head" in event && event.head).toBe("fork:mallory/fork:ateams/p/docs");
  });
});
